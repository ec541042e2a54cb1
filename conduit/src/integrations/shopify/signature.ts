/**
 * Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app client secret, raw body)).
 * No timestamp is signed (integrations spec §3). During a client-secret rotation
 * Shopify may sign with the old secret for up to an hour, so every configured
 * secret is tried.
 */
import { hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export const WEBHOOK_HEADER_NAMES = {
  hmac: "x-shopify-hmac-sha256",
  topic: "x-shopify-topic",
  shopDomain: "x-shopify-shop-domain",
  webhookId: "x-shopify-webhook-id",
  eventId: "x-shopify-event-id",
  triggeredAt: "x-shopify-triggered-at",
} as const;

export function signShopify(body: string | Buffer, secret: string): string {
  return hmac("sha256", secret, body).toString("base64");
}

export function verifyShopify(req: RawRequest, secrets: readonly string[]): Verification {
  // An empty body fails closed (shopify-api-js reports missing_body).
  if (req.body.length === 0) return { ok: false, reason: "bad_signature" };
  return verifyDigest(req.headers[WEBHOOK_HEADER_NAMES.hmac], secrets, (s) => hmac("sha256", s, req.body), "base64");
}
