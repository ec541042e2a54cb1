/**
 * resolveDataSubject: finds (or creates) the data subject behind an event's
 * keyed identifiers, through privacy_preserving_links, and records links for
 * every identifier (ARCHITECTURE.md flow step 2; privacy-domain.md 12.4).
 *
 * The caller's own writes (intake: the activity and the processed mark) ride
 * in the same mutation as the subject and links (`SubjectWriter`), so an
 * event costs one read and one write when nothing races it.
 *
 * Safe under redelivery and concurrency without locks:
 * - identifiers the read did not find (all of them for a new subject) are
 *   inserted without on_conflict, in one transaction with the subject (when
 *   new) and the caller's writes: when another delivery linked one of them
 *   first, the unique key fails the whole transaction (nothing is committed:
 *   no subject without links, no activity on a losing subject) and the next
 *   round reads the committed links and plans again;
 * - identifiers the read found are upserted (only lastSeenAt moves), and the
 *   owners the upsert returns are checked again, so an owner that changed
 *   since the read (consolidation) is still merged;
 * - merges the read shows are applied before the write, so once the caller's
 *   write committed (intake: the row marked processed), nothing is left to do
 *   and a redelivery that finds the row processed skips nothing.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../../common/src/logger";
import { GraphqlOperationError } from "../adapters/graphql";
import type { HandlersSdk } from "../adapters/sdk";
import { planLateMerges, planResolution, type FoundLink, type IdentifierRef, type MergeDecision } from "./plan-resolution";

/** The unique key (controller, type, hash) that makes an identifier belong to one subject. */
export const LINK_IDENTIFIER_CONSTRAINT = "privacy_preserving_links_identifier_key";

export interface ResolveInput {
  controllerId: string;
  /** Integration the identifiers came from (recorded on new links). */
  sourceProcessorId: string | null;
  identifiers: readonly IdentifierRef[];
  /** When the event happened: first/last seen of subjects and links. */
  seenAt: Date;
  /** Links already read for these hashes (saves the first lookup's round trip). */
  prefetched?: readonly FoundLink[];
}

/** A privacy_preserving_links row to insert (GraphQL field names). */
export interface LinkRow {
  controllerId: string;
  dataSubjectId: string;
  identifierType: string;
  identifierHash: string;
  keyVersion: number;
  sourceProcessorId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A data_subjects row to insert (GraphQL field names). */
export interface NewSubjectRow {
  id: string;
  controllerId: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** Which subject owns an identifier after an upsert. */
export interface LinkOwner {
  identifierType: string;
  identifierHash: string;
  dataSubjectId: string;
}

/**
 * Commits what the resolution decided, each call one transaction that also
 * carries the caller's own writes; `R` is what those writes return.
 */
export interface SubjectWriter<R> {
  /** The event has no linkage identifier: the caller's writes alone. */
  withoutSubject(): Promise<R>;
  /**
   * The new subject and every link, all or nothing: when one of the links
   * already exists, nothing is committed and this resolves `link_taken`
   * (`isLinkTakenError` recognizes the engine's answer).
   */
  withNewSubject(subject: NewSubjectRow, links: LinkRow[]): Promise<{ kind: "written"; result: R } | { kind: "link_taken" }>;
  /**
   * Links onto a known subject: `known` (found by the read) upserted, an
   * existing link keeping its owner; `added` inserted all or nothing like
   * `withNewSubject`. Resolves with the owners of the known ones.
   */
  withSubject(subjectId: string, known: LinkRow[], added: LinkRow[]): Promise<{ kind: "written"; owners: LinkOwner[]; result: R } | { kind: "link_taken" }>;
}

export interface ResolveDeps {
  sdk: Pick<HandlersSdk, "FindLinksByIdentifiers" | "MergeDataSubjects">;
  logger: Logger;
  now: () => Date;
}

export type ResolveResult =
  | { kind: "no_identifiers" }
  | { kind: "resolved"; subjectId: string; created: boolean; merged: string[]; flaggedForReview: string[] };

/** Bounded: each round either finishes or observes another delivery's committed links. */
const MAX_ROUNDS = 4;

/**
 * True when `err` is the API refusing a link because its identifier is
 * already linked (unique violation of LINK_IDENTIFIER_CONSTRAINT; Hasura's
 * code `constraint-violation`, the constraint named in the message).
 */
export function isLinkTakenError(err: unknown): boolean {
  return err instanceof GraphqlOperationError && err.codes.includes("constraint-violation") && err.message.includes(LINK_IDENTIFIER_CONSTRAINT);
}

/** Runs an all-or-nothing link write; the unique key refusing a link becomes `{ kind: "link_taken" }`, anything else rejects. */
export async function catchLinkTaken<T>(write: () => Promise<T>): Promise<T | { kind: "link_taken" }> {
  try {
    return await write();
  } catch (err: unknown) {
    if (isLinkTakenError(err)) return { kind: "link_taken" };
    throw err;
  }
}

function linkRows(input: ResolveInput, subjectId: string, links: readonly IdentifierRef[]): LinkRow[] {
  const seen = input.seenAt.toISOString();
  return links.map((l) => ({
    controllerId: input.controllerId,
    dataSubjectId: subjectId,
    identifierType: l.type,
    identifierHash: l.hash,
    keyVersion: l.keyVersion,
    sourceProcessorId: input.sourceProcessorId,
    firstSeenAt: seen,
    lastSeenAt: seen,
  }));
}

async function applyMerges(survivorId: string, merges: readonly MergeDecision[], deps: ResolveDeps): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const m of merges) byType.set(m.identifierType, [...(byType.get(m.identifierType) ?? []), m.subjectId]);
  for (const [identifierType, ids] of byType) {
    await deps.sdk.MergeDataSubjects({ ids, into: survivorId, at: deps.now().toISOString(), identifierType });
  }
}

