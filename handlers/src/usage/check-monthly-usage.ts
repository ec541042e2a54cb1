/**
 * monthly_usage_check (1st of the month, 00:00 UTC): for every organization,
 * counts last month's processing activities and rights requests and the
 * active data subjects held at its end, records them in usage_records (one
 * row per metric and month, upserted on usage_records_period_key, so a rerun
 * writes the same figures) with the plan's quota, and e-mails the owners and
 * admins through the outbox when any metric is over quota (idempotency key
 * per organization and month: one notice however often the check runs).
 */
import { notifyControllerAdmins, type NoticeJobDeps } from "../scheduling/notify-admins";
import { limitsOf, METRIC_LABELS, previousMonth, USAGE_METRICS, type UsageMetric } from "./plans";

export type UsageDeps = NoticeJobDeps<"FindControllersPage" | "CountControllerUsage" | "UpsertUsageRecords">;

export interface UsageResult {
  period: string;
  controllers: number;
  overQuota: number;
  noticesQueued: number;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const PAGE = 200;

export async function checkMonthlyUsage(deps: UsageDeps): Promise<UsageResult> {
  const now = deps.now();
  const period = previousMonth(now);
  const result: UsageResult = { period: period.label, controllers: 0, overQuota: 0, noticesQueued: 0 };
  let after = NIL_UUID;
  for (;;) {
    const { dataControllers } = await deps.sdk.FindControllersPage({ after, limit: PAGE });
    for (const controller of dataControllers) {
      const counts = await deps.sdk.CountControllerUsage({ controllerId: controller.id, from: period.start.toISOString(), to: period.end.toISOString() });
      const quantity: Record<UsageMetric, number> = {
        processing_activities: counts.activities.aggregate.count,
        data_subjects: counts.subjects.aggregate.count,
        rights_requests: counts.requests.aggregate.count,
      };
      const limits = limitsOf(controller.plan);
      await deps.sdk.UpsertUsageRecords({
        objects: USAGE_METRICS.map((metric) => ({
          controllerId: controller.id,
          metric,
          periodStart: period.start.toISOString().slice(0, 10),
          periodEnd: period.lastDay,
          quantity: quantity[metric],
          quota: limits[metric],
          recordedAt: now.toISOString(),
        })),
      });
      result.controllers += 1;
      const over = USAGE_METRICS.filter((m) => limits[m] !== null && quantity[m] > (limits[m] as number));
      if (over.length === 0) continue;
      result.overQuota += 1;
      const lines = over.map((m) => `${METRIC_LABELS[m]}: ${quantity[m]} of ${limits[m]} included`);
      const notice = await notifyControllerAdmins(
        {
          controllerId: controller.id,
          template: "usage_over_quota",
          idempotencyKey: `usage-over-quota:${controller.id}:${period.label}`,
          variables: (organization, recipient) => ({ organization, displayName: recipient.displayName, period: period.label, lines, billingUrl: new URL("/settings/billing", deps.appBaseUrl).toString() }),
        },
        deps,
      );
      result.noticesQueued += notice.queued;
      deps.logger.info({ controllerId: controller.id, period: period.label, over, plan: controller.plan }, "organization over its plan");
    }
    if (dataControllers.length < PAGE) break;
    after = dataControllers[dataControllers.length - 1].id;
  }
  return result;
}
