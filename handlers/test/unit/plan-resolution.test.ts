import { planLateMerges, planResolution, type FoundLink, type IdentifierRef } from "../../src/identity/plan-resolution";

const h = (c: string) => c.repeat(64);
const id = (type: string, hash: string): IdentifierRef => ({ type, hash, keyVersion: 1 });
const link = (type: string, hash: string, subject: string, createdAt = "2026-01-01T00:00:00Z", mergedInto: string | null = null): FoundLink => ({
  identifierType: type,
  identifierHash: hash,
  dataSubjectId: subject,
  dataSubject: { id: subject, status: mergedInto ? "merged" : "active", mergedInto, createdAt },
});

describe("planResolution", () => {
  it("planResolution without linkage identifiers resolves no subject", () => {
    expect(planResolution([id("name", h("a")), id("postal_address", h("b"))], [])).toEqual({ kind: "no_identifiers" });
  });

  it("planResolution with no matching link creates a subject with every linkage identifier, once each, in a stable order", () => {
    expect(planResolution([id("phone", h("c")), id("email", h("a")), id("name", h("d")), id("email", h("a"))], [])).toEqual({
      kind: "create",
      links: [id("email", h("a")), id("phone", h("c"))],
    });
  });

  it("planResolution with one matching link resolves that subject and links the event's other identifiers to it", () => {
    const plan = planResolution([id("email", h("a")), id("customer_id", h("b"))], [link("email", h("a"), "s1")]);
    expect(plan).toEqual({ kind: "existing", subjectId: "s1", links: [id("customer_id", h("b")), id("email", h("a"))], merges: [], reviews: [] });
  });

  it("planResolution follows a merged subject to its survivor", () => {
    expect(planResolution([id("email", h("a"))], [link("email", h("a"), "old", undefined, "s9")])).toMatchObject({ kind: "existing", subjectId: "s9", merges: [] });
  });

  it("planResolution merges the smaller subject into the one with more matches on an e-mail or platform-id match", () => {
    const plan = planResolution(
      [id("email", h("a")), id("customer_id", h("b")), id("customer_id", h("c"))],
      [link("email", h("a"), "s1", "2026-01-01T00:00:00Z"), link("customer_id", h("b"), "s2", "2026-02-01T00:00:00Z"), link("customer_id", h("c"), "s2", "2026-02-01T00:00:00Z")],
    );
    expect(plan).toMatchObject({ kind: "existing", subjectId: "s2", merges: [{ subjectId: "s1", identifierType: "email" }], reviews: [] });
  });

  it("planResolution breaks ties on the oldest subject, then the smallest id", () => {
    const found = [link("email", h("a"), "s2", "2026-01-01T00:00:00Z"), link("customer_id", h("b"), "s1", "2026-03-01T00:00:00Z")];
    expect(planResolution([id("email", h("a")), id("customer_id", h("b"))], found)).toMatchObject({ subjectId: "s2", merges: [{ subjectId: "s1", identifierType: "customer_id" }] });
    const same = [link("email", h("a"), "s2"), link("customer_id", h("b"), "s1")];
    expect(planResolution([id("email", h("a")), id("customer_id", h("b"))], same)).toMatchObject({ subjectId: "s1", merges: [{ subjectId: "s2", identifierType: "email" }] });
  });

  it("planResolution only flags a phone-only match for review and keeps the e-mail subject (12.4)", () => {
    const plan = planResolution([id("email", h("a")), id("phone", h("p"))], [link("phone", h("p"), "family-phone"), link("email", h("a"), "s1", "2026-05-01T00:00:00Z")]);
    expect(plan).toEqual({
      kind: "existing",
      subjectId: "s1",
      links: [id("email", h("a")), id("phone", h("p"))],
      merges: [],
      reviews: [{ subjectId: "family-phone", identifierType: "phone" }],
    });
  });

  it("planResolution ignores found links for identifiers the event does not carry", () => {
    expect(planResolution([id("email", h("a"))], [link("email", h("z"), "s1")])).toEqual({ kind: "create", links: [id("email", h("a"))] });
  });
});

describe("planLateMerges", () => {
  it("planLateMerges merges subjects a concurrent delivery created, by their strongest identifier", () => {
    const owners = [
      { identifierType: "email", dataSubjectId: "s1" },
      { identifierType: "customer_id", dataSubjectId: "late" },
      { identifierType: "phone", dataSubjectId: "late" },
      { identifierType: "phone", dataSubjectId: "phone-only" },
      { identifierType: "email", dataSubjectId: "known-old" },
    ];
    expect(planLateMerges("s1", new Set(["known-old"]), owners)).toEqual({
      merges: [{ subjectId: "late", identifierType: "customer_id" }],
      reviews: [{ subjectId: "phone-only", identifierType: "phone" }],
    });
  });
});
