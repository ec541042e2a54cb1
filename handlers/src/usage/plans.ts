/**
 * What each plan includes per month (product policy, not law). Null means
 * unlimited. `processing_activities` and `rights_requests` count what the
 * month added; `data_subjects` counts the active subjects held at its end.
 */
export const USAGE_METRICS = ["processing_activities", "data_subjects", "rights_requests"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export type PlanLimits = Record<UsageMetric, number | null>;

export const PLAN_LIMITS: Record<string, PlanLimits> = {
  trial: { processing_activities: 10_000, data_subjects: 1_000, rights_requests: 50 },
  starter: { processing_activities: 100_000, data_subjects: 10_000, rights_requests: 500 },
  business: { processing_activities: 1_000_000, data_subjects: 100_000, rights_requests: 5_000 },
  enterprise: { processing_activities: null, data_subjects: null, rights_requests: null },
};

/** Limits of `plan`; an unknown plan is held to the trial's (the smallest). */
export function limitsOf(plan: string): PlanLimits {
  return PLAN_LIMITS[plan] ?? PLAN_LIMITS.trial;
}

export const METRIC_LABELS: Record<UsageMetric, string> = {
  processing_activities: "processing activities recorded",
  data_subjects: "data subjects held",
  rights_requests: "rights requests received",
};

/** The calendar month before the one `now` falls in, UTC: [start, end) and its label. */
export function previousMonth(now: Date): { start: Date; end: Date; label: string; lastDay: string } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1));
  const lastDay = new Date(end.getTime() - 24 * 3_600_000).toISOString().slice(0, 10);
  return { start, end, label: start.toISOString().slice(0, 7), lastDay };
}
