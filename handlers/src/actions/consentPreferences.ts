/**
 * Action consentPreferences (query; anonymous and user): the consent widget
 * reads the current choices on a published form (consent/read-preferences.ts).
 */
import { z } from "zod";
import { parseOrThrow } from "../../../common/src/http";
import { readConsentPreferences } from "../consent/read-preferences";
import type { HandlerServices } from "../events/services";
import type { ActionHandler } from "../registry";

export const ConsentPreferencesInputSchema = z.object({
  input: z.object({
    did: z.string().min(1).max(512),
    formSlug: z.string().min(1).max(128),
    visitorId: z.string().max(256).nullish(),
    subjectToken: z.string().max(4096).nullish(),
  }),
});

export function consentPreferences(services: HandlerServices): ActionHandler {
  return {
    name: "consentPreferences",
    async handle(call, ctx) {
      const { input } = parseOrThrow(ConsentPreferencesInputSchema, call.input, "Invalid consentPreferences input");
      const output = await readConsentPreferences(input, { sdk: services.sdk, secretKeys: services.secretKeys, now: ctx.now(), headers: ctx.headers ?? {} });
      return { ...output, choices: output.choices.map((c) => ({ ...c })) };
    },
  };
}
