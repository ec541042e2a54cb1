/**
 * Action updateConsentPreferences (mutation; anonymous and user): the consent
 * widget records a decision (consent/update-preferences.ts). The log line
 * carries the record id and mechanism only: no identifiers, IP or user agent.
 */
import { z } from "zod";
import { parseOrThrow } from "../../../common/src/http";
import { updateConsentPreferences as recordDecision } from "../consent/update-preferences";
import type { HandlerServices } from "../events/services";
import type { ActionHandler } from "../registry";

export const UpdateConsentPreferencesInputSchema = z.object({
  input: z.object({
    did: z.string().min(1).max(512),
    formSlug: z.string().min(1).max(128),
    formVersion: z.number().int().positive(),
    visitorId: z.string().max(256).nullish(),
    subjectToken: z.string().max(4096).nullish(),
    choices: z.array(z.object({ categorySlug: z.string().min(1).max(128), decision: z.enum(["granted", "denied"]) })).max(100),
    mechanism: z.enum(["accept_all", "reject_all", "save_choices", "preference_center", "form_checkbox", "api"]),
    locale: z.string().min(2).max(35).nullish(),
    sourceUrl: z.string().max(4096).nullish(),
    clientCollectedAt: z.iso.datetime({ offset: true }).nullish(),
  }),
});

export function updateConsentPreferences(services: HandlerServices): ActionHandler {
  return {
    name: "updateConsentPreferences",
    async handle(call, ctx) {
      const { input } = parseOrThrow(UpdateConsentPreferencesInputSchema, call.input, "Invalid updateConsentPreferences input");
      const output = await recordDecision(input, { sdk: services.sdk, secretKeys: services.secretKeys, now: ctx.now(), headers: ctx.headers ?? {} });
      ctx.logger.info({ consentId: output.consentId, mechanism: input.mechanism }, "consent decision recorded");
      return { ...output, choices: output.choices.map((c) => ({ ...c })) };
    },
  };
}
