/**
 * Mailchimp Transactional (Mandrill): `X-Mandrill-Signature` (or
 * `X-Mailchimp-Signature`) = base64(HMAC-SHA1(webhook key, URL as registered +
 * each POST key and decoded value, keys sorted)) (integrations spec §6). The URL
 * includes our token query string, so the public URL must be the exact one
 * registered (conduit builds it from PUBLIC_BASE_URL + the original path).
 */
import { hmac, verifyDigest } from "../core";
import { formPairs } from "../form";
import type { RawRequest, Verification } from "../types";

/** The key Mandrill uses to sign its URL-check POST of `mandrill_events=[]`. */
export const MANDRILL_TEST_KEY = "test-webhook";

export function mandrillSignedString(url: string, params: readonly [string, string][]): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return url + sorted.map(([k, v]) => k + v).join("");
}

export function signMandrill(url: string, params: readonly [string, string][], key: string): string {
  return hmac("sha1", key, mandrillSignedString(url, params)).toString("base64");
}

export function isMandrillUrlCheck(req: RawRequest): boolean {
  const pairs = formPairs(req.body);
  return pairs.length === 1 && pairs[0][0] === "mandrill_events" && pairs[0][1].trim() === "[]";
}

export function verifyMandrill(req: RawRequest, secrets: readonly string[]): Verification {
  const sig = req.headers["x-mandrill-signature"] ?? req.headers["x-mailchimp-signature"];
  const signed = mandrillSignedString(req.url, formPairs(req.body));
  // The empty URL-check POST is signed with the generic key (spec §6 handshake).
  const keys = isMandrillUrlCheck(req) ? [...secrets, MANDRILL_TEST_KEY] : secrets;
  return verifyDigest(sig, keys, (k) => hmac("sha1", k, signed), "base64");
}
