/**
 * Mailchimp Marketing audience webhooks carry NO signature: Mailchimp support
 * confirmed they are unsigned (integrations spec §7). conduit relies on the
 * unguessable token in the URL (JWE, or DID + DX key), checked before this
 * module runs, over HTTPS. There is nothing further the platform allows to check.
 */
import type { Verification } from "../types";

export function verifyMailchimpMarketing(): Verification {
  return { ok: true };
}
