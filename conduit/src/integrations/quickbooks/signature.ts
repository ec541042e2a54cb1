/**
 * QuickBooks Online (Intuit): `intuit-signature` = base64(HMAC-SHA256(webhook
 * Verifier Token, raw body)) (integrations spec §10). No timestamp. Assumed the
 * same for the CloudEvents format.
 */
import { hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export function signIntuit(body: string | Buffer, verifierToken: string): string {
  return hmac("sha256", verifierToken, body).toString("base64");
}

export function verifyIntuit(req: RawRequest, secrets: readonly string[]): Verification {
  return verifyDigest(req.headers["intuit-signature"], secrets, (s) => hmac("sha256", s, req.body), "base64");
}
