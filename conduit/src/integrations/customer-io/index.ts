/** Customer.io reporting webhooks (spec §8); dedupe on `event_id`. */
import { z } from "zod";
import type { RawPiiField } from "../../../../common/src/pii";
import { parseJsonBody, validate } from "../core";
import { collectPii, platformId } from "../extract";
import type { Integration } from "../types";
import { verifyCustomerIo } from "./signature";

const Text = z.string().nullish();
export const CioEventSchema = z.looseObject({
  event_id: z.string().min(1),
  object_type: z.string().min(1),
  metric: z.string().min(1),
  timestamp: z.number().int(),
  data: z.looseObject({
    customer_id: Text, email_address: Text, recipient: Text,
    identifiers: z.looseObject({ id: Text, email: Text, cio_id: Text }).nullish(),
  }),
});
type CioEvent = z.infer<typeof CioEventSchema>;

export function customerIoPii(e: CioEvent): RawPiiField[] {
  const recipient = e.data.recipient ?? undefined;
  return [
    ...platformId("$.data.customer_id", "customer_id", "customer-io", e.data.customer_id ?? e.data.identifiers?.id),
    ...collectPii(e, [["$.data.email_address", "email"], ["$.data.identifiers.email", "email"]]),
    // An SMS or push recipient: a phone number when it looks like one.
    ...(recipient && /^\+?[\d\s().-]{6,}$/.test(recipient) ? [{ type: "phone" as const, path: "$.data.recipient", value: recipient }] : []),
    ...(recipient && recipient.includes("@") ? [{ type: "email" as const, path: "$.data.recipient", value: recipient }] : []),
  ];
}

export const customerIo: Integration = {
  service: "customer-io",
  signing: "signed",
  verify: (req, ctx) => verifyCustomerIo(req, ctx.secrets, ctx.now, ctx.config.toleranceSeconds),
  parse(req) {
    const e = validate(CioEventSchema, parseJsonBody(req.body), "Customer.io event");
    return {
      kind: "events",
      events: [{ eventType: `${e.object_type}.${e.metric}`, platformEventId: e.event_id, triggeredAt: new Date(e.timestamp * 1000), pii: customerIoPii(e) }],
    };
  },
};
