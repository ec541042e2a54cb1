/**
 * The PII taxonomy: every kind of personal data conduit extracts from a
 * payload. Integrations map their fields onto these types; custom integrations
 * map configured fields onto them. Only the type, a keyed hash and the source
 * path leave conduit (privacy-domain spec §12).
 */
import { z } from "zod";

export const PII_TYPES = [
  "email",
  "phone",
  "name",
  "first_name",
  "last_name",
  "postal_address",
  "postal_code",
  "city",
  "country",
  "ip_address",
  "customer_id",
  "record_id",
  "date_of_birth",
  "username",
  "user_agent",
  "geolocation",
  "payment_card",
  "free_text",
] as const;

export const PiiTypeSchema = z.enum(PII_TYPES);
export type PiiType = z.infer<typeof PiiTypeSchema>;

/**
 * Types that identify a person across platforms and are used as linkage keys
 * (privacy-domain spec §12.4: merge on e-mail or platform id; phone-only
 * matches are flagged). Everything else is hashed for integrity and erasure
 * matching but is not a linkage key.
 */
export const IDENTIFIER_TYPES: ReadonlySet<PiiType> = new Set<PiiType>(["email", "phone", "customer_id"]);

export function isPiiType(value: unknown): value is PiiType {
  return PiiTypeSchema.safeParse(value).success;
}

/** A raw value found in a payload, before normalisation and hashing. Never logged or stored. */
export interface RawPiiField {
  type: PiiType;
  /** JSON path of the field in the payload, e.g. `$.customer.email`. */
  path: string;
  value: string;
}
