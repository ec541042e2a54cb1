/** Audience webhook form fields after nested parsing (spec §7). */
import { z } from "zod";

const Text = z.string().optional();
export const MarketingEventSchema = z.looseObject({
  type: z.enum(["subscribe", "unsubscribe", "profile", "upemail", "cleaned", "campaign"]),
  // `YYYY-MM-DD HH:MM:SS`, not ISO 8601.
  fired_at: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, "expected YYYY-MM-DD HH:MM:SS"),
  data: z.looseObject({
    id: Text, list_id: Text, email: Text, old_email: Text, new_email: Text, new_id: Text,
    ip_opt: Text, ip_signup: Text, action: Text, reason: Text,
    merges: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type MarketingEvent = z.infer<typeof MarketingEventSchema>;
