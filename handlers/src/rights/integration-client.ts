/**
 * The outbound erasure call to one integration (GDPR Art. 19, CCPA
 * 1798.105(c)(1)): `POST <base URL>/privacy/erasure` with the request id and
 * the verified address, and an Idempotency-Key so a retried call erases once.
 * The base URL comes per service from configuration
 * (HANDLERS_INTEGRATION_BASE_URLS), so tests and self-hosters point it at
 * their own endpoint or an adapter in front of the vendor's API.
 */
export type ErasureCallResult =
  | { kind: "completed"; httpStatus: number }
  | { kind: "not_found"; httpStatus: number }
  | { kind: "rejected"; httpStatus: number }
  | { kind: "transient"; httpStatus: number | null; reason: string };

export interface ErasureCall {
  baseUrl: string;
  service: string;
  requestId: string;
  idempotencyKey: string;
  email: string | null;
  fetch: typeof fetch;
  timeoutMs?: number;
}

/** Never throws: network faults and 5xx/429 are `transient` (retried), 404 `not_found` (nothing held there), other 4xx `rejected`. */
export async function requestErasure(call: ErasureCall): Promise<ErasureCallResult> {
  let res: Response;
  try {
    res = await call.fetch(`${call.baseUrl.replace(/\/+$/, "")}/privacy/erasure`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": call.idempotencyKey },
      body: JSON.stringify({ requestId: call.requestId, service: call.service, identifiers: call.email ? { email: call.email } : {} }),
      signal: AbortSignal.timeout(call.timeoutMs ?? 15_000),
    });
    await res.arrayBuffer();
  } catch (err: unknown) {
    return { kind: "transient", httpStatus: null, reason: err instanceof Error ? err.name : "network error" };
  }
  if (res.status >= 200 && res.status < 300) return { kind: "completed", httpStatus: res.status };
  if (res.status === 404 || res.status === 410) return { kind: "not_found", httpStatus: res.status };
  if (res.status === 429 || res.status >= 500) return { kind: "transient", httpStatus: res.status, reason: `HTTP ${res.status}` };
  return { kind: "rejected", httpStatus: res.status };
}