/**
 * Resolves the subject and commits it with the caller's writes; throws on API
 * failures (the delivery is retried, and the all-or-nothing create and the
 * upserts make the retry converge on the same subject).
 */
export async function resolveDataSubject<R>(input: ResolveInput, deps: ResolveDeps, writer: SubjectWriter<R>): Promise<ResolveResult & { written: R }> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const hashes = [...new Set(input.identifiers.map((i) => i.hash))];
    const found =
      round === 0 && input.prefetched
        ? input.prefetched
        : hashes.length === 0
          ? []
          : (await deps.sdk.FindLinksByIdentifiers({ controllerId: input.controllerId, hashes })).privacyPreservingLinks;
    const plan = planResolution(input.identifiers, found);

    if (plan.kind === "no_identifiers") return { ...plan, written: await writer.withoutSubject() };

    if (plan.kind === "create") {
      const subjectId = randomUUID();
      const seen = input.seenAt.toISOString();
      const outcome = await writer.withNewSubject(
        { id: subjectId, controllerId: input.controllerId, firstSeenAt: seen, lastSeenAt: seen },
        linkRows(input, subjectId, plan.links),
      );
      if (outcome.kind === "written") return { kind: "resolved", subjectId, created: true, merged: [], flaggedForReview: [], written: outcome.result };
      // Another delivery linked an identifier between our read and our write;
      // nothing of ours was committed. The next round sees its links.
      continue;
    }

    const knownSubjects = new Set(found.flatMap((l) => [l.dataSubjectId, l.dataSubject.mergedInto ?? l.dataSubjectId]));
    const foundKeys = new Set(found.map((l) => `${l.identifierType}:${l.identifierHash}`));
    const rows = linkRows(input, plan.subjectId, plan.links);
    await applyMerges(plan.subjectId, plan.merges, deps);
    const outcome = await writer.withSubject(
      plan.subjectId,
      rows.filter((r) => foundKeys.has(`${r.identifierType}:${r.identifierHash}`)),
      rows.filter((r) => !foundKeys.has(`${r.identifierType}:${r.identifierHash}`)),
    );
    // An identifier linked by another delivery since the read: plan again.
    if (outcome.kind === "link_taken") continue;
    const late = planLateMerges(plan.subjectId, knownSubjects, outcome.owners);
    await applyMerges(plan.subjectId, late.merges, deps);
    const merges = [...plan.merges, ...late.merges];
    const reviews = [...plan.reviews, ...late.reviews];
    if (reviews.length > 0) {
      // privacy-domain.md 12.4: phone-only matches are not merged; the log
      // line (subject ids only) is the review queue until a review table exists.
      deps.logger.warn({ subjectId: plan.subjectId, candidates: reviews.map((r) => r.subjectId), identifierTypes: reviews.map((r) => r.identifierType) }, "possible duplicate subject flagged for review");
    }
    return {
      kind: "resolved",
      subjectId: plan.subjectId,
      created: false,
      merged: merges.map((m) => m.subjectId),
      flaggedForReview: reviews.map((r) => r.subjectId),
      written: outcome.result,
    };
  }
  throw new Error(`[handlers/identity] subject resolution did not settle after ${MAX_ROUNDS} rounds`);
}
