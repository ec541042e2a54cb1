/** Audience webhook field → taxonomy mapping (spec §7); merge tags are account-specific, the common ones are mapped. */
import type { RawPiiField } from "../../../../common/src/pii";
import { collectPii, platformId, type FieldSpec } from "../extract";
import type { MarketingEvent } from "./schemas";

const SPECS: FieldSpec[] = [
  ["$.data.email", "email"], ["$.data.old_email", "email"], ["$.data.new_email", "email"], ["$.data.merges.EMAIL", "email"],
  ["$.data.merges.FNAME", "first_name"], ["$.data.merges.LNAME", "last_name"], ["$.data.merges.PHONE", "phone"],
  ["$.data.merges.ADDRESS", "postal_address"], ["$.data.merges.BIRTHDAY", "free_text"],
  ["$.data.ip_opt", "ip_address"], ["$.data.ip_signup", "ip_address"],
];

export function marketingPii(event: MarketingEvent): RawPiiField[] {
  const ns = `mailchimp:${event.data.list_id ?? "list"}`;
  return [...platformId("$.data.id", "customer_id", ns, event.data.id), ...collectPii(event, SPECS)];
}
