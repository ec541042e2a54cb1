/**
 * Event trigger generate_v0_profile (data_controller_details insert): a new
 * organization's first onboarding assessment and documents
 * (documents/generate-documents.ts), version 1 of each, as drafts.
 */
import { z } from "zod";
import { generateDocuments, V0_DOCUMENTS } from "../documents/generate-documents";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const DetailsRowSchema = z.object({ controller_id: z.string().uuid() });

export const generate_v0_profile: EventModule<typeof DetailsRowSchema, HandlerServices> = {
  name: "generate_v0_profile",
  rowSchema: DetailsRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "generate_v0_profile");
    const result = await generateDocuments({ controllerId: row.controller_id, types: V0_DOCUMENTS, trigger: "generate_v0_profile" }, { sdk: services.sdk, now: ctx.now() });
    ctx.logger.info({ controllerId: row.controller_id, ...result }, "v0 profile and documents generated");
    return { ...result };
  },
};
