/**
 * Shopify webhooks, including the mandatory privacy topics
 * (`customers/data_request`, `customers/redact`, `shop/redact`), which become
 * rights requests. Bad HMAC on any topic answers 401 (Shopify app review tests it).
 */
import { ValidationError } from "../../../../common/src/errors";
import { header, parseJsonBody, validate } from "../core";
import { platformId } from "../extract";
import type { Integration, PlatformEvent } from "../types";
import { compliancePii, customerPii, orderPii } from "./pii";
import {
  CustomerSchema,
  CustomersDataRequestSchema,
  CustomersRedactSchema,
  GenericSchema,
  OrderSchema,
  ShopRedactSchema,
} from "./schemas";
import { verifyShopify, WEBHOOK_HEADER_NAMES } from "./signature";

function shopOf(headers: Readonly<Record<string, string | undefined>>, fallback?: string): string {
  return (header(headers, WEBHOOK_HEADER_NAMES.shopDomain) ?? fallback ?? "unknown-shop").toLowerCase();
}

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const shopify: Integration = {
  service: "shopify",
  signing: "signed",
  verify: (req, ctx) => verifyShopify(req, ctx.secrets),
  parse(req) {
    const topic = header(req.headers, WEBHOOK_HEADER_NAMES.topic);
    if (!topic) throw new ValidationError("Missing X-Shopify-Topic header", [{ path: "headers.x-shopify-topic", message: "is required" }]);
    const json = parseJsonBody(req.body);
    const base: Omit<PlatformEvent, "pii"> = {
      eventType: topic,
      // X-Shopify-Event-Id is the same on duplicate deliveries of one event (spec §2.4).
      platformEventId: header(req.headers, WEBHOOK_HEADER_NAMES.eventId) ?? header(req.headers, WEBHOOK_HEADER_NAMES.webhookId),
      triggeredAt: parseDate(header(req.headers, WEBHOOK_HEADER_NAMES.triggeredAt)),
    };
    let event: PlatformEvent;
    switch (topic) {
      case "customers/redact": {
        const body = validate(CustomersRedactSchema, json, "customers/redact payload");
        event = { ...base, rightsRequest: "deletion", pii: compliancePii(body, body.shop_domain.toLowerCase()) };
        break;
      }
      case "customers/data_request": {
        const body = validate(CustomersDataRequestSchema, json, "customers/data_request payload");
        event = { ...base, rightsRequest: "access", pii: compliancePii(body, body.shop_domain.toLowerCase()) };
        break;
      }
      case "shop/redact": {
        const body = validate(ShopRedactSchema, json, "shop/redact payload");
        // Erase everything held for the shop: the shop id is the identifier.
        event = { ...base, rightsRequest: "deletion", pii: platformId("$.shop_id", "record_id", "shopify:shop", body.shop_domain.toLowerCase()) };
        break;
      }
      default:
        if (topic.startsWith("customers/")) {
          const body = validate(CustomerSchema, json, `${topic} payload`);
          event = { ...base, pii: customerPii(body, shopOf(req.headers)) };
        } else if (topic.startsWith("orders/")) {
          const body = validate(OrderSchema, json, `${topic} payload`);
          event = { ...base, pii: orderPii(body, shopOf(req.headers)) };
        } else {
          validate(GenericSchema, json, `${topic} payload`);
          event = { ...base, pii: [] };
        }
    }
    return { kind: "events", events: [event] };
  },
};
