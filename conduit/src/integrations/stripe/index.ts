/** Stripe webhooks (integrations spec §4). Dedupe on the event id `evt_…`. */
import { parseJsonBody, validate } from "../core";
import type { Integration } from "../types";
import { stripePii } from "./pii";
import { StripeEventSchema } from "./schemas";
import { verifyStripe } from "./signature";

export const stripe: Integration = {
  service: "stripe",
  signing: "signed",
  verify: (req, ctx) => verifyStripe(req, ctx.secrets, ctx.now, ctx.config.toleranceSeconds),
  parse(req) {
    const event = validate(StripeEventSchema, parseJsonBody(req.body), "Stripe event");
    return {
      kind: "events",
      events: [{
        eventType: event.type,
        platformEventId: event.id,
        triggeredAt: event.created === undefined ? undefined : new Date(event.created * 1000),
        pii: stripePii(event),
      }],
    };
  },
};
