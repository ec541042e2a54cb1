/**
 * deliverDueEmails: one pass of the outbox sender. It reads due messages
 * (pending, or failed and due for a retry, or stuck in `sending` by a process
 * that died), claims each with a conditional update (status and attempt count
 * must still be what was read, so two replicas never send one message twice
 * in a pass), decrypts and renders it, sends it over SMTP and records the
 * outcome. A failed send is retried with exponential backoff until
 * `maxAttempts`; the error stored is the SMTP code and a message with any
 * address removed.
 */
import { decryptSecret, type SecretKeyRing } from "../../../common/src/crypto";
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { OUTBOX_CONTEXT } from "./outbox";
import { isTemplateName, renderEmail } from "./templates";

/** What the sender needs from nodemailer (a Transporter fits). */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; html: string; headers: Record<string, string> }): Promise<{ messageId?: string }>;
}

export interface DeliverDeps {
  sdk: Pick<HandlersSdk, "FindDueEmails" | "ClaimEmail" | "MarkEmailSent" | "MarkEmailFailed">;
  transport: MailTransport;
  secretKeys: SecretKeyRing;
  from: string;
  now: () => Date;
  logger: Logger;
  /** Give up after this many attempts (default 8). */
  maxAttempts?: number;
  /** Messages per pass (default 50). */
  batchSize?: number;
  /** A `sending` row older than this is taken back (default 5 minutes). */
  staleAfterMs?: number;
}

export interface DeliverStats {
  sent: number;
  failed: number;
  skipped: number;
}

/** Retry delay after `attempts` failed sends: 30 s, 1 min, 2 min ... capped at 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

const EMAIL_PATTERN = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

/** An SMTP error reduced to what may be stored and logged: code and message without addresses. */
export function describeSendError(err: unknown): string {
  // Duck-typed: errors raised inside node's net module may come from another realm.
  if (typeof err !== "object" || err === null || typeof (err as { message?: unknown }).message !== "string") return "send failed";
  const details = err as { message: string; code?: unknown; responseCode?: unknown };
  const code = [details.code, details.responseCode].filter((c) => typeof c === "string" || typeof c === "number").join(" ");
  const message = details.message.replace(EMAIL_PATTERN, "<address>").slice(0, 300);
  return code ? `${code}: ${message}` : message;
}

export async function deliverDueEmails(deps: DeliverDeps): Promise<DeliverStats> {
  const maxAttempts = deps.maxAttempts ?? 8;
  const now = deps.now();
  const due = await deps.sdk.FindDueEmails({
    now: now.toISOString(),
    staleBefore: new Date(now.getTime() - (deps.staleAfterMs ?? 5 * 60_000)).toISOString(),
    maxAttempts,
    limit: deps.batchSize ?? 50,
  });
  const stats: DeliverStats = { sent: 0, failed: 0, skipped: 0 };
  for (const row of due.emailOutbox) {
    const claim = await deps.sdk.ClaimEmail({ id: row.id, status: row.status, attempts: row.attempts });
    if ((claim.updateEmailOutbox?.affected_rows ?? 0) === 0) {
      stats.skipped += 1;
      continue;
    }
    const attempt = row.attempts + 1;
    const log = deps.logger.child({ emailId: row.id, template: row.template, attempt });
    try {
      if (!isTemplateName(row.template)) throw new Error(`unknown template "${row.template}"`);
      const to = decryptSecret(row.recipientEncrypted, deps.secretKeys, OUTBOX_CONTEXT.recipient);
      const variables: unknown = row.variablesEncrypted ? JSON.parse(decryptSecret(row.variablesEncrypted, deps.secretKeys, OUTBOX_CONTEXT.variables)) : {};
      const rendered = renderEmail(row.template, variables);
      const info = await deps.transport.sendMail({ from: deps.from, to, ...rendered, headers: { "X-Outbox-Id": row.id } });
      await deps.sdk.MarkEmailSent({ id: row.id, sentAt: deps.now().toISOString(), messageId: info.messageId ?? null });
      stats.sent += 1;
      log.info("e-mail sent");
    } catch (err: unknown) {
      const reason = describeSendError(err);
      const giveUp = attempt >= maxAttempts;
      await deps.sdk.MarkEmailFailed({
        id: row.id,
        error: reason,
        nextAttemptAt: new Date(deps.now().getTime() + retryDelayMs(attempt)).toISOString(),
      });
      stats.failed += 1;
      if (giveUp) log.error({ reason }, "e-mail abandoned after the last attempt");
      else log.warn({ reason }, "e-mail send failed; will retry");
    }
  }
  return stats;
}
