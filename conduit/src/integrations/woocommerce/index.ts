/** WooCommerce webhooks (spec §5). Dedupe on X-WC-Webhook-ID + X-WC-Webhook-Delivery-ID. */
import { ValidationError } from "../../../../common/src/errors";
import { header, parseJsonBody, validate } from "../core";
import type { Integration } from "../types";
import { isWooCommercePing } from "./handshake";
import { wooPii } from "./pii";
import { WooActionSchema, WooResourceSchema } from "./schemas";
import { verifyWooCommerce, WC_HEADERS } from "./signature";

export const woocommerce: Integration = {
  service: "woocommerce",
  signing: "signed",
  verify: (req, ctx) => (isWooCommercePing(req) ? { ok: true } : verifyWooCommerce(req, ctx.secrets)),
  parse(req) {
    if (isWooCommercePing(req)) return { kind: "handshake", note: "woocommerce ping" };
    const topic = header(req.headers, WC_HEADERS.topic);
    if (!topic) throw new ValidationError("Missing X-WC-Webhook-Topic header", [{ path: "headers.x-wc-webhook-topic", message: "is required" }]);
    const json = parseJsonBody(req.body);
    const webhookId = header(req.headers, WC_HEADERS.webhookId);
    const deliveryId = header(req.headers, WC_HEADERS.deliveryId);
    const platformEventId = webhookId && deliveryId ? `${webhookId}:${deliveryId}` : undefined;
    if (topic.startsWith("action.")) {
      validate(WooActionSchema, json, `${topic} payload`);
      return { kind: "events", events: [{ eventType: topic, platformEventId, pii: [] }] };
    }
    const body = validate(WooResourceSchema, json, `${topic} payload`);
    const store = (header(req.headers, WC_HEADERS.source) ?? "store").replace(/^https?:\/\//, "").replace(/\/$/, "").toLowerCase();
    return { kind: "events", events: [{ eventType: topic, platformEventId, pii: wooPii(body, topic, store) }] };
  },
};
