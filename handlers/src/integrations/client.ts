/**
 * The outbound integration client: one HTTP call per sync job to the
 * service's configured base URL: `POST <base>/consent`. The call carries the job's idempotency key
 * (Idempotency-Key header, so a retried call after a lost answer changes
 * nothing twice) and only pseudonymous data: the subject id, the keyed hashes
 * first seen through that integration, the purpose and the decision. The
 * connector at that URL maps them to the platform's own call (e.g. Mailchimp's
 * member status "unsubscribed"). Expected failures are values that say whether
 * a retry can help; nothing here throws for an HTTP answer.
 */
import { z } from "zod";
import type { ConsentSyncService } from "./config";

export interface ConsentSyncCall {
  service: ConsentSyncService;
  idempotencyKey: string;
  body: {
    jobId: string;
    controllerId: string;
    processorId: string;
    /** Non-secret platform settings from data_processors.config (list or audience id). */
    listId: string | null;
    subject: { id: string; identifiers: { type: string; hash: string; keyVersion: number }[] };
    purpose: { slug: string; saleOrSharing: boolean };
    decision: "granted" | "denied";
    changedAt: string;
  };
}

export type CallOutcome =
  | { ok: true; reference: string | null }
  | { ok: false; retryable: boolean; notApplicable: boolean; reason: string };

export interface IntegrationClient {
  syncConsent(call: ConsentSyncCall): Promise<CallOutcome>;
}

const AnswerSchema = z.object({ reference: z.string().max(256).optional() }).loose();

/** Statuses worth retrying: timeouts, rate limits and server faults (RFC 9110 15.5.9, 15.6; RFC 6585 4). */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function createIntegrationClient(options: {
  /** Base URL per service (HANDLERS_INTEGRATION_BASE_URLS). */
  baseUrls: Readonly<Record<string, string>>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): IntegrationClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async syncConsent(call) {
      const base = options.baseUrls[call.service]?.replace(/\/+$/, "");
      if (!base) return { ok: false, retryable: true, notApplicable: false, reason: `no base URL configured for ${call.service}` };
      let res: Response;
      try {
        res = await doFetch(`${base}/consent`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": call.idempotencyKey },
          body: JSON.stringify(call.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err: unknown) {
        const name = err instanceof Error ? err.name : "Error";
        return { ok: false, retryable: true, notApplicable: false, reason: name === "TimeoutError" ? "timeout" : `connection failed (${name})` };
      }
      const text = await res.text().catch(() => "");
      if (res.ok) {
        let reference: string | null = null;
        try {
          const parsed = AnswerSchema.safeParse(text ? JSON.parse(text) : {});
          reference = parsed.success ? (parsed.data.reference ?? null) : null;
        } catch {
          reference = null;
        }
        return { ok: true, reference };
      }
      // The platform's body is not kept: it may echo the subject's data.
      if (res.status === 404) return { ok: false, retryable: false, notApplicable: true, reason: "HTTP 404: the integration does not know this subject" };
      return { ok: false, retryable: retryable(res.status), notApplicable: false, reason: `HTTP ${res.status}` };
    },
  };
}
