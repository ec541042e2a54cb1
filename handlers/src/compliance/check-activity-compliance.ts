/**
 * checkActivityCompliance: loads what the activity was checked against (its
 * purpose, the integration's declared field types, the subject's consent for
 * the purpose), evaluates it and stores the status with its reasons. Only a
 * `pending` activity is updated, so a redelivery or a manual review that
 * already set a status is never overwritten.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { evaluateCompliance, type ComplianceResult } from "./evaluate-compliance";
import { readProcessorPolicy } from "./legal-basis";

export interface CheckComplianceDeps {
  sdk: Pick<HandlersSdk, "FindActivityForCompliance" | "SetActivityCompliance">;
}

export type CheckComplianceResult = { outcome: "activity_gone" } | { outcome: "already_checked"; status: string } | ({ outcome: "checked"; updated: boolean } & ComplianceResult);

export async function checkActivityCompliance(activityId: string, deps: CheckComplianceDeps): Promise<CheckComplianceResult> {
  const activity = (await deps.sdk.FindActivityForCompliance({ id: activityId })).dataProcessingActivity;
  if (!activity) return { outcome: "activity_gone" };
  if (activity.complianceStatus !== "pending") return { outcome: "already_checked", status: activity.complianceStatus };

  const policy = readProcessorPolicy(activity.dataProcessor?.config);
  const preference = activity.purposeId ? activity.dataSubject?.preferenceValues.find((p) => p.purposeId === activity.purposeId) : undefined;
  const result = evaluateCompliance({
    activity: { legalBasis: activity.legalBasis, purpose: activity.purpose, piiFieldTypes: activity.piiFieldTypes },
    purpose: activity.purposeDetails,
    declaredFieldTypes: policy.fieldTypes ?? null,
    consent: preference ?? null,
  });
  const updated = await deps.sdk.SetActivityCompliance({ id: activityId, status: result.status, notes: result.notes });
  return { outcome: "checked", updated: (updated.updateDataProcessingActivities?.affected_rows ?? 0) > 0, ...result };
}
