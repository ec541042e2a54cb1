/**
 * Event trigger generate_controller_purposes (data_processors insert; update
 * of status, config; restricted payload): create the purposes the
 * integration implies (documents/derive-purposes.ts), then regenerate the
 * documents, whose recipients and transfers list the integrations.
 */
import { z } from "zod";
import { derivePurposes } from "../documents/derive-purposes";
import { generateDocuments, V0_DOCUMENTS } from "../documents/generate-documents";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const ProcessorRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid() });

export const generate_controller_purposes: EventModule<typeof ProcessorRowSchema, HandlerServices> = {
  name: "generate_controller_purposes",
  rowSchema: ProcessorRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "generate_controller_purposes");
    const purposes = await derivePurposes(row.id, { sdk: services.sdk });
    const documents = await generateDocuments({ controllerId: row.controller_id, types: V0_DOCUMENTS, trigger: "generate_controller_purposes" }, { sdk: services.sdk, now: ctx.now() });
    ctx.logger.info({ controllerId: row.controller_id, dataProcessorId: row.id, purposes, documents }, "integration purposes derived");
    return { purposes, documents };
  },
};
