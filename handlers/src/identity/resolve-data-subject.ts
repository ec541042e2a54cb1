/**
 * resolveDataSubject: finds (or creates) the data subject behind an event's
 * keyed identifiers, through privacy_preserving_links, and records links for
 * every identifier (ARCHITECTURE.md flow step 2; privacy-domain.md 12.4).
 *
 * Safe under redelivery and concurrency without locks: links are upserted on
 * their natural key (controller, type, hash), and what the upsert returns says
 * which subject really owns each identifier. A delivery that created a subject
 * but lost every identifier to a concurrent one deletes it and resolves again.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { planLateMerges, planResolution, type FoundLink, type IdentifierRef, type MergeDecision } from "./plan-resolution";

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

export interface ResolveDeps {
  sdk: Pick<HandlersSdk, "FindLinksByIdentifiers" | "CreateDataSubjectWithLinks" | "UpsertPrivacyPreservingLinks" | "DeleteDataSubject" | "MergeDataSubjects">;
  logger: Logger;
  now: () => Date;
}

export type ResolveResult =
  | { kind: "no_identifiers" }
  | { kind: "resolved"; subjectId: string; created: boolean; merged: string[]; flaggedForReview: string[] };

/** Bounded: each round either finishes or observes another delivery's committed links. */
const MAX_ROUNDS = 4;

function linkRows(input: ResolveInput, subjectId: string, links: readonly IdentifierRef[]) {
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
 * Resolves the subject; throws on API failures (the delivery is retried, and
 * the upserts make the retry converge on the same subject).
 */
export async function resolveDataSubject(input: ResolveInput, deps: ResolveDeps): Promise<ResolveResult> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const hashes = [...new Set(input.identifiers.map((i) => i.hash))];
    const found =
      round === 0 && input.prefetched
        ? input.prefetched
        : hashes.length === 0
          ? []
          : (await deps.sdk.FindLinksByIdentifiers({ controllerId: input.controllerId, hashes })).privacyPreservingLinks;
    const plan = planResolution(input.identifiers, found);

    if (plan.kind === "no_identifiers") return plan;

    if (plan.kind === "create") {
      const subjectId = randomUUID();
      const seen = input.seenAt.toISOString();
      const created = await deps.sdk.CreateDataSubjectWithLinks({
        subject: { id: subjectId, controllerId: input.controllerId, firstSeenAt: seen, lastSeenAt: seen },
        links: linkRows(input, subjectId, plan.links),
      });
      const owners = created.insertPrivacyPreservingLinks?.returning ?? [];
      const ours = owners.filter((o) => o.dataSubjectId === subjectId).length;
      if (ours === plan.links.length) return { kind: "resolved", subjectId, created: true, merged: [], flaggedForReview: [] };
      // Another delivery linked some identifiers first (its transaction
      // committed between our read and our write).
      if (ours === 0) await deps.sdk.DeleteDataSubject({ id: subjectId });
      // With a partial win both subjects now hold links: the next round sees
      // them and merges them like any other pair.
      continue;
    }

    const known = new Set(found.flatMap((l) => [l.dataSubjectId, l.dataSubject.mergedInto ?? l.dataSubjectId]));
    const upserted = await deps.sdk.UpsertPrivacyPreservingLinks({ links: linkRows(input, plan.subjectId, plan.links) });
    const late = planLateMerges(plan.subjectId, known, upserted.insertPrivacyPreservingLinks?.returning ?? []);
    const merges = [...plan.merges, ...late.merges];
    const reviews = [...plan.reviews, ...late.reviews];
    await applyMerges(plan.subjectId, merges, deps);
    if (reviews.length > 0) {
      // privacy-domain.md 12.4: phone-only matches are not merged; the log
      // line (subject ids only) is the review queue until a review table exists.
      deps.logger.warn({ subjectId: plan.subjectId, candidates: reviews.map((r) => r.subjectId), identifierTypes: reviews.map((r) => r.identifierType) }, "possible duplicate subject flagged for review");
    }
    return { kind: "resolved", subjectId: plan.subjectId, created: false, merged: merges.map((m) => m.subjectId), flaggedForReview: reviews.map((r) => r.subjectId) };
  }
  throw new Error(`[handlers/identity] subject resolution did not settle after ${MAX_ROUNDS} rounds`);
}
