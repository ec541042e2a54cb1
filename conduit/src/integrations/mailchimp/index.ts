/**
 * Mailchimp Transactional (Mandrill) on the `mailchimp` route (spec §6).
 * HEAD is the URL check (200); the `mandrill_events=[]` POST signed with the
 * generic key is the fallback check. One intake row per batch element; dedupe
 * on `_id` + `event` + `ts`.
 */
import { ValidationError } from "../../../../common/src/errors";
import { validate } from "../core";
import { formPairs } from "../form";
import type { Integration } from "../types";
import { mandrillPii } from "./pii";
import { MandrillBatchSchema } from "./schemas";
import { isMandrillUrlCheck, verifyMandrill } from "./signature";

export const mailchimp: Integration = {
  service: "mailchimp",
  signing: "signed",
  handshakeMethods: ["HEAD"],
  verify: (req, ctx) => verifyMandrill(req, ctx.secrets),
  parse(req) {
    if (isMandrillUrlCheck(req)) return { kind: "handshake", note: "mandrill url check" };
    const raw = formPairs(req.body).find(([k]) => k === "mandrill_events")?.[1];
    if (raw === undefined) throw new ValidationError("Missing mandrill_events", [{ path: "mandrill_events", message: "is required" }]);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ValidationError("mandrill_events is not valid JSON", [{ path: "mandrill_events", message: "malformed JSON" }]);
    }
    const batch = validate(MandrillBatchSchema, json, "mandrill_events");
    return {
      kind: "events",
      events: batch.map((e, i) => ({
        eventType: e.event,
        platformEventId: e._id ? `${e._id}:${e.event}:${e.ts ?? ""}` : undefined,
        triggeredAt: e.ts === undefined ? undefined : new Date(e.ts * 1000),
        pii: mandrillPii(e, i),
      })),
    };
  },
};
