/**
 * NetSuite has no native webhooks; a SuiteScript (User Event afterSubmit or a
 * workflow action, `N/https.post`) pushes to conduit. This is conduit's
 * contract (integrations spec §16 proposal), documented for the script's author
 * in conduit/README.md:
 *   X-NetSuite-Timestamp: unix seconds
 *   X-NetSuite-Signature: hex(HMAC-SHA256(shared secret, timestamp + "." + raw body))
 * rejected when the timestamp is more than 300 s away from now.
 */
import { checkTimestamp, hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export const NETSUITE_TOLERANCE_SECONDS = 300;

export function signNetSuite(body: string | Buffer, secret: string, timestamp: number | string): string {
  return hmac("sha256", secret, `${timestamp}.`, body).toString("hex");
}

export function verifyNetSuite(req: RawRequest, secrets: readonly string[], now: Date, tolerance = NETSUITE_TOLERANCE_SECONDS): Verification {
  const sig = req.headers["x-netsuite-signature"];
  const ts = req.headers["x-netsuite-timestamp"];
  if (!sig) return { ok: false, reason: "missing_signature" };
  if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: "missing_timestamp" };
  const result = verifyDigest(sig, secrets, (s) => hmac("sha256", s, `${ts}.`, req.body), "hex");
  return result.ok ? checkTimestamp(Number(ts), now, tolerance) : result;
}
