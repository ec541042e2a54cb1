/** Stripe Event envelope (integrations spec §4); the object is typed loosely and only read for PII paths. */
import { z } from "zod";

export const StripeEventSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal("event"),
  type: z.string().min(1),
  created: z.number().int().optional(),
  account: z.string().optional(),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().optional(), object: z.string().optional() }),
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type StripeEvent = z.infer<typeof StripeEventSchema>;
