/**
 * checkActivityCompliance: loads what the activity was checked against (its
 * purpose, the integration's declared field types, the subject's consent for
 * the purpose), evaluates it (assess-activity-compliance.ts, the same code the
 * intake runs before writing the activity) and stores the status with its
 * reasons. Only a `pending` activity is updated, so a redelivery or a manual
 * review that already set a status is never overwritten.
 *
 * The data_processing_activities_insert trigger calls this only for rows whose
 * event payload says `pending`: an activity the intake stored already checked
 * costs no GraphQL call at all (events/data_processing_activities_insert.ts).
 */
import type { HandlersSdk } from "../adapters/sdk";
import { assessActivityCompliance } from "./assess-activity-compliance";
import type { ComplianceResult } from "./evaluate-compliance";

export interface CheckComplianceDeps {
  sdk: Pick<HandlersSdk, "FindActivityForCompliance" | "SetActivityCompliance">;
}

export type CheckComplianceResult = { outcome: "activity_gone" } | { outcome: "already_checked"; status: string } | ({ outcome: "checked"; updated: boolean } & ComplianceResult);

export async function checkActivityCompliance(activityId: string, deps: CheckComplianceDeps): Promise<CheckComplianceResult> {
  const activity = (await deps.sdk.FindActivityForCompliance({ id: activityId })).dataProcessingActivity;
  if (!activity) return { outcome: "activity_gone" };
  if (activity.complianceStatus !== "pending") return { outcome: "already_checked", status: activity.complianceStatus };

  const result = assessActivityCompliance(
    {
      activity: { legalBasis: activity.legalBasis, purpose: activity.purpose, piiFieldTypes: activity.piiFieldTypes },
      purposeId: activity.purposeId,
      purpose: activity.purposeDetails,
      processorConfig: activity.dataProcessor?.config,
      consent: activity.dataSubject ? { kind: "read", preferences: activity.dataSubject.preferenceValues } : { kind: "no_subject" },
    },
    // The trigger takes the consent values as it finds them: no value is no consent.
    { defaultGrantMayFollow: false },
  );
  if (result === null) throw new Error("[handlers/compliance] read consent values without a default to wait for always decide");
  const updated = await deps.sdk.SetActivityCompliance({ id: activityId, status: result.status, notes: result.notes });
  return { outcome: "checked", updated: (updated.updateDataProcessingActivities?.affected_rows ?? 0) > 0, ...result };
}
