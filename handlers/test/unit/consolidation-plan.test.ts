import { planConsolidation, planPreferences, type SubjectNode } from "../../src/consolidation/plan-consolidation";
import { UnionFind } from "../../src/consolidation/union-find";

const C1 = "c1000000-0000-4000-8000-000000000000";
const C2 = "c2000000-0000-4000-8000-000000000000";

function node(id: string, daysOld: number, mergedInto: string | null, extra: Partial<SubjectNode> = {}): SubjectNode {
  return {
    id,
    controllerId: C1,
    createdAt: new Date(Date.UTC(2026, 0, 31) - daysOld * 86_400_000).toISOString(),
    status: mergedInto ? "merged" : "active",
    mergedInto,
    mergeIdentifierType: mergedInto ? "email" : null,
    ...extra,
  };
}

describe("consolidation planning", () => {
  it("groups with union-find", () => {
    const uf = new UnionFind();
    uf.union("a", "b");
    uf.union("c", "d");
    uf.union("b", "d");
    uf.add("e");
    expect([...uf.groups().values()].map((g) => [...g].sort())).toEqual([["a", "b", "c", "d"]]);
  });

  it("picks the oldest member as survivor, flattens chains, revives a merged survivor and never crosses organizations", () => {
    const groups = planConsolidation([
      node("a", 30, "c"),
      node("b", 20, "a", { mergeIdentifierType: "customer_id" }),
      node("c", 10, null),
      node("d", 5, "c"),
      node("x", 40, "y"),
      node("y", 40, "x"),
      node("z", 99, null, { controllerId: C2 }),
      node("w", 1, "z"),
    ]);
    expect(groups).toEqual([
      {
        controllerId: C1,
        survivorId: "a",
        mergedIds: ["b", "c", "d"],
        reviveSurvivor: true,
        repoint: [
          { id: "c", identifierType: "email", newlyMerged: true },
          { id: "d", identifierType: "email", newlyMerged: false },
        ],
      },
      // Same age: the smaller id wins.
      { controllerId: C1, survivorId: "x", mergedIds: ["y"], reviveSurvivor: true, repoint: [] },
    ]);
  });

  it("records on a former survivor the identifier type of the edge that pointed at it", () => {
    const [group] = planConsolidation([node("m", 30, "r", { mergeIdentifierType: "email" }), node("k", 20, "m", { mergeIdentifierType: "customer_id" }), node("r", 10, null)]);
    expect(group.survivorId).toBe("m");
    expect(group.repoint).toEqual([{ id: "r", identifierType: "email", newlyMerged: true }]);
  });

  it("keeps one consent value per survivor and purpose: the latest decision, the survivor's on a tie", () => {
    const survivorOf = new Map([
      ["m1", "s"],
      ["m2", "s"],
      ["m3", "t"],
    ]);
    const row = (id: string, subject: string, purpose: string, granted: boolean, day: number) => ({
      id,
      dataSubjectId: subject,
      purposeId: purpose,
      granted,
      sourceFormValueId: null,
      updatedAt: `2026-01-${String(day).padStart(2, "0")}T00:00:00.000Z`,
    });
    const plan = planPreferences(
      [
        row("p1", "s", "news", true, 1),
        row("p2", "m1", "news", false, 5),
        row("p3", "m2", "news", true, 3),
        row("p4", "s", "ads", true, 9),
        row("p5", "m1", "ads", false, 9),
        row("p6", "m2", "stats", true, 2),
        row("p7", "m3", "stats", false, 4),
      ],
      survivorOf,
    );
    expect(plan).toEqual({
      deletes: ["p2", "p3", "p5"],
      moves: [
        { id: "p6", survivorId: "s" },
        { id: "p7", survivorId: "t" },
      ],
      overwrites: [{ id: "p1", granted: false, sourceFormValueId: null }],
    });
  });
});
