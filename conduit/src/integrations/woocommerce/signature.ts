/**
 * WooCommerce: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(secret, body as
 * sent)); the body is PHP json_encode output, so only the raw bytes verify
 * (integrations spec §5). No timestamp, no nonce. The creation ping
 * (`webhook_id=N`, form-encoded) is unsigned.
 */
import { hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export const WC_HEADERS = {
  signature: "x-wc-webhook-signature",
  topic: "x-wc-webhook-topic",
  source: "x-wc-webhook-source",
  webhookId: "x-wc-webhook-id",
  deliveryId: "x-wc-webhook-delivery-id",
} as const;

export function signWooCommerce(body: string | Buffer, secret: string): string {
  return hmac("sha256", secret, body).toString("base64");
}

export function verifyWooCommerce(req: RawRequest, secrets: readonly string[]): Verification {
  return verifyDigest(req.headers[WC_HEADERS.signature], secrets, (s) => hmac("sha256", s, req.body), "base64");
}
