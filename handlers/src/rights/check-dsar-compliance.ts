/**
 * dsar_compliance_check (daily 08:00): every open request that is overdue or
 * due within 7 days goes to the organization's DPO in one e-mail
 * (privacy-domain.md 3.3 [policy] DPO alerts; overdue = not completed and now
 * past the extended deadline, else the legal one). Without a DPO address the
 * owners and admins get it. One alert per organization per UTC day (the
 * idempotency key), so a retried or repeated run sends nothing more.
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import { displayDate, requestLabel, rightsEmail } from "./request-context";

export const ALERT_HORIZON_DAYS = 7;
const MAX_REQUESTS = 5000;

export interface ComplianceCheckDeps {
  sdk: Pick<HandlersSdk, "FindDsarDeadlines" | "InsertEmailOutbox">;
  secretKeys: SecretKeyRing;
  appBaseUrl: string;
  now: () => Date;
  onEmailQueued?: () => void;
}

export interface ComplianceCheckResult {
  organizations: number;
  overdue: number;
  dueSoon: number;
  emailsQueued: number;
}

const DAY_MS = 86_400_000;

export async function checkDsarCompliance(deps: ComplianceCheckDeps): Promise<ComplianceCheckResult> {
  const now = deps.now();
  const horizon = new Date(now.getTime() + ALERT_HORIZON_DAYS * DAY_MS);
  const rows = (await deps.sdk.FindDsarDeadlines({ horizon: horizon.toISOString(), limit: MAX_REQUESTS })).dataSubjectRightsRequests;
  const byController = new Map<string, typeof rows>();
  for (const row of rows) byController.set(row.controllerId, [...(byController.get(row.controllerId) ?? []), row]);

  const day = now.toISOString().slice(0, 10);
  const emails: Record<string, unknown>[] = [];
  let overdueCount = 0;
  let dueSoonCount = 0;
  for (const [controllerId, requests] of byController) {
    const controller = requests[0].controller;
    const tz = controller.details?.timezone;
    const overdue: string[] = [];
    const dueSoon: string[] = [];
    for (const r of requests) {
      const due = r.extended ? r.extendedDueAt : r.dueAt;
      if (!due) continue;
      const dueTime = new Date(due).getTime();
      const days = Math.ceil(Math.abs(dueTime - now.getTime()) / DAY_MS);
      const line = `${requestLabel(r.requestType)} (${r.regime}, ${r.status}) received ${displayDate(r.receivedAt, tz)}, due ${displayDate(due, tz)}${r.extended ? " (extended)" : ""}: ${
        dueTime < now.getTime() ? `${days} day(s) overdue` : `${days} day(s) left`
      } - ${deps.appBaseUrl}/rights-requests/${r.id}`;
      if (dueTime < now.getTime()) overdue.push(line);
      else dueSoon.push(line);
    }
    overdueCount += overdue.length;
    dueSoonCount += dueSoon.length;
    if (overdue.length + dueSoon.length === 0) continue;
    const recipients = controller.details?.dpoEmail ? [controller.details.dpoEmail] : controller.members.map((m) => m.user.email);
    const organization = controller.details?.legalName ?? controller.title;
    for (const to of [...new Set(recipients.map((a) => a.toLowerCase()))]) {
      emails.push(
        rightsEmail(deps.secretKeys, now, {
          controllerId,
          to,
          template: "dsar_compliance_alert",
          variables: { organization, overdue, dueSoon, dashboardUrl: `${deps.appBaseUrl}/rights-requests` },
          idempotencyKey: `dsar_compliance_check:${controllerId}:${day}:${to}`,
        }),
      );
    }
  }
  let queued = 0;
  if (emails.length > 0) {
    queued = (await deps.sdk.InsertEmailOutbox({ objects: emails })).insertEmailOutbox?.affected_rows ?? 0;
    if (queued > 0) deps.onEmailQueued?.();
  }
  return { organizations: byController.size, overdue: overdueCount, dueSoon: dueSoonCount, emailsQueued: queued };
}
