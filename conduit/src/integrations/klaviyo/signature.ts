/**
 * Klaviyo system webhooks ARE signed (integrations spec §9):
 * `Klaviyo-Signature` = hex(HMAC-SHA256(webhook secret, raw body +
 * Klaviyo-Timestamp)), body first, no separator. The timestamp is an HTTP-date,
 * hashed as the opaque header string and parsed only for freshness (300 s both
 * ways; Klaviyo states no window). Flow "Webhook" actions are unsigned and are
 * not accepted on this route without a signature.
 */
import { checkTimestamp, hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export const KLAVIYO_TOLERANCE_SECONDS = 300;

export function signKlaviyo(body: string | Buffer, secret: string, timestamp: string): string {
  return hmac("sha256", secret, body, timestamp).toString("hex");
}

export function verifyKlaviyo(req: RawRequest, secrets: readonly string[], now: Date, tolerance = KLAVIYO_TOLERANCE_SECONDS): Verification {
  const sig = req.headers["klaviyo-signature"];
  const ts = req.headers["klaviyo-timestamp"];
  if (!sig) return { ok: false, reason: "missing_signature" };
  if (!ts) return { ok: false, reason: "missing_timestamp" };
  const result = verifyDigest(sig, secrets, (s) => hmac("sha256", s, req.body, ts), "hex");
  if (!result.ok) return result;
  const parsed = /^\d+$/.test(ts) ? Number(ts) : Date.parse(ts) / 1000;
  return checkTimestamp(parsed, now, tolerance);
}
