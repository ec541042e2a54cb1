/**
 * Pure planning for consolidate_data_subjects (privacy-domain.md 12.4).
 *
 * Input: subjects joined by merge edges (a merged subject's merged_into, set
 * by intake when one event's strong identifiers pointed at two subjects; the
 * links table holds each (type, hash) once, so an edge is how "sharing a
 * link" is recorded). Union-find groups them; each group gets one
 * deterministic survivor, the oldest (created_at, then id), so every replica
 * and every rerun picks the same one; every other member must point straight
 * at it (chains and cycles are flattened, so identity resolution's single hop
 * from a link's subject to `merged_into` always reaches the survivor).
 * Never across organizations: edges between controllers are ignored.
 */
import { UnionFind } from "./union-find";

export interface SubjectNode {
  id: string;
  controllerId: string;
  createdAt: string;
  status: string;
  mergedInto: string | null;
  mergeIdentifierType: string | null;
}

export interface MergeGroup {
  controllerId: string;
  survivorId: string;
  /** Members other than the survivor, in id order. */
  mergedIds: string[];
  /** Survivor was itself marked merged (cycle, or an older subject found later): it becomes active again. */
  reviveSurvivor: boolean;
  /** Members whose merged_into must change (not yet pointing at the survivor), with the identifier type to record. */
  repoint: { id: string; identifierType: string; newlyMerged: boolean }[];
}

function older(a: SubjectNode, b: SubjectNode): SubjectNode {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta < tb ? a : b;
  return a.id < b.id ? a : b;
}

/** Groups `nodes` (every subject an edge touches must be present). */
export function planConsolidation(nodes: readonly SubjectNode[]): MergeGroup[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const uf = new UnionFind();
  for (const n of nodes) {
    if (!n.mergedInto) continue;
    const target = byId.get(n.mergedInto);
    if (!target || target.controllerId !== n.controllerId) continue;
    uf.union(n.id, target.id);
  }
  const groups: MergeGroup[] = [];
  for (const members of uf.groups().values()) {
    const nodesOf = members.map((id) => byId.get(id) as SubjectNode);
    const survivor = nodesOf.reduce(older);
    const sorted = [...nodesOf].sort((a, b) => (a.id < b.id ? -1 : 1));
    // A member merged for the first time (a former survivor) records the type
    // of an edge that pointed at it: that identifier joined it to the group.
    const typeInto = (id: string): string =>
      sorted.find((n) => n.mergedInto === id && n.mergeIdentifierType)?.mergeIdentifierType ??
      sorted.find((n) => n.mergeIdentifierType)?.mergeIdentifierType ??
      "consolidation";
    const others = sorted.filter((n) => n.id !== survivor.id);
    groups.push({
      controllerId: survivor.controllerId,
      survivorId: survivor.id,
      mergedIds: others.map((n) => n.id),
      reviveSurvivor: survivor.mergedInto !== null,
      repoint: others
        .filter((n) => n.mergedInto !== survivor.id)
        .map((n) => ({ id: n.id, identifierType: n.mergeIdentifierType ?? typeInto(n.id), newlyMerged: n.mergedInto === null })),
    });
  }
  return groups.sort((a, b) => (a.survivorId < b.survivorId ? -1 : 1));
}

export interface PreferenceRow {
  id: string;
  dataSubjectId: string;
  purposeId: string;
  granted: boolean;
  sourceFormValueId: string | null;
  updatedAt: string;
}

export interface PreferencePlan {
  /** Rows to delete (losers; deleted before the moves so the (subject, purpose) key never collides). */
  deletes: string[];
  /** A merged subject's row that becomes the survivor's (the survivor had none for the purpose). */
  moves: { id: string; survivorId: string }[];
  /** The survivor's row takes a later decision from a merged subject. */
  overwrites: { id: string; granted: boolean; sourceFormValueId: string | null }[];
}

/**
 * One consent value per (survivor, purpose): the most recent decision wins
 * (a later withdrawal must be honoured, GDPR Art. 7(3)); on a tie the
 * survivor's own row stays.
 */
export function planPreferences(rows: readonly PreferenceRow[], survivorOf: ReadonlyMap<string, string>): PreferencePlan {
  const plan: PreferencePlan = { deletes: [], moves: [], overwrites: [] };
  const bySlot = new Map<string, PreferenceRow[]>();
  for (const row of rows) {
    const survivorId = survivorOf.get(row.dataSubjectId) ?? row.dataSubjectId;
    const key = `${survivorId}:${row.purposeId}`;
    const list = bySlot.get(key);
    if (list) list.push(row);
    else bySlot.set(key, [row]);
  }
  for (const [key, list] of bySlot) {
    const survivorId = key.slice(0, key.indexOf(":"));
    const own = list.find((r) => r.dataSubjectId === survivorId);
    const others = list.filter((r) => r !== own);
    if (others.length === 0) continue;
    const latest = others.reduce((a, b) => (Date.parse(b.updatedAt) > Date.parse(a.updatedAt) || (b.updatedAt === a.updatedAt && b.id < a.id) ? b : a));
    if (own) {
      if (Date.parse(latest.updatedAt) > Date.parse(own.updatedAt) && (latest.granted !== own.granted || latest.sourceFormValueId !== own.sourceFormValueId)) {
        plan.overwrites.push({ id: own.id, granted: latest.granted, sourceFormValueId: latest.sourceFormValueId });
      }
      plan.deletes.push(...others.map((r) => r.id));
    } else {
      plan.moves.push({ id: latest.id, survivorId });
      plan.deletes.push(...others.filter((r) => r !== latest).map((r) => r.id));
    }
  }
  plan.deletes.sort();
  return plan;
}
