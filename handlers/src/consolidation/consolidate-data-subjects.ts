/**
 * consolidate_data_subjects (hourly; privacy-domain.md 12.4): finds merged
 * subjects that still own rows or point at another merged subject, closes
 * each merge group (following merged_into both ways), picks the survivor
 * (plan-consolidation.ts) and, in bounded batches of one transaction each,
 * repoints every member straight at the survivor and moves links,
 * activities, rights requests, sync jobs and consent state to it.
 *
 * Idempotent: a second run finds nothing to do. Safe while webhooks arrive:
 * intake resolves a link's subject to its merged_into, so an event landing
 * on a member mid-run reaches a subject that leads to the survivor, and a
 * row it adds to a member after the batch is moved by the next run (nothing
 * is deleted here except losing duplicate consent values). Safe to overlap
 * with itself: every update is keyed by the survivor the data determines, so
 * two runs write the same values.
 */
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { planConsolidation, planPreferences, type MergeGroup, type SubjectNode } from "./plan-consolidation";

export interface ConsolidateDeps {
  sdk: Pick<HandlersSdk, "FindSubjectsToConsolidate" | "FindSubjectsByIds" | "FindSubjectsOwningRows" | "FindPreferenceValuesOfSubjects" | "ConsolidateDataSubjects">;
  logger: Logger;
  now: () => Date;
}

export interface ConsolidateOptions {
  /** Merged subjects read per page. */
  pageSize?: number;
  /** Merged subjects per transaction. */
  batchSize?: number;
  /** Upper bound on merged subjects handled by one run (the rest wait for the next). */
  maxSubjects?: number;
  /** Batches in flight at once (groups are disjoint, so their transactions touch different rows). */
  concurrency?: number;
  /**
   * Wall-clock budget: no batch starts after it, so the answer reaches Hasura
   * inside the cron's 60 s timeout (cron_triggers.yaml); the rest is done by
   * the next tick, which finds it again. Default 40 s.
   */
  budgetMs?: number;
}

