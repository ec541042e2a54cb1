/**
 * Event trigger data_subject_preference_values_update (insert; update of
 * granted): a subject's consent for a purpose was given or withdrawn; queue
 * its sync to every integration holding the subject's data
 * (integrations/queue-consent-sync.ts) and wake the sync worker.
 */
import { z } from "zod";
import { queueConsentSync } from "../integrations/queue-consent-sync";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const PreferenceRowSchema = z.object({
  id: z.string().uuid(),
  controller_id: z.string().uuid(),
  data_subject_id: z.string().uuid(),
  purpose_id: z.string().uuid(),
  granted: z.boolean(),
  source_form_value_id: z.string().uuid().nullable(),
});

export const data_subject_preference_values_update: EventModule<typeof PreferenceRowSchema, HandlerServices> = {
  name: "data_subject_preference_values_update",
  rowSchema: PreferenceRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_subject_preference_values_update");
    const result = await queueConsentSync(
      {
        op: event.event.op,
        controllerId: row.controller_id,
        dataSubjectId: row.data_subject_id,
        purposeId: row.purpose_id,
        granted: row.granted,
        previousGranted: event.event.op === "UPDATE" ? (event.event.data.old?.granted ?? null) : null,
        sourceFormValueId: row.source_form_value_id,
      },
      { sdk: services.sdk, now: ctx.now() },
    );
    if (result.queued > 0) services.onIntegrationSyncQueued?.();
    ctx.logger.info({ dataSubjectId: row.data_subject_id, purposeId: row.purpose_id, granted: row.granted, ...result }, "consent change queued for sync");
    return { ...result };
  },
};
