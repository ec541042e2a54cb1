/**
 * Event trigger generate_controller_documents (purposes insert, update of the
 * fields documents show, delete): regenerate the privacy notice, cookie
 * policy, DPA, Art. 30 record and assessment; a document whose text did not
 * change gets no new version (documents/generate-documents.ts).
 */
import { z } from "zod";
import { generateDocuments, V0_DOCUMENTS } from "../documents/generate-documents";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const PurposeRowSchema = z.object({ controller_id: z.string().uuid() });

export const generate_controller_documents: EventModule<typeof PurposeRowSchema, HandlerServices> = {
  name: "generate_controller_documents",
  rowSchema: PurposeRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "generate_controller_documents");
    const result = await generateDocuments({ controllerId: row.controller_id, types: V0_DOCUMENTS, trigger: "generate_controller_documents" }, { sdk: services.sdk, now: ctx.now() });
    ctx.logger.info({ controllerId: row.controller_id, op: event.event.op, ...result }, "controller documents generated");
    return { ...result };
  },
};
