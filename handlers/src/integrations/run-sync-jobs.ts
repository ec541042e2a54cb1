/**
 * The integration sync worker for consent jobs (`consent_sync`, `opt_out`):
 * claim each due job by a conditional update (status + attempts), read what
 * to send at send time (the subject's current decision for the purpose, so a
 * later change always wins), call the integration, and record the outcome:
 * `completed` with the platform's reference; back to `pending` with an
 * exponential backoff (30 s doubling, at most 1 h) and the reason when a retry
 * can help; `failed` after `maxAttempts` or on a permanent refusal;
 * `not_applicable` when the subject was erased or the platform does not know
 * it. A job left in `sent` for 5 minutes (a worker died mid-call) is taken
 * back; the Idempotency-Key makes the repeated call harmless.
 */
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import type { DeliverStats } from "../mail/deliver-due-emails";
import type { IntegrationClient } from "./client";
import { isConsentSyncService } from "./config";
import { parseConsentSyncKey } from "./consent-sync-key";

export const CONSENT_JOB_TYPES = ["consent_sync", "opt_out"] as const;
const BATCH = 50;
const STALE_MS = 5 * 60_000;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;

export function syncBackoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

export interface RunSyncDeps {
  sdk: Pick<HandlersSdk, "FindDueConsentSyncJobs" | "ClaimConsentSyncJob" | "FindConsentSyncJobContext" | "RecordConsentSyncResult">;
  client: IntegrationClient;
  now: () => Date;
  logger: Logger;
  maxAttempts?: number;
}

/** One pass over the due jobs; `sent` counts completed calls (same stats shape as the e-mail outbox, so one dispatcher runs both). */
export async function runDueSyncJobs(deps: RunSyncDeps): Promise<DeliverStats> {
  const maxAttempts = deps.maxAttempts ?? 8;
  const now = deps.now();
  const { integrationSyncJobs } = await deps.sdk.FindDueConsentSyncJobs({
    jobTypes: [...CONSENT_JOB_TYPES],
    now: now.toISOString(),
    staleBefore: new Date(now.getTime() - STALE_MS).toISOString(),
    limit: BATCH,
  });
  const stats: DeliverStats = { sent: 0, failed: 0, skipped: 0 };
  for (const job of integrationSyncJobs) {
    const claim = await deps.sdk.ClaimConsentSyncJob({ id: job.id, status: job.status, attempts: job.attempts });
    if ((claim.updateIntegrationSyncJobs?.affected_rows ?? 0) !== 1) {
      stats.skipped += 1; // another worker took it
      continue;
    }
    const outcome = await runJob(job.id, job.idempotencyKey, job.attempts + 1, maxAttempts, deps);
    if (outcome === "completed") stats.sent += 1;
    else if (outcome === "skipped") stats.skipped += 1;
    else stats.failed += 1;
  }
  return stats;
}

type JobOutcome = "completed" | "retry" | "failed" | "skipped";

async function runJob(id: string, key: string, attempt: number, maxAttempts: number, deps: RunSyncDeps): Promise<JobOutcome> {
  const log = deps.logger.child({ syncJobId: id, attempt });
  const record = async (set: Record<string, unknown>): Promise<void> => {
    await deps.sdk.RecordConsentSyncResult({ id, set });
  };
  const parsed = parseConsentSyncKey(key);
  if (!parsed) {
    await record({ status: "failed", lastError: "unrecognised idempotency key" });
    log.error("consent sync job with an unrecognised key");
    return "failed";
  }
  const { integrationSyncJob: job, purpose } = await deps.sdk.FindConsentSyncJobContext({ id, purposeId: parsed.purposeId });
  if (!job) return "skipped"; // deleted meanwhile (the processor or the organization went)
  const now = deps.now();
  const subject = job.dataSubject;
  const preference = subject?.preferenceValues[0];
  if (!job.dataProcessor || !purpose || !subject || subject.status === "erased" || !preference) {
    await record({ status: "not_applicable", lastError: "the subject, purpose or integration no longer exists", completedAt: now.toISOString() });
    log.info({ outcome: "not_applicable" }, "consent sync skipped");
    return "skipped";
  }
  const service = job.dataProcessor.service;
  if (!isConsentSyncService(service)) {
    await record({ status: "not_applicable", lastError: `${service} has no consent API`, completedAt: now.toISOString() });
    return "skipped";
  }
  const listId = job.dataProcessor.config["listId"] ?? job.dataProcessor.config["audienceId"];
  const outcome = await deps.client.syncConsent({
    service,
    idempotencyKey: key,
    body: {
      jobId: job.id,
      controllerId: job.controllerId,
      processorId: job.dataProcessor.id,
      listId: typeof listId === "string" ? listId : null,
      subject: {
        id: subject.id,
        identifiers: subject.privacyPreservingLinks
          .filter((l) => l.sourceProcessorId === job.dataProcessor?.id)
          .map((l) => ({ type: l.identifierType, hash: l.identifierHash, keyVersion: l.keyVersion }))
          .sort((a, b) => (a.type + a.hash < b.type + b.hash ? -1 : 1)),
      },
      purpose: { slug: purpose.slug, saleOrSharing: purpose.isSaleOrSharing },
      decision: preference.granted ? "granted" : "denied",
      changedAt: preference.updatedAt,
    },
  });
  const done = deps.now();
  if (outcome.ok) {
    await record({ status: "completed", completedAt: done.toISOString(), externalReference: outcome.reference, lastError: null });
    log.info({ service, outcome: "completed" }, "consent synced");
    return "completed";
  }
  if (outcome.notApplicable) {
    await record({ status: "not_applicable", lastError: outcome.reason, completedAt: done.toISOString() });
    log.info({ service, outcome: "not_applicable", reason: outcome.reason }, "consent sync not applicable");
    return "skipped";
  }
  if (!outcome.retryable || attempt >= maxAttempts) {
    await record({ status: "failed", lastError: outcome.reason });
    log.error({ service, outcome: "failed", reason: outcome.reason }, "consent sync failed for good");
    return "failed";
  }
  await record({ status: "pending", lastError: outcome.reason, nextAttemptAt: new Date(done.getTime() + syncBackoffMs(attempt)).toISOString() });
  log.warn({ service, outcome: "retry", reason: outcome.reason }, "consent sync will be retried");
  return "retry";
}