export interface ConsolidateResult {
  groups: number;
  subjectsMerged: number;
  survivorsRevived: number;
  batches: number;
  /** Batches left for the next run because the time budget ran out. */
  deferredBatches: number;
  moved: { links: number; activities: number; requests: number; syncJobs: number; preferences: number };
  preferencesDropped: number;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const ID_CHUNK = 2_000;
const MAX_CLOSURE_ROUNDS = 50;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function sum(rows: ({ affected_rows: number } | null)[] | null): number {
  return (rows ?? []).reduce((n, r) => n + (r?.affected_rows ?? 0), 0);
}

/** Loads every subject reachable from `seeds` through merged_into in either direction. */
async function closeGraph(seeds: readonly SubjectNode[], deps: ConsolidateDeps): Promise<Map<string, SubjectNode>> {
  const nodes = new Map(seeds.map((n) => [n.id, n]));
  let frontier = new Set<string>();
  for (const n of seeds) {
    frontier.add(n.id);
    if (n.mergedInto) frontier.add(n.mergedInto);
  }
  const expanded = new Set<string>();
  for (let round = 0; frontier.size > 0; round += 1) {
    if (round >= MAX_CLOSURE_ROUNDS) throw new Error("[handlers/consolidation] merge graph did not close");
    const ask = [...frontier].filter((id) => !expanded.has(id));
    frontier = new Set();
    for (const part of chunks(ask, ID_CHUNK)) {
      for (const id of part) expanded.add(id);
      const { dataSubjects } = await deps.sdk.FindSubjectsByIds({ ids: part });
      for (const s of dataSubjects) {
        if (!nodes.has(s.id)) nodes.set(s.id, s);
        if (!expanded.has(s.id)) frontier.add(s.id);
        if (s.mergedInto && !expanded.has(s.mergedInto)) frontier.add(s.mergedInto);
      }
    }
  }
  return nodes;
}

function subjectUpdates(groups: readonly MergeGroup[], at: string) {
  const updates: { where: Record<string, unknown>; _set: Record<string, unknown> }[] = [];
  for (const g of groups) {
    if (g.reviveSurvivor) {
      updates.push({ where: { id: { _eq: g.survivorId } }, _set: { mergedInto: null, mergedAt: null, mergeIdentifierType: null, status: "active" } });
    }
    // Already merged members keep their merge time and type; only the target changes.
    const repointed = g.repoint.filter((r) => !r.newlyMerged).map((r) => r.id);
    if (repointed.length > 0) updates.push({ where: { id: { _in: repointed } }, _set: { mergedInto: g.survivorId, status: "merged" } });
    for (const r of g.repoint.filter((x) => x.newlyMerged)) {
      updates.push({ where: { id: { _eq: r.id } }, _set: { mergedInto: g.survivorId, mergedAt: at, mergeIdentifierType: r.identifierType, status: "merged" } });
    }
  }
  return updates;
}

/** One update per group, over the members that own rows in the table (none: no statement). */
function moveUpdates(groups: readonly MergeGroup[], owners: ReadonlySet<string>) {
  return groups.flatMap((g) => {
    const ids = g.mergedIds.filter((id) => owners.has(id));
    return ids.length === 0 ? [] : [{ where: { dataSubjectId: { _in: ids } }, _set: { dataSubjectId: g.survivorId } }];
  });
}

async function applyBatch(groups: readonly MergeGroup[], deps: ConsolidateDeps, result: ConsolidateResult): Promise<void> {
  const survivorOf = new Map<string, string>();
  for (const g of groups) for (const id of g.mergedIds) survivorOf.set(id, g.survivorId);
  const ids = groups.flatMap((g) => [g.survivorId, ...g.mergedIds]);
  const [prefRows, owning] = await Promise.all([
    Promise.all(chunks(ids, ID_CHUNK).map((part) => deps.sdk.FindPreferenceValuesOfSubjects({ ids: part }))),
    deps.sdk.FindSubjectsOwningRows({ ids: [...survivorOf.keys()] }),
  ]);
  const prefs = planPreferences(
    prefRows.flatMap((r) => r.dataSubjectPreferenceValues),
    survivorOf,
  );
  const owners = (list: readonly { id: string }[]) => new Set(list.map((r) => r.id));
  const done = await deps.sdk.ConsolidateDataSubjects({
    subjects: subjectUpdates(groups, deps.now().toISOString()),
    // A row a webhook adds to a member after this read is moved by the next run.
    links: moveUpdates(groups, owners(owning.withLinks)),
    activities: moveUpdates(groups, owners(owning.withActivities)),
    requests: moveUpdates(groups, owners(owning.withRequests)),
    syncJobs: moveUpdates(groups, owners(owning.withSyncJobs)),
    preferenceUpdates: [
      ...prefs.moves.map((m) => ({ where: { id: { _eq: m.id } }, _set: { dataSubjectId: m.survivorId } })),
      ...prefs.overwrites.map((o) => ({ where: { id: { _eq: o.id } }, _set: { granted: o.granted, sourceFormValueId: o.sourceFormValueId } })),
    ],
    preferenceDeletes: prefs.deletes,
  });
  result.batches += 1;
  result.moved.links += sum(done.updatePrivacyPreservingLinksMany);
  result.moved.activities += sum(done.updateDataProcessingActivitiesMany);
  result.moved.requests += sum(done.updateDataSubjectRightsRequestsMany);
  result.moved.syncJobs += sum(done.updateIntegrationSyncJobsMany);
  result.moved.preferences += prefs.moves.length;
  result.preferencesDropped += done.deleteDataSubjectPreferenceValues?.affected_rows ?? 0;
}

export async function consolidateDataSubjects(deps: ConsolidateDeps, options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  const pageSize = options.pageSize ?? 1_000;
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 3;
  const budgetMs = options.budgetMs ?? 40_000;
  // Monotonic, not the injected clock: this bounds real time spent in one delivery.
  const startedAt = performance.now();
  const maxSubjects = options.maxSubjects ?? 200_000;
  const result: ConsolidateResult = {
    groups: 0,
    subjectsMerged: 0,
    survivorsRevived: 0,
    batches: 0,
    deferredBatches: 0,
    moved: { links: 0, activities: 0, requests: 0, syncJobs: 0, preferences: 0 },
    preferencesDropped: 0,
  };

  const seeds: SubjectNode[] = [];
  let after = NIL_UUID;
  while (seeds.length < maxSubjects) {
    const { dataSubjects } = await deps.sdk.FindSubjectsToConsolidate({ after, limit: pageSize });
    seeds.push(...dataSubjects);
    if (dataSubjects.length < pageSize) break;
    after = dataSubjects[dataSubjects.length - 1].id;
  }
  if (seeds.length === 0) return result;

  const graph = await closeGraph(seeds, deps);
  // An erased subject is never revived or merged again (its erasure stands).
  const groups = planConsolidation([...graph.values()].filter((n) => n.status !== "erased"));
  result.groups = groups.length;

  const batches: MergeGroup[][] = [];
  let size = batchSize;
  for (const g of groups) {
    if (size >= batchSize) {
      batches.push([]);
      size = 0;
    }
    batches[batches.length - 1].push(g);
    size += g.mergedIds.length;
    result.subjectsMerged += g.repoint.filter((r) => r.newlyMerged).length;
    if (g.reviveSurvivor) result.survivorsRevived += 1;
  }
  // A few batches in flight; the first failure stops the others from starting and fails the run (retried).
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      if (performance.now() - startedAt > budgetMs) {
        result.deferredBatches = batches.length - next;
        return;
      }
      const batch = batches[next];
      next += 1;
      await applyBatch(batch, deps, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, () => worker()));
  deps.logger.info({ ...result }, "data subjects consolidated");
  return result;
}
