/**
 * Event trigger data_processing_activities_insert: check the new activity's
 * legal basis and purpose against what the controller declared and set its
 * compliance status with the reasons (compliance/).
 *
 * The intake stores most activities already checked (it reads the same facts
 * in its first round trip: compliance/assess-activity-compliance.ts). The
 * trigger's payload carries the inserted row (columns '*' in hasura/metadata,
 * hasura-contract.md 1.5), so a row whose compliance_status is not `pending`
 * is answered `already_checked` from the payload alone, without any GraphQL
 * call. A `pending` row (left so by the intake when consent decides and is not
 * known yet, or inserted by any other path) is checked as before; that check
 * updates only a row that is still pending, so redeliveries change nothing.
 */
import { z } from "zod";
import { checkActivityCompliance } from "../compliance/check-activity-compliance";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

/** data_processing_activities.compliance_status (its check constraint). */
const ComplianceStatusSchema = z.enum(["pending", "compliant", "needs_review", "non_compliant"]);

const ActivityRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid(), compliance_status: ComplianceStatusSchema });

export const data_processing_activities_insert: EventModule<typeof ActivityRowSchema, HandlerServices> = {
  name: "data_processing_activities_insert",
  rowSchema: ActivityRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_processing_activities_insert");
    const result = row.compliance_status === "pending" ? await checkActivityCompliance(row.id, services) : ({ outcome: "already_checked", status: row.compliance_status } as const);
    ctx.logger.info({ activityId: row.id, outcome: result.outcome, status: "status" in result ? result.status : undefined }, "activity compliance checked");
    return { ...result };
  },
};
