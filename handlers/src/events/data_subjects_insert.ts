/**
 * Event trigger data_subjects_insert: DID, earlier activities, initial
 * consent state and consent collection for a new subject
 * (subjects/initialize-data-subject.ts).
 */
import { z } from "zod";
import { initializeDataSubject } from "../subjects/initialize-data-subject";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const SubjectRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid() });

export const data_subjects_insert: EventModule<typeof SubjectRowSchema, HandlerServices> = {
  name: "data_subjects_insert",
  rowSchema: SubjectRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_subjects_insert");
    const result = await initializeDataSubject({ subjectId: row.id, controllerId: row.controller_id }, { sdk: services.sdk, now: ctx.now });
    ctx.logger.info({ dataSubjectId: row.id, ...result }, "data subject initialized");
    return { ...result };
  },
};
