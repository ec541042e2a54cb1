/**
 * HubSpot request validation (integrations spec §13):
 * - v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret, method +
 *   URI + raw body + `X-HubSpot-Request-Timestamp`)); timestamp in ms, rejected
 *   when more than 300 000 ms away from now (both ways here; the official
 *   clients check age only).
 * - v2: `X-HubSpot-Signature` (+ `-Version: v2`) = hex(SHA-256(secret + method + URI + body)).
 * - v1: `X-HubSpot-Signature` (+ `-Version: v1`) = hex(SHA-256(secret + body)); a
 *   plain hash, not an HMAC. No timestamp in v1/v2.
 * v3 is preferred whenever its header is present; the URI is the public URL
 * HubSpot called, with HubSpot's listed reserved characters decoded for v3.
 */
import { checkTimestamp, hmac, sha256, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export const HUBSPOT_MAX_AGE_SECONDS = 300;

const V3_DECODE: Record<string, string> = {
  "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'",
  "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
};

export function hubspotV3Uri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => V3_DECODE[m.toUpperCase()]);
}

export function signHubSpotV3(method: string, uri: string, body: string, secret: string, timestampMs: number | string): string {
  return hmac("sha256", secret, method + hubspotV3Uri(uri) + body + String(timestampMs)).toString("base64");
}
export function signHubSpotV2(method: string, uri: string, body: string, secret: string): string {
  return sha256(secret + method + uri + body).toString("hex");
}
export function signHubSpotV1(body: string, secret: string): string {
  return sha256(secret + body).toString("hex");
}

export function verifyHubSpot(req: RawRequest, secrets: readonly string[], now: Date): Verification {
  const v3 = req.headers["x-hubspot-signature-v3"];
  if (v3) {
    const ts = req.headers["x-hubspot-request-timestamp"];
    if (!ts || !/^\d{1,16}$/.test(ts)) return { ok: false, reason: "missing_timestamp" };
    // A proxy may turn `+` into a space (spec §13, community report).
    const sig = v3.replace(/ /g, "+");
    const uri = hubspotV3Uri(req.url);
    const result = verifyDigest(sig, secrets, (s) => hmac("sha256", s, req.method, uri, req.body, ts), "base64");
    return result.ok ? checkTimestamp(Number(ts) / 1000, now, HUBSPOT_MAX_AGE_SECONDS) : result;
  }
  const legacy = req.headers["x-hubspot-signature"];
  const version = (req.headers["x-hubspot-signature-version"] ?? "v1").toLowerCase();
  if (version === "v2") return verifyDigest(legacy, secrets, (s) => sha256(s, req.method, req.url, req.body), "hex");
  if (version === "v1") return verifyDigest(legacy, secrets, (s) => sha256(s, req.body), "hex");
  return { ok: false, reason: "bad_signature" };
}
