/**
 * The outbound erasure call to one integration through the connector
 * protocol (GDPR Art. 19, CCPA 1798.105(c)(1)): `POST <base URL>/privacy/erasure`
 * with the request id and the verified address, and an Idempotency-Key so a
 * retried call erases once. The base URL comes per service from configuration
 * (HANDLERS_INTEGRATION_BASE_URLS), so tests and self-hosters point it at
 * their own endpoint or an adapter in front of the vendor's API. Integrations
 * with a vendor adapter (Mailchimp, Stripe: adapters/vendors) are called in
 * the vendor's own API instead (run-erasure-jobs.ts).
 */
import { outcomeOf, vendorRequest, type ErasureCallResult } from "../adapters/vendors/erasure";

export type { ErasureCallResult } from "../adapters/vendors/erasure";

export interface ErasureCall {
  baseUrl: string;
  service: string;
  requestId: string;
  idempotencyKey: string;
  email: string | null;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** Never throws: network faults and 408/425/429/5xx are `transient` (retried), 404/410 `not_found` (nothing held there), other 4xx `rejected`. */
export async function requestErasure(call: ErasureCall): Promise<ErasureCallResult> {
  const answer = await vendorRequest({ fetch: call.fetch, timeoutMs: call.timeoutMs ?? 15_000 }, `${call.baseUrl.replace(/\/+$/, "")}/privacy/erasure`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": call.idempotencyKey },
    body: JSON.stringify({ requestId: call.requestId, service: call.service, identifiers: call.email ? { email: call.email } : {} }),
  });
  return outcomeOf(answer);
}
