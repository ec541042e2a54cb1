/**
 * Xero: `x-xero-signature` = base64(HMAC-SHA256(webhook key, raw body))
 * (integrations spec §15). No timestamp; `entropy` varies per batch. During
 * Intent to Receive the status must follow the signature: 200 good, 401 bad.
 */
import { hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export function signXero(body: string | Buffer, key: string): string {
  return hmac("sha256", key, body).toString("base64");
}

export function verifyXero(req: RawRequest, secrets: readonly string[]): Verification {
  return verifyDigest(req.headers["x-xero-signature"], secrets, (s) => hmac("sha256", s, req.body), "base64");
}
