/**
 * Stripe: `Stripe-Signature: t=…,v1=…[,v1=…]`, HMAC-SHA256(endpoint secret,
 * `{t}.{raw body}`) in hex (integrations spec §4). Checked with the official
 * stripe package (`webhooks.signature.verifyHeader`, the check inside `constructEvent`), as Stripe's documentation says,
 * with our injected clock as `receivedAt`. stripe-node only rejects timestamps
 * that are too old; privacy-domain spec §13 asks for the absolute difference,
 * so a timestamp more than the tolerance in the future is rejected as well.
 */
import Stripe from "stripe";
import { checkTimestamp } from "../core";
import type { RawRequest, Verification } from "../types";

export const STRIPE_SIGNATURE_HEADER = "stripe-signature";
/** stripe-node's DEFAULT_TOLERANCE. */
export const STRIPE_TOLERANCE_SECONDS = 300;

const webhooks = Stripe.webhooks;
const signatureHelper = (() => {
  const helper = webhooks.signature;
  if (!helper) throw new Error("[conduit/stripe] the stripe package has no webhook signature helper");
  return helper;
})();

/** Signs as Stripe does (stripe-node's own test helper). */
export function signStripe(body: string, secret: string, timestampSeconds: number): string {
  return webhooks.generateTestHeaderString({ payload: body, secret, timestamp: timestampSeconds });
}

export function verifyStripe(req: RawRequest, secrets: readonly string[], now: Date, toleranceSeconds = STRIPE_TOLERANCE_SECONDS): Verification {
  const signature = req.headers[STRIPE_SIGNATURE_HEADER];
  if (!signature) return { ok: false, reason: "missing_signature" };
  const t = /(?:^|,)\s*t=(\d+)/.exec(signature);
  if (!t) return { ok: false, reason: "missing_timestamp" };
  const receivedAt = Math.floor(now.getTime() / 1000);
  let stale = false;
  for (const secret of secrets) {
    try {
      // verifyHeader is what constructEvent runs before JSON.parse; parsing is left to zod (400, not 401).
      signatureHelper.verifyHeader(req.body, signature, secret, toleranceSeconds, undefined, receivedAt);
      // Also reject timestamps too far in the future (absolute difference).
      return checkTimestamp(Number(t[1]), now, toleranceSeconds);
    } catch (err: unknown) {
      if (err instanceof Error && /tolerance/i.test(err.message)) stale = true;
    }
  }
  return { ok: false, reason: stale ? "stale_timestamp" : "bad_signature" };
}
