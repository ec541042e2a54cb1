/** WooCommerce field → taxonomy mapping (spec §5, PII paths table). */
import type { RawPiiField } from "../../../../common/src/pii";
import { addressField, collectPii, platformId, type FieldSpec } from "../extract";
import type { WooResource } from "./schemas";

const ADDRESS_KEYS = ["address_1", "address_2", "city", "state", "postcode", "country"] as const;
const SPECS: FieldSpec[] = [
  ["$.email", "email"], ["$.first_name", "first_name"], ["$.last_name", "last_name"], ["$.username", "username"],
  ["$.customer_ip_address", "ip_address"], ["$.customer_user_agent", "user_agent"],
  ["$.billing.email", "email"], ["$.billing.phone", "phone"], ["$.billing.first_name", "first_name"],
  ["$.billing.last_name", "last_name"], ["$.billing.postcode", "postal_code"],
  ["$.shipping.phone", "phone"], ["$.shipping.first_name", "first_name"], ["$.shipping.last_name", "last_name"],
  ["$.shipping.postcode", "postal_code"],
];

export function wooPii(body: WooResource, topic: string, store: string): RawPiiField[] {
  const resource = topic.split(".")[0];
  const customerId = resource === "customer" ? body.id : body.customer_id || undefined;
  return [
    ...platformId(resource === "customer" ? "$.id" : "$.customer_id", "customer_id", `woocommerce:${store}`, customerId),
    ...(resource === "order" ? platformId("$.id", "record_id", `woocommerce:${store}:order`, body.id) : []),
    ...collectPii(body, SPECS),
    ...addressField(body, "$.billing", ADDRESS_KEYS),
    ...addressField(body, "$.shipping", ADDRESS_KEYS),
  ];
}
