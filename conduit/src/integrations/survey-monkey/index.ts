/**
 * SurveyMonkey webhooks (spec §12); HEAD and GET pings of the subscription URL
 * answer 200. The payload carries ids only; the respondent id is recorded.
 */
import { z } from "zod";
import { parseJsonBody, validate } from "../core";
import { platformId } from "../extract";
import type { Integration } from "../types";
import { verifySurveyMonkey } from "./signature";

export const SurveyMonkeySchema = z.looseObject({
  event_type: z.string().min(1),
  event_id: z.string().min(1),
  object_type: z.string().min(1),
  object_id: z.string().min(1),
  event_datetime: z.string().optional(),
  resources: z.looseObject({ respondent_id: z.string().optional(), survey_id: z.string().optional(), user_id: z.string().optional() }).optional(),
});

export const surveyMonkey: Integration = {
  service: "survey-monkey",
  signing: "signed",
  handshakeMethods: ["HEAD", "GET"],
  verify: (req, ctx) => verifySurveyMonkey(req, ctx.secrets),
  parse(req) {
    const body = validate(SurveyMonkeySchema, parseJsonBody(req.body), "SurveyMonkey event");
    const when = body.event_datetime ? new Date(body.event_datetime) : undefined;
    const account = body.resources?.user_id ?? "account";
    return {
      kind: "events",
      events: [{
        eventType: body.event_type,
        platformEventId: body.event_id,
        triggeredAt: when && !Number.isNaN(when.getTime()) ? when : undefined,
        pii: [
          ...platformId("$.resources.respondent_id", "customer_id", `survey-monkey:${account}:respondent`, body.resources?.respondent_id),
          ...platformId("$.object_id", "record_id", `survey-monkey:${account}:${body.object_type}`, body.object_id),
        ],
      }],
    };
  },
};
