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
import { vendorEraserFor, type ErasureCallResult } from "../adapters/vendors";
import { completeErasure } from "./advance-rights-request";
import { erasureJobKey } from "./erase-subject";
import { requestErasure } from "./integration-client";
import { requesterEmail, timelineEvent } from "./request-context";
import type { RightsOptions } from "./services";

export interface ErasureWorkerDeps {
  sdk: Pick<HandlersSdk, "FindDueSyncJobs" | "RecordSyncJobResult" | "FindErasureProgress" | "AdvanceRightsRequest">;
  secretKeys: SecretKeyRing;
  rights: Pick<RightsOptions, "integrationBaseUrls" | "fetch" | "vendors">;
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

type DueJob = Awaited<ReturnType<ErasureWorkerDeps["sdk"]["FindDueSyncJobs"]>>["integrationSyncJobs"][number];

/**
 * One erasure call: in the vendor's own API when an adapter is configured for
 * the integration (adapters/vendors), else the connector protocol. The
 * requester's address is decrypted only here, only for this call.
 */
async function callIntegration(job: DueJob, requestId: string, deps: ErasureWorkerDeps): Promise<ErasureCallResult & { route: "vendor_api" | "connector" | "none" }> {
  const email = requesterEmail(job.rightsRequest?.requesterEmailEncrypted ?? null, deps.secretKeys);
  const vendor = deps.rights.vendors ? vendorEraserFor(job.dataProcessor, deps.rights.vendors) : null;
  const idempotencyKey = erasureJobKey(requestId, job.dataProcessor.id);
  if (vendor) {
    // A vendor addresses the person only by the raw address; without it (a staff-entered request without one, or already destroyed) nothing can be asked.
    if (!email) return { kind: "rejected", httpStatus: 0, route: "vendor_api" };
    return { ...(await vendor.erase({ email, idempotencyKey })), route: "vendor_api" };
  }
  const baseUrl = deps.rights.integrationBaseUrls[job.dataProcessor.service];
  if (!baseUrl) return { kind: "rejected", httpStatus: 0, route: "none" };
  const result = await requestErasure({ baseUrl, service: job.dataProcessor.service, requestId, idempotencyKey, email, fetch: deps.rights.fetch });
  return { ...result, route: "connector" };
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
    const result = await callIntegration(job, job.rightsRequestId, deps);
    const at = deps.now();
    let set: Record<string, unknown>;
    let eventStatus: string;
    let message: string;
    if (result.kind === "completed") {
      set = { status: "completed", attempts: attempt, completedAt: at.toISOString(), lastError: null };
      eventStatus = "completed";
      message = `Erasure confirmed (HTTP ${result.httpStatus})${result.reference ? `: ${result.reference}` : ""}`;
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
      const reason =
        result.kind === "transient" ? result.reason
        : result.httpStatus ? `HTTP ${result.httpStatus}`
        : result.route === "vendor_api" ? "no requester address is held for this request (never given, or already destroyed)"
        : "no erasure API configured";
      set = { status: "failed", attempts: attempt, lastError: reason, completedAt: at.toISOString() };
      eventStatus = "failed";
      message = `Erasure failed after ${attempt} attempt(s): ${reason}`;
      stats.failed += 1;
    }
    await deps.sdk.RecordSyncJobResult({
      id: job.id,
      attempts: job.attempts,
      set,
      events: [timelineEvent(job.rightsRequestId, "integration_result", at, { status: eventStatus, dataProcessorId: job.dataProcessor.id, message, details: { service: job.dataProcessor.service, attempt, route: result.route } })],
    });
    deps.logger.info({ rightsRequestId: job.rightsRequestId, service: job.dataProcessor.service, route: result.route, attempt, outcome: result.kind }, "erasure call");
    touched.add(job.rightsRequestId);
  }
  for (const requestId of touched) {
    if (await completeErasure(requestId, { sdk: deps.sdk, now: deps.now })) stats.requestsCompleted += 1;
  }
  return stats;
}
