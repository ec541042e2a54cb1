/**
 * The feature switches handlers read from data_controllers.settings (a jsonb
 * object, e.g. {"didGeneration": true, "consentCollection": true}). Unknown
 * keys belong to other parts and are kept; a malformed switch counts as off.
 */
import { z } from "zod";

export const ControllerSettingsSchema = z.looseObject({
  /** Give every new data subject a did:key. */
  didGeneration: z.boolean().optional(),
  /** Queue consent collection for every new data subject. */
  consentCollection: z.boolean().optional(),
});
export type ControllerSettings = z.infer<typeof ControllerSettingsSchema>;

export function readControllerSettings(settings: unknown): ControllerSettings {
  const parsed = ControllerSettingsSchema.safeParse(settings ?? {});
  return parsed.success ? parsed.data : {};
}
