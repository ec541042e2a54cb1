/** Mandrill event batches (spec §6): `mandrill_events` is a JSON array of up to 1,000 events. */
import { z } from "zod";

const Text = z.string().nullish();
export const MandrillEventSchema = z.looseObject({
  event: z.string().min(1),
  _id: z.string().optional(),
  ts: z.number().optional(),
  ip: Text,
  user_agent: Text,
  location: z.looseObject({ city: Text, postal_code: Text, country_long: Text }).nullish(),
  msg: z.looseObject({ email: Text, from_email: Text, from_name: Text, _id: z.string().optional() }).nullish(),
  entry: z.looseObject({ email: Text }).nullish(),
});
export const MandrillBatchSchema = z.array(MandrillEventSchema).max(1000);
export type MandrillEvent = z.infer<typeof MandrillEventSchema>;
