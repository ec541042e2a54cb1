/**
 * Identity resolution decisions, pure (privacy-domain.md 12.4):
 * - identifiers are keyed hashes (type + HMAC); only linkage types (e-mail,
 *   phone, platform customer id: IDENTIFIER_TYPES) resolve a person;
 * - any matching link gives the subject; none means a new subject;
 * - identifiers of one event that point at different subjects show they are
 *   one person: merge automatically on an e-mail or platform-id match, only
 *   flag a phone-only match for review (false merges: shared family phones,
 *   recycled numbers);
 * - the survivor is the subject with the most matching links (merge the
 *   smaller into the larger), then the oldest, then the smallest id, so every
 *   replica and every redelivery picks the same one.
 */
import { IDENTIFIER_TYPES, isPiiType } from "../../../common/src/pii";

/** A keyed hash carried by an intake event. */
export interface IdentifierRef {
  type: string;
  hash: string;
  keyVersion: number;
}

/** An existing link as the API returns it. */
export interface FoundLink {
  identifierType: string;
  identifierHash: string;
  dataSubjectId: string;
  dataSubject: { id: string; status: string; mergedInto: string | null; createdAt: string };
}

export interface MergeDecision {
  /** Subject to mark as merged into the survivor. */
  subjectId: string;
  /** Identifier type that proved it is the same person. */
  identifierType: string;
}

export type ResolutionPlan =
  | { kind: "no_identifiers" }
  | { kind: "create"; links: IdentifierRef[] }
  | { kind: "existing"; subjectId: string; links: IdentifierRef[]; merges: MergeDecision[]; reviews: MergeDecision[] };

/** Identifier types strong enough to merge on automatically (12.4 [policy]). */
const AUTO_MERGE_TYPES: ReadonlySet<string> = new Set(["email", "customer_id"]);

/** True when `type` is a linkage identifier (e-mail, phone, platform customer id). */
export function isLinkageType(type: string): boolean {
  return isPiiType(type) && IDENTIFIER_TYPES.has(type);
}

/** The event's linkage identifiers, one per (type, hash), in a stable order. */
export function linkageIdentifiers(identifiers: readonly IdentifierRef[]): IdentifierRef[] {
  const seen = new Map<string, IdentifierRef>();
  for (const id of identifiers) {
    if (!isLinkageType(id.type)) continue;
    const key = `${id.type}:${id.hash}`;
    if (!seen.has(key)) seen.set(key, id);
  }
  return [...seen.values()].sort((a, b) => (a.type === b.type ? a.hash.localeCompare(b.hash) : a.type.localeCompare(b.type)));
}

/** The subject a link resolves to: the survivor when its subject was merged. */
export function canonicalSubjectId(link: FoundLink): string {
  return link.dataSubject.mergedInto ?? link.dataSubjectId;
}

interface Candidate {
  id: string;
  types: Set<string>;
  matches: number;
  createdAt: string;
}

function strongest(types: ReadonlySet<string>): string {
  for (const t of ["email", "customer_id", "phone"]) if (types.has(t)) return t;
  return [...types].sort()[0] ?? "unknown";
}

/** Decides what resolving `identifiers` against the links `found` must do. */
export function planResolution(identifiers: readonly IdentifierRef[], found: readonly FoundLink[]): ResolutionPlan {
  const links = linkageIdentifiers(identifiers);
  if (links.length === 0) return { kind: "no_identifiers" };
  const wanted = new Set(links.map((l) => `${l.type}:${l.hash}`));
  const candidates = new Map<string, Candidate>();
  for (const link of found) {
    if (!wanted.has(`${link.identifierType}:${link.identifierHash}`)) continue;
    const id = canonicalSubjectId(link);
    const c = candidates.get(id) ?? { id, types: new Set<string>(), matches: 0, createdAt: link.dataSubject.createdAt };
    c.types.add(link.identifierType);
    c.matches += 1;
    if (link.dataSubject.createdAt < c.createdAt) c.createdAt = link.dataSubject.createdAt;
    candidates.set(id, c);
  }
  if (candidates.size === 0) return { kind: "create", links };

  const isStrong = (c: Candidate): boolean => [...c.types].some((t) => AUTO_MERGE_TYPES.has(t));
  const ranked = [...candidates.values()].sort(
    (a, b) =>
      Number(isStrong(b)) - Number(isStrong(a)) ||
      b.matches - a.matches ||
      (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
      a.id.localeCompare(b.id),
  );
  const [survivor, ...others] = ranked;
  const merges: MergeDecision[] = [];
  const reviews: MergeDecision[] = [];
  for (const other of others) {
    const decision = { subjectId: other.id, identifierType: strongest(other.types) };
    // Merge only when both sides are tied to the event by a strong identifier.
    if (isStrong(other) && isStrong(survivor)) merges.push(decision);
    else reviews.push(decision);
  }
  return { kind: "existing", subjectId: survivor.id, links, merges, reviews };
}

/**
 * After an upsert, identifiers whose link belongs to a subject the plan did not
 * know (created by a concurrent delivery): merge or review them like `planResolution` does.
 */
export function planLateMerges(
  survivorId: string,
  known: ReadonlySet<string>,
  owners: readonly { identifierType: string; dataSubjectId: string }[],
): { merges: MergeDecision[]; reviews: MergeDecision[] } {
  const byOwner = new Map<string, Set<string>>();
  for (const o of owners) {
    if (o.dataSubjectId === survivorId || known.has(o.dataSubjectId)) continue;
    const set = byOwner.get(o.dataSubjectId) ?? new Set<string>();
    set.add(o.identifierType);
    byOwner.set(o.dataSubjectId, set);
  }
  const merges: MergeDecision[] = [];
  const reviews: MergeDecision[] = [];
  for (const [subjectId, types] of [...byOwner.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const decision = { subjectId, identifierType: strongest(types) };
    if ([...types].some((t) => AUTO_MERGE_TYPES.has(t))) merges.push(decision);
    else reviews.push(decision);
  }
  return { merges, reviews };
}
