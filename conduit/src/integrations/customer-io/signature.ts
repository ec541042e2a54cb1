/**
 * Customer.io reporting webhooks ARE signed, although the platform notes we
 * started from said otherwise (integrations spec §8): `X-CIO-Signature` =
 * hex(HMAC-SHA256(signing key, `v0:{X-CIO-Timestamp}:{raw body}`)), no `v0=`
 * prefix. Customer.io states no replay window; conduit applies 300 s both ways
 * (configurable per processor) and dedupes on `event_id` regardless.
 */
import { checkTimestamp, hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export const CIO_TOLERANCE_SECONDS = 300;

export function signCustomerIo(body: string | Buffer, key: string, timestamp: number | string): string {
  return hmac("sha256", key, `v0:${timestamp}:`, body).toString("hex");
}

export function verifyCustomerIo(req: RawRequest, secrets: readonly string[], now: Date, tolerance = CIO_TOLERANCE_SECONDS): Verification {
  const sig = req.headers["x-cio-signature"];
  const ts = req.headers["x-cio-timestamp"];
  if (!sig) return { ok: false, reason: "missing_signature" };
  if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: "missing_timestamp" };
  const result = verifyDigest(sig, secrets, (k) => hmac("sha256", k, `v0:${ts}:`, req.body), "hex");
  return result.ok ? checkTimestamp(Number(ts), now, tolerance) : result;
}
