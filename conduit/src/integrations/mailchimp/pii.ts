/** Mandrill field → taxonomy mapping (spec §6, PII paths table), per batch element. */
import type { RawPiiField } from "../../../../common/src/pii";
import { collectPii, type FieldSpec } from "../extract";
import type { MandrillEvent } from "./schemas";

const SPECS: FieldSpec[] = [
  ["$.msg.email", "email"], ["$.msg.from_email", "email"], ["$.msg.from_name", "name"], ["$.entry.email", "email"],
  ["$.ip", "ip_address"], ["$.user_agent", "user_agent"], ["$.location.city", "city"],
  ["$.location.postal_code", "postal_code"], ["$.location.country_long", "country"],
];

export function mandrillPii(event: MandrillEvent, index: number): RawPiiField[] {
  // Report paths within the batch so the source is traceable without values.
  return collectPii(event, SPECS).map((f) => ({ ...f, path: f.path.replace("$", `$[${index}]`) }));
}
