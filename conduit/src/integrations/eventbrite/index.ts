/** Eventbrite webhooks (spec §11). No personal data in the payload; the resource id is recorded. */
import { z } from "zod";
import { parseJsonBody, validate } from "../core";
import { platformId } from "../extract";
import type { Integration } from "../types";
import { verifyEventbrite } from "./signature";

export const EventbriteSchema = z.looseObject({
  api_url: z.string().url().refine((u) => new URL(u).hostname === "www.eventbriteapi.com" && new URL(u).protocol === "https:", "must be an https://www.eventbriteapi.com URL"),
  config: z.looseObject({
    action: z.string().min(1),
    user_id: z.string().min(1),
    webhook_id: z.string().min(1),
    endpoint_url: z.string().optional(),
  }),
});

export const eventbrite: Integration = {
  service: "eventbrite",
  signing: "unsigned",
  verify: () => verifyEventbrite(),
  parse(req) {
    const body = validate(EventbriteSchema, parseJsonBody(req.body), "Eventbrite webhook");
    // e.g. /v3/orders/1234567890/ → record orders:1234567890
    const [, , kind = "resource", id] = new URL(body.api_url).pathname.split("/");
    const isPerson = kind === "attendees";
    return {
      kind: "events",
      events: [{
        eventType: body.config.action,
        // No event id. Spec §2.4 suggests webhook_id + api_url + action, but that key is the
        // same for every later `order.updated` of one order, so a permanent unique key would
        // drop real updates: conduit leaves the platform id empty and relies on the
        // content-key window instead.
        pii: platformId("$.api_url", isPerson ? "customer_id" : "record_id", `eventbrite:${body.config.user_id}:${kind}`, id),
      }],
    };
  },
};
