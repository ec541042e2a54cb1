/**
 * Retention policy execution (GDPR Art. 5(1)(e) storage limitation;
 * privacy-domain.md 10.1 [policy]): for each rule of an organization not under
 * legal hold, processing activities of the rule's purpose older than
 * `retention_days` are deleted (action "delete") or detached from the person
 * (action "anonymize": the accountability record stays without a subject,
 * as erasure leaves it), and pseudonymous link rows of the rule's data
 * category (an identifier type such as "email") not seen since the cut-off
 * are deleted. Each rule runs in one transaction and is stamped with
 * `last_run_at`; the run is logged per rule with counts only.
 */
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";

export interface RetentionDeps {
  sdk: Pick<HandlersSdk, "FindRetentionPolicies" | "ApplyRetentionPolicy">;
  logger: Logger;
  now: () => Date;
}

export interface RetentionRuleOutcome {
  policyId: string;
  skipped?: "legal_hold";
  activitiesDeleted: number;
  activitiesAnonymized: number;
  linksDeleted: number;
}

const DAY_MS = 24 * 3_600_000;
/** Matches no row: a rule without a purpose touches no activity, one without a category no link. */
const NOTHING = { id: { _is_null: true } };

/** Runs the organization's rules (or only `policyId`); a repeat removes nothing new. */
export async function executeRetentionPolicies(input: { controllerId: string; policyId?: string }, deps: RetentionDeps): Promise<RetentionRuleOutcome[]> {
  const { retentionPolicies } = await deps.sdk.FindRetentionPolicies({ controllerId: input.controllerId });
  const outcomes: RetentionRuleOutcome[] = [];
  for (const rule of retentionPolicies) {
    if (input.policyId && rule.id !== input.policyId) continue;
    if (rule.legalHold) {
      outcomes.push({ policyId: rule.id, skipped: "legal_hold", activitiesDeleted: 0, activitiesAnonymized: 0, linksDeleted: 0 });
      continue;
    }
    const ranAt = deps.now();
    const cutoff = new Date(ranAt.getTime() - rule.retentionDays * DAY_MS).toISOString();
    const anonymize = rule.action === "anonymize";
    const activityWhere = rule.purposeId
      ? {
          controllerId: { _eq: input.controllerId },
          purposeId: { _eq: rule.purposeId },
          triggeredAt: { _lt: cutoff },
          // Anonymizing an already detached activity would count it again.
          ...(anonymize ? { dataSubjectId: { _is_null: false } } : {}),
        }
      : NOTHING;
    const linkWhere = rule.dataCategory
      ? { controllerId: { _eq: input.controllerId }, identifierType: { _eq: rule.dataCategory }, lastSeenAt: { _lt: cutoff } }
      : NOTHING;
    const result = await deps.sdk.ApplyRetentionPolicy({
      policyId: rule.id,
      activityWhere,
      deleteActivities: !anonymize && rule.purposeId !== null,
      anonymizeActivities: anonymize && rule.purposeId !== null,
      linkWhere,
      ranAt: ranAt.toISOString(),
    });
    const outcome: RetentionRuleOutcome = {
      policyId: rule.id,
      activitiesDeleted: result.deleteDataProcessingActivities?.affected_rows ?? 0,
      activitiesAnonymized: result.updateDataProcessingActivities?.affected_rows ?? 0,
      linksDeleted: result.deletePrivacyPreservingLinks?.affected_rows ?? 0,
    };
    deps.logger.info({ controllerId: input.controllerId, ...outcome, retentionDays: rule.retentionDays, action: rule.action }, "retention rule applied");
    outcomes.push(outcome);
  }
  return outcomes;
}
