/**
 * Google Drive push notifications carry NO signature (integrations spec §17).
 * conduit relies on the URL token plus what Google allows: `X-Goog-Channel-Token`
 * echoes the token set at `watch` time and is compared in constant time with the
 * processor's `googleChannelToken` (required), and `X-Goog-Channel-ID` must be a
 * channel conduit created when `googleChannelId` is configured.
 */
import { safeEqualSecret } from "../../../../common/src/crypto";
import { sameIdentifier } from "../core";
import type { ProcessorChecks, RawRequest, Verification } from "../types";

export function verifyGoogleChannel(req: RawRequest, checks: ProcessorChecks): Verification {
  const token = req.headers["x-goog-channel-token"];
  if (!checks.googleChannelToken) return { ok: false, reason: "tenant_mismatch" };
  if (!token) return { ok: false, reason: "missing_signature" };
  if (!safeEqualSecret(token, checks.googleChannelToken)) return { ok: false, reason: "bad_signature" };
  const channel = req.headers["x-goog-channel-id"];
  if (checks.googleChannelId && (!channel || !sameIdentifier(channel, checks.googleChannelId))) return { ok: false, reason: "tenant_mismatch" };
  return { ok: true };
}
