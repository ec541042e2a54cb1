/**
 * Xero webhooks (spec §15). Every answer is 200 with an EMPTY body and no
 * cookies; a bad signature is 401. The payload holds no personal data: the
 * contact's resourceId is recorded as a namespaced platform id.
 */
import { z } from "zod";
import { parseJsonBody, validate } from "../core";
import { platformId } from "../extract";
import type { Integration } from "../types";
import { isIntentToReceive } from "./handshake";
import { verifyXero } from "./signature";

export const XeroBatchSchema = z.looseObject({
  events: z.array(z.looseObject({
    resourceUrl: z.string().optional(),
    resourceId: z.string().min(1),
    eventDateUtc: z.string().min(1),
    eventType: z.string().min(1),
    eventCategory: z.string().min(1),
    tenantId: z.string().min(1),
    tenantType: z.string().optional(),
  })),
  firstEventSequence: z.number().int(),
  lastEventSequence: z.number().int(),
  entropy: z.string().min(1),
});

export const xero: Integration = {
  service: "xero",
  signing: "signed",
  verify: (req, ctx) => verifyXero(req, ctx.secrets),
  parse(req) {
    const batch = validate(XeroBatchSchema, parseJsonBody(req.body), "Xero webhook");
    if (isIntentToReceive(batch.events)) return { kind: "handshake", note: "xero intent to receive" };
    return {
      kind: "events",
      events: batch.events.map((e, i) => {
        const when = new Date(`${e.eventDateUtc}${/Z|[+-]\d\d:\d\d$/.test(e.eventDateUtc) ? "" : "Z"}`);
        const isContact = e.eventCategory === "CONTACT";
        return {
          eventType: `${e.eventCategory}.${e.eventType}`,
          // resourceId + eventType + eventDateUtc per event (spec §2.4).
          platformEventId: `${e.resourceId}:${e.eventType}:${e.eventDateUtc}`,
          triggeredAt: Number.isNaN(when.getTime()) ? undefined : when,
          pii: platformId(`$.events[${i}].resourceId`, isContact ? "customer_id" : "record_id", `xero:${e.tenantId}${isContact ? "" : `:${e.eventCategory.toLowerCase()}`}`, e.resourceId),
        };
      }),
    };
  },
  successResponse: () => ({ status: 200, body: "" }),
};
