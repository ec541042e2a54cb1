/**
 * Event trigger data_controller_details_update (update of the public profile
 * columns): queue document and purpose regeneration
 * (controllers/queue-profile-regeneration.ts).
 */
import { z } from "zod";
import { queueProfileRegeneration } from "../controllers/queue-profile-regeneration";
import type { EventModule } from "./define";
import type { HandlerServices } from "./services";

const DetailsRowSchema = z.looseObject({ id: z.string().uuid(), controller_id: z.string().uuid(), profile_version: z.number().int().min(0) });

/** Columns the trigger listens to (hasura/metadata), reported with the job. */
const PROFILE_COLUMNS = [
  "legal_name", "description", "website_url", "logo_url", "industry", "contact_email", "dpo_name", "dpo_email", "address_line1", "address_line2",
  "city", "postal_code", "region", "country_code", "timezone", "default_regime", "supervisory_authority", "public_profile_enabled",
] as const;

export const data_controller_details_update: EventModule<typeof DetailsRowSchema, HandlerServices> = {
  name: "data_controller_details_update",
  rowSchema: DetailsRowSchema,
  async handle(event, services, ctx) {
    const { old: before, new: after } = event.event.data;
    if (!after) return { outcome: "ignored", reason: "no new row" };
    const changed = PROFILE_COLUMNS.filter((c) => JSON.stringify(before?.[c]) !== JSON.stringify(after[c]));
    const result = await queueProfileRegeneration(
      { detailsId: after.id, controllerId: after.controller_id, oldVersion: before?.profile_version ?? after.profile_version, changedFields: [...changed] },
      { sdk: services.sdk, now: ctx.now },
    );
    ctx.logger.info({ controllerId: after.controller_id, changedFields: changed, ...result }, "profile regeneration queued");
    return { ...result };
  },
};
