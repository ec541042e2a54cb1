/**
 * What a due scheduled event does, by its `reference` (the list:
 * rights request deadline reminders, consent renewal notices, retention
 * policy execution; plus the periodic record-of-processing review the seeds
 * schedule). Every effect is idempotent per occurrence: e-mails carry
 * `scheduled:<event id>:<occurrence time>` as idempotency key, retention
 * deletes only what is past its cut-off, and the `regenerate_documents` and
 * `regenerate_purposes` jobs a profile edit queues store a document version
 * only when its text changed (documents/regenerate-after-profile-change.ts).
 * References not listed here (`consent_collection`) belong to other handlers
 * and are never picked up by this runner.
 */
import type { OperationResult } from "../adapters/sdk";
import { regenerateAfterProfileChange, type RegenerationDeps, type RegenerationOutcome } from "../documents/regenerate-after-profile-change";
import { notifyControllerAdmins, type NoticeJobDeps } from "./notify-admins";
import { executeRetentionPolicies } from "./retention";

export type DueEvent = OperationResult<"FindDueScheduledEvents">["scheduledEvents"][number];

export const SCHEDULED_REFERENCES = ["dsar_deadline_reminder", "consent_renewal", "retention_policy_execution", "ropa_review", "regenerate_documents", "regenerate_purposes"] as const;
export type ScheduledReference = (typeof SCHEDULED_REFERENCES)[number];

export function isScheduledReference(value: string | null): value is ScheduledReference {
  return value !== null && (SCHEDULED_REFERENCES as readonly string[]).includes(value);
}

/** Statuses after which a rights request needs no reminder. */
const CLOSED_REQUEST_STATUSES: ReadonlySet<string> = new Set(["completed", "refused", "cancelled"]);

export type RunEventDeps = NoticeJobDeps<"FindRightsRequestDeadline" | "FindRetentionPolicies" | "ApplyRetentionPolicy" | keyof RegenerationDeps["sdk"]>;

export type RunOutcome =
  | { outcome: "notified"; recipients: number; queued: number }
  | { outcome: "skipped"; reason: string }
  | { outcome: "retention_applied"; rules: number; activitiesDeleted: number; activitiesAnonymized: number; linksDeleted: number }
  | RegenerationOutcome;

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

export async function runScheduledEvent(event: DueEvent & { reference: ScheduledReference }, deps: RunEventDeps): Promise<RunOutcome> {
  const key = `scheduled:${event.id}:${new Date(event.nextEventAt).toISOString()}`;
  const dashboardUrl = new URL("/dashboard", deps.appBaseUrl).toString();
  const remind = async (dueAt?: string): Promise<RunOutcome> => {
    const r = await notifyControllerAdmins(
      {
        controllerId: event.controllerId,
        template: "scheduled_reminder",
        idempotencyKey: key,
        variables: (organization, recipient) => ({ organization, displayName: recipient.displayName, title: event.title, message: event.message ?? "", dashboardUrl, ...(dueAt ? { dueAt } : {}) }),
      },
      deps,
    );
    return { outcome: "notified", ...r };
  };

  switch (event.reference) {
    case "dsar_deadline_reminder": {
      if (event.ownerType !== "data_subject_rights_request") return { outcome: "skipped", reason: "owner_not_a_rights_request" };
      const request = (await deps.sdk.FindRightsRequestDeadline({ id: event.ownerId })).dataSubjectRightsRequest;
      if (!request) return { outcome: "skipped", reason: "request_gone" };
      if (CLOSED_REQUEST_STATUSES.has(request.status) || request.completedAt) return { outcome: "skipped", reason: "request_closed" };
      // The deadline that binds now: an extension replaces the legal one (privacy-domain.md 3.3).
      const due = request.extendedDueAt ?? request.dueAt ?? request.targetDueAt;
      return remind(due ? dateOnly(due) : undefined);
    }
    case "consent_renewal":
    case "ropa_review":
      return remind();
    case "retention_policy_execution": {
      const policyId = typeof event.payload.retentionPolicyId === "string" ? event.payload.retentionPolicyId : undefined;
      const rules = await executeRetentionPolicies({ controllerId: event.controllerId, policyId }, deps);
      return {
        outcome: "retention_applied",
        rules: rules.filter((r) => !r.skipped).length,
        activitiesDeleted: rules.reduce((n, r) => n + r.activitiesDeleted, 0),
        activitiesAnonymized: rules.reduce((n, r) => n + r.activitiesAnonymized, 0),
        linksDeleted: rules.reduce((n, r) => n + r.linksDeleted, 0),
      };
    }
    case "regenerate_documents":
    case "regenerate_purposes":
      return regenerateAfterProfileChange(event.reference, event.controllerId, deps);
  }
}
