/**
 * Mailchimp Marketing audience webhooks (spec §7): unsigned; GET on save is the
 * URL check (200). No event id is supplied, so the dedupe key is a hash of
 * type + fired_at + data[id] + data[list_id] (spec §2.4).
 */
import { sha256, validate } from "../core";
import { nestedForm } from "../form";
import type { Integration } from "../types";
import { marketingPii } from "./pii";
import { MarketingEventSchema } from "./schemas";
import { verifyMailchimpMarketing } from "./signature";

export const mailchimpMarketing: Integration = {
  service: "mailchimp-marketing",
  signing: "unsigned",
  handshakeMethods: ["GET"],
  verify: () => verifyMailchimpMarketing(),
  parse(req) {
    const event = validate(MarketingEventSchema, nestedForm(req.body), "Mailchimp audience event");
    const eventType = event.type === "unsubscribe" && event.data.action === "delete" ? "unsubscribe.delete" : event.type;
    const key = [event.type, event.fired_at, event.data.id ?? "", event.data.list_id ?? ""].join("|");
    return {
      kind: "events",
      events: [{
        eventType,
        platformEventId: sha256(key).toString("hex"),
        triggeredAt: new Date(`${event.fired_at.replace(" ", "T")}Z`),
        pii: marketingPii(event),
      }],
    };
  },
};
