/**
 * The erasure worker: calls each due `integration_sync_jobs` erasure step
 * (privacy-domain.md 6: a plan of steps with retries and back-off), records
 * each outcome on the job and on the request's timeline, and completes the
 * request once every step is terminal. A failed call is retried after 30 s,
 * doubling to at most 1 h, up to `maxAttempts`; then the step is `failed`.
 * Runs from main.ts on an interval (and when an erasure queued jobs); tests
 * call it directly with their clock.
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { completeErasure } from "./advance-rights-request";
import { erasureJobKey } from "./erase-subject";
import { requestErasure } from "./integration-client";
import { requesterEmail, timelineEvent } from "./request-context";
import type { RightsOptions } from "./services";

export interface ErasureWorkerDeps {
  sdk: Pick<HandlersSdk, "FindDueSyncJobs" | "RecordSyncJobResult" | "FindErasureProgress" | "AdvanceRightsRequest">;
  secretKeys: SecretKeyRing;
  rights: Pick<RightsOptions, "integrationBaseUrls" | "fetch">;
  now: () => Date;
  logger: Logger;
  maxAttempts?: number;
  batchSize?: number;
}

export interface ErasureWorkerStats {
  completed: number;
  retried: number;
  failed: number;
  requestsCompleted: number;
}

export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export async function runErasureJobs(deps: ErasureWorkerDeps): Promise<ErasureWorkerStats> {
  const stats: ErasureWorkerStats = { completed: 0, retried: 0, failed: 0, requestsCompleted: 0 };
  const maxAttempts = deps.maxAttempts ?? 8;
  const now = deps.now();
  const jobs = (await deps.sdk.FindDueSyncJobs({ now: now.toISOString(), limit: deps.batchSize ?? 20 })).integrationSyncJobs;
  const touched = new Set<string>();
  for (const job of jobs) {
    if (!job.rightsRequestId) continue;
    const attempt = job.attempts + 1;
    const baseUrl = deps.rights.integrationBaseUrls[job.dataProcessor.service];
    const result = baseUrl
      ? await requestErasure({
          baseUrl,
          service: job.dataProcessor.service,
          requestId: job.rightsRequestId,
          idempotencyKey: erasureJobKey(job.rightsRequestId, job.dataProcessor.id),
          email: requesterEmail(job.rightsRequest?.requesterEmailEncrypted ?? null, deps.secretKeys),
          fetch: deps.rights.fetch,
        })
      : ({ kind: "rejected", httpStatus: 0 } as const);
    const at = deps.now();
    let set: Record<string, unknown>;
    let eventStatus: string;
    let message: string;
    if (result.kind === "completed") {
      set = { status: "completed", attempts: attempt, completedAt: at.toISOString(), lastError: null };
      eventStatus = "completed";
      message = `Erasure confirmed (HTTP ${result.httpStatus})`;
      stats.completed += 1;
    } else if (result.kind === "not_found") {
      set = { status: "not_applicable", attempts: attempt, completedAt: at.toISOString(), lastError: null };
      eventStatus = "not_applicable";
      message = `The integration holds no record of the person (HTTP ${result.httpStatus})`;
      stats.completed += 1;
    } else if (result.kind === "transient" && attempt < maxAttempts) {
      set = { attempts: attempt, nextAttemptAt: new Date(at.getTime() + retryDelayMs(attempt)).toISOString(), lastError: result.reason };
      eventStatus = "failed";
      message = `Attempt ${attempt} failed (${result.reason}); retrying`;
      stats.retried += 1;
    } else {
      const reason = result.kind === "transient" ? result.reason : result.httpStatus ? `HTTP ${result.httpStatus}` : "no erasure API configured";
      set = { status: "failed", attempts: attempt, lastError: reason, completedAt: at.toISOString() };
      eventStatus = "failed";
      message = `Erasure failed after ${attempt} attempt(s): ${reason}`;
      stats.failed += 1;
    }
    await deps.sdk.RecordSyncJobResult({
      id: job.id,
      attempts: job.attempts,
      set,
      events: [timelineEvent(job.rightsRequestId, "integration_result", at, { status: eventStatus, dataProcessorId: job.dataProcessor.id, message, details: { service: job.dataProcessor.service, attempt } })],
    });
    deps.logger.info({ rightsRequestId: job.rightsRequestId, service: job.dataProcessor.service, attempt, outcome: result.kind }, "erasure call");
    touched.add(job.rightsRequestId);
  }
  for (const requestId of touched) {
    if (await completeErasure(requestId, { sdk: deps.sdk, now: deps.now })) stats.requestsCompleted += 1;
  }
  return stats;
}
