/**
 * Event trigger data_processing_activities_insert: check the new activity's
 * legal basis and purpose against what the controller declared and set its
 * compliance status with the reasons (compliance/evaluate-compliance.ts).
 */
import { z } from "zod";
import { checkActivityCompliance } from "../compliance/check-activity-compliance";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const ActivityRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid() });

export const data_processing_activities_insert: EventModule<typeof ActivityRowSchema, HandlerServices> = {
  name: "data_processing_activities_insert",
  rowSchema: ActivityRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_processing_activities_insert");
    const result = await checkActivityCompliance(row.id, services);
    ctx.logger.info({ activityId: row.id, outcome: result.outcome, status: "status" in result ? result.status : undefined }, "activity compliance checked");
    return { ...result };
  },
};
