/**
 * Vendor erasure adapters: the outbound call that asks one platform to erase
 * one person (GDPR Art. 17 and 19, CCPA 1798.105(c)(1)) in that platform's
 * own API, instead of the platform-neutral connector protocol of
 * rights/integration-client.ts.
 *
 * Every vendor addresses the person by a raw identifier (Mailchimp by the MD5
 * of the e-mail, Stripe by the e-mail to find the customer), and the platform
 * stores only keyed hashes, so these calls are made only while a verified
 * erasure request legitimately holds the requester's address, encrypted
 * (`data_subject_rights_requests.requester_email_encrypted`; see
 * rights/README.md, "Raw identifiers for vendor calls"). The address is
 * decrypted for the call and never logged or stored elsewhere.
 *
 * Results are values (never thrown): `completed`, `not_found` (the vendor
 * holds no such person), `rejected` (a 4xx a retry cannot fix, e.g. a revoked
 * key) and `transient` (network fault, timeout, 429, 5xx: retried with
 * back-off by the erasure worker).
 */
export type ErasureCallResult =
  | { kind: "completed"; httpStatus: number; reference?: string }
  | { kind: "not_found"; httpStatus: number }
  | { kind: "rejected"; httpStatus: number }
  | { kind: "transient"; httpStatus: number | null; reason: string };

export interface VendorErasureCall {
  /** The verified requester's canonical e-mail address. */
  email: string;
  /** Stable per (request, integration): sent where the vendor honours it. */
  idempotencyKey: string;
}

export interface VendorEraser {
  /** Service name as in data_processors.service. */
  readonly service: string;
  erase(call: VendorErasureCall): Promise<ErasureCallResult>;
}

export interface VendorHttp {
  fetch: typeof fetch;
  timeoutMs: number;
}

/** Statuses worth retrying: timeouts, rate limits and server faults (RFC 9110 15.5.9, 15.6; RFC 6585 4). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * One HTTP exchange: the answer's status and body text, or the transient
 * fault. Vendor error bodies are never kept: they may echo the person's data.
 */
export async function vendorRequest(
  http: VendorHttp,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ ok: true; status: number; text: string } | { ok: false; result: ErasureCallResult }> {
  try {
    const res = await http.fetch(url, { ...init, signal: AbortSignal.timeout(http.timeoutMs) });
    const text = await res.text().catch(() => "");
    return { ok: true, status: res.status, text };
  } catch (err: unknown) {
    const name = err instanceof Error ? err.name : "Error";
    return { ok: false, result: { kind: "transient", httpStatus: null, reason: name === "TimeoutError" ? "timeout" : `connection failed (${name})` } };
  }
}

/** The step outcome of one exchange: 2xx completed (with `reference` when given), else as failureOf. */
export function outcomeOf(answer: Awaited<ReturnType<typeof vendorRequest>>, reference?: (status: number) => string | undefined): ErasureCallResult {
  if (!answer.ok) return answer.result;
  if (answer.status < 200 || answer.status >= 300) return failureOf(answer.status);
  const ref = reference?.(answer.status);
  return ref === undefined ? { kind: "completed", httpStatus: answer.status } : { kind: "completed", httpStatus: answer.status, reference: ref };
}

/** The outcome of a non-2xx answer. */
export function failureOf(status: number): ErasureCallResult {
  if (status === 404 || status === 410) return { kind: "not_found", httpStatus: status };
  if (isRetryableStatus(status)) return { kind: "transient", httpStatus: status, reason: `HTTP ${status}` };
  return { kind: "rejected", httpStatus: status };
}
