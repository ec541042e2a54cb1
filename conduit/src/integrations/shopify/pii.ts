/** Shopify field → taxonomy mapping (integrations spec §3, PII paths table). */
import type { RawPiiField } from "../../../../common/src/pii";
import { addressField, collectPii, platformId, type FieldSpec } from "../extract";

const ADDRESS_KEYS = ["address1", "address2", "city", "province", "zip", "country"] as const;

function addressPii(root: unknown, path: string): RawPiiField[] {
  return [
    ...addressField(root, path, ADDRESS_KEYS),
    ...collectPii(root, [
      [`${path}.phone`, "phone"],
      [`${path}.zip`, "postal_code"],
      [`${path}.first_name`, "first_name"],
      [`${path}.last_name`, "last_name"],
      [`${path}.name`, "name"],
    ]),
  ];
}

export function customerPii(body: { id: string | number }, shop: string): RawPiiField[] {
  const specs: FieldSpec[] = [["$.email", "email"], ["$.phone", "phone"], ["$.first_name", "first_name"], ["$.last_name", "last_name"]];
  return [
    ...platformId("$.id", "customer_id", `shopify:${shop}`, body.id),
    ...collectPii(body, specs),
    ...addressPii(body, "$.default_address"),
    ...addressPii(body, "$.addresses[*]"),
  ];
}

export function orderPii(body: { id: string | number; customer?: { id?: string | number | null } | null }, shop: string): RawPiiField[] {
  const specs: FieldSpec[] = [
    ["$.email", "email"], ["$.contact_email", "email"], ["$.phone", "phone"],
    ["$.customer.email", "email"], ["$.customer.phone", "phone"],
    ["$.customer.first_name", "first_name"], ["$.customer.last_name", "last_name"],
    ["$.browser_ip", "ip_address"], ["$.client_details.browser_ip", "ip_address"],
  ];
  return [
    ...platformId("$.customer.id", "customer_id", `shopify:${shop}`, body.customer?.id),
    ...platformId("$.id", "record_id", `shopify:${shop}:order`, body.id),
    ...collectPii(body, specs),
    ...addressPii(body, "$.billing_address"),
    ...addressPii(body, "$.shipping_address"),
  ];
}

export function compliancePii(body: { customer: { id: string | number } }, shop: string): RawPiiField[] {
  return [
    ...platformId("$.customer.id", "customer_id", `shopify:${shop}`, body.customer.id),
    ...collectPii(body, [["$.customer.email", "email"], ["$.customer.phone", "phone"]]),
  ];
}
