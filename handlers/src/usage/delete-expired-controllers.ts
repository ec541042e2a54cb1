/**
 * delete_expired_controllers (daily, 00:00 UTC): trial organizations whose
 * trial ends within NOTICE_DAYS get a notice (owners and admins, through the
 * outbox, once: idempotency key per organization and expiry date); an
 * organization whose trial has expired is deleted, with everything it owns
 * (the foreign keys cascade, hasura/README.md "Deliberate delete
 * behaviour"), once its notice went out at least NOTICE_DAYS earlier (sent,
 * or given up by the sender after its retries). The delete is
 * conditional on the organization still being an expired trial, so an
 * upgrade between the read and the delete keeps it; a rerun finds nothing.
 */
import { notifyControllerAdmins, type NoticeJobDeps } from "../scheduling/notify-admins";

export const NOTICE_DAYS = 7;
const DAY_MS = 24 * 3_600_000;
const PAGE = 200;
const MAX_PAGES = 50;

export type ExpiryDeps = NoticeJobDeps<"FindExpiredTrials" | "FindEmailsByKeyPrefix" | "DeleteExpiredController">;

export interface ExpiryResult {
  noticesQueued: number;
  deleted: number;
  /** Expired but still inside the notice period (or the notice not yet sent). */
  waiting: number;
}

function noticeKey(controllerId: string, expiresAt: string): string {
  return `trial-expiry:${controllerId}:${new Date(expiresAt).toISOString()}`;
}

/** `%`, `_` and `\\` are LIKE wildcards; keys are uuids and ISO times, escaped anyway. */
function likePrefix(key: string): string {
  return `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
}

export async function deleteExpiredControllers(deps: ExpiryDeps): Promise<ExpiryResult> {
  const now = deps.now();
  const result: ExpiryResult = { noticesQueued: 0, deleted: 0, waiting: 0 };
  const horizon = new Date(now.getTime() + NOTICE_DAYS * DAY_MS).toISOString();
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page += 1) {
    // Organizations kept (still in their notice period) stay in the answer: ask past them.
    const limit = PAGE + seen.size;
    const { dataControllers } = await deps.sdk.FindExpiredTrials({ before: horizon, limit });
    const todo = dataControllers.filter((c) => !seen.has(c.id));
    if (todo.length === 0) break;
    for (const controller of todo) {
      seen.add(controller.id);
      const key = noticeKey(controller.id, controller.trialExpiresAt);
      const expiresAt = Date.parse(controller.trialExpiresAt);
      const notice = await notifyControllerAdmins(
        {
          controllerId: controller.id,
          template: "trial_expiry_notice",
          idempotencyKey: key,
          variables: (organization, recipient) => ({
            organization,
            displayName: recipient.displayName,
            expiresAt: controller.trialExpiresAt.slice(0, 10),
            deletesAfter: new Date(Math.max(expiresAt, now.getTime() + NOTICE_DAYS * DAY_MS)).toISOString().slice(0, 10),
            billingUrl: new URL("/settings/billing", deps.appBaseUrl).toString(),
          }),
        },
        deps,
      );
      result.noticesQueued += notice.queued;
      if (expiresAt > now.getTime()) continue;
      const notices = (await deps.sdk.FindEmailsByKeyPrefix({ pattern: likePrefix(key) })).emailOutbox;
      const handled = notices.every((n) => n.status === "sent" || n.status === "failed");
      // The period runs from when the notice went out (sentAt, stamped by the sender's clock;
      // createdAt for one given up after its retries). Without owners or admins there is
      // nobody to notify: it runs from the expiry.
      const noticeStart = notices.length > 0 ? Math.min(...notices.map((n) => Date.parse(n.sentAt ?? n.createdAt))) : expiresAt;
      if (!handled || now.getTime() - noticeStart < NOTICE_DAYS * DAY_MS) {
        result.waiting += 1;
        continue;
      }
      const deleted = await deps.sdk.DeleteExpiredController({ id: controller.id, expiredBefore: now.toISOString() });
      if ((deleted.deleteDataControllers?.affected_rows ?? 0) > 0) {
        result.deleted += 1;
        deps.logger.info({ controllerId: controller.id, trialExpiresAt: controller.trialExpiresAt }, "expired trial organization deleted");
      }
    }
    if (dataControllers.length < limit) break;
  }
  return result;
}
