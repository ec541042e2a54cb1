/**
 * Custom integrations authenticate with `Authorization: Bearer <API key>` plus
 * `x-webhook-secret: <controller webhook secret>` (checked in conduit's auth
 * layer, integrations spec §19). Neither protects the body nor prevents replay,
 * so senders may opt in to Standard Webhooks signing
 * (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp`
 * (unix seconds) and `webhook-signature` (space-separated `v1,<base64>` entries),
 * over `{id}.{timestamp}.{raw body}` with HMAC-SHA256; the secret is
 * `whsec_<base64 key>`. Timestamps more than 300 s away are rejected.
 */
import { randomBytes } from "node:crypto";
import { anySignatureMatches, checkTimestamp, hmac } from "../core";
import type { RawRequest, Verification } from "../types";

export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 300;

function keyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

/** A new Standard Webhooks secret (`whsec_` + 32 random bytes, base64). */
export function generateStandardWebhooksSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function signStandardWebhook(id: string, timestamp: number, body: string | Buffer, secret: string): string {
  return `v1,${hmac("sha256", keyBytes(secret), `${id}.${timestamp}.`, body).toString("base64")}`;
}

/** True when the request carries Standard Webhooks headers. */
export function hasStandardWebhookHeaders(req: RawRequest): boolean {
  return req.headers["webhook-signature"] !== undefined || req.headers["webhook-id"] !== undefined;
}

export function verifyStandardWebhook(req: RawRequest, secrets: readonly string[], now: Date): Verification {
  const id = req.headers["webhook-id"];
  const ts = req.headers["webhook-timestamp"];
  const sig = req.headers["webhook-signature"];
  if (!id || !sig) return { ok: false, reason: "missing_signature" };
  if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: "missing_timestamp" };
  const candidates = sig.split(" ").filter((s) => s.startsWith("v1,")).map((s) => s.slice(3));
  if (candidates.length === 0) return { ok: false, reason: "missing_signature" };
  const matched = anySignatureMatches(candidates, secrets, (s) => hmac("sha256", keyBytes(s), `${id}.${ts}.`, req.body), "base64");
  return matched ? checkTimestamp(Number(ts), now, STANDARD_WEBHOOKS_TOLERANCE_SECONDS) : { ok: false, reason: "bad_signature" };
}
