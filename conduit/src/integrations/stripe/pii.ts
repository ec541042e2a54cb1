/** Stripe field → taxonomy mapping (integrations spec §4, PII paths table). */
import type { RawPiiField } from "../../../../common/src/pii";
import { addressField, collectPii, platformId, type FieldSpec } from "../extract";
import type { StripeEvent } from "./schemas";

const ADDRESS_KEYS = ["line1", "line2", "city", "state", "postal_code", "country"] as const;
const ADDRESS_PATHS = [
  "$.data.object.address",
  "$.data.object.shipping.address",
  "$.data.object.customer_details.address",
  "$.data.object.billing_details.address",
  "$.data.previous_attributes.address",
];
const SPECS: FieldSpec[] = [
  ["$.data.object.email", "email"], ["$.data.object.name", "name"], ["$.data.object.phone", "phone"],
  ["$.data.object.shipping.name", "name"], ["$.data.object.shipping.phone", "phone"],
  ["$.data.object.customer_details.email", "email"], ["$.data.object.customer_details.name", "name"],
  ["$.data.object.customer_details.phone", "phone"], ["$.data.object.customer_email", "email"],
  ["$.data.object.billing_details.email", "email"], ["$.data.object.billing_details.name", "name"],
  ["$.data.object.billing_details.phone", "phone"],
  // Old values on *.updated events are personal data too.
  ["$.data.previous_attributes.email", "email"], ["$.data.previous_attributes.phone", "phone"],
  ["$.data.previous_attributes.name", "name"],
  ...ADDRESS_PATHS.map((p): [string, "postal_code"] => [`${p}.postal_code`, "postal_code"]),
];

export function stripePii(event: StripeEvent): RawPiiField[] {
  const ns = `stripe:${event.account ?? "self"}`;
  const obj = event.data.object as { id?: string; object?: string; customer?: unknown };
  const customerId = obj.object === "customer" ? obj.id : typeof obj.customer === "string" ? obj.customer : undefined;
  return [
    ...platformId(obj.object === "customer" ? "$.data.object.id" : "$.data.object.customer", "customer_id", ns, customerId),
    ...collectPii(event, SPECS),
    ...ADDRESS_PATHS.flatMap((p) => addressField(event, p, ADDRESS_KEYS)),
  ];
}
