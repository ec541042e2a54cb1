/**
 * The e-mail outbox (public.email_outbox): every message is written there
 * first and sent from there (deliver-due-emails.ts), so a send can be audited
 * and is not lost when SMTP is down. The recipient and the template variables
 * (which may hold links with tokens) are stored only AES-256-GCM encrypted
 * (privacy-domain.md 12.2: raw identifiers only where a function needs them,
 * encrypted), each bound to its column. Handlers are retried, so each message
 * carries an idempotency key derived from what it is about: the unique
 * constraint makes a second insert a no-op.
 */
import { encryptSecret, type SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import type { TemplateName, TemplateVariables } from "./templates";

/** AES-GCM additional data per column, so ciphertexts cannot be swapped between columns. */
export const OUTBOX_CONTEXT = {
  recipient: "email_outbox.recipient_encrypted",
  variables: "email_outbox.variables_encrypted",
} as const;

export interface OutboxMessage<T extends TemplateName = TemplateName> {
  controllerId: string | null;
  to: string;
  template: T;
  variables: TemplateVariables<T>;
  locale?: string;
  /** Same logical e-mail, same key (e.g. `invitation:<id>`). */
  idempotencyKey: string;
  /** Not before this time (sequences); default now. */
  sendAfter?: Date;
}

/** The emailOutbox insert input for `message` (for handlers that insert it inside their own mutation). */
export function outboxRow(message: OutboxMessage, keys: SecretKeyRing, now: Date): Record<string, unknown> {
  return {
    controllerId: message.controllerId,
    recipientEncrypted: encryptSecret(message.to, keys, OUTBOX_CONTEXT.recipient),
    template: message.template,
    locale: message.locale ?? "en",
    variablesEncrypted: encryptSecret(JSON.stringify(message.variables), keys, OUTBOX_CONTEXT.variables),
    status: "pending",
    nextAttemptAt: (message.sendAfter ?? now).toISOString(),
    idempotencyKey: message.idempotencyKey,
  };
}

export interface EnqueueDeps {
  sdk: Pick<HandlersSdk, "InsertEmailOutbox">;
  secretKeys: SecretKeyRing;
  now: () => Date;
  /** Wakes the sender so a new message goes out at once rather than at the next poll. */
  onQueued?: () => void;
}

/** Queues messages; resolves with how many were new (0 for a redelivered handler). */
export async function enqueueEmails(messages: readonly OutboxMessage[], deps: EnqueueDeps): Promise<number> {
  if (messages.length === 0) return 0;
  const now = deps.now();
  const result = await deps.sdk.InsertEmailOutbox({ objects: messages.map((m) => outboxRow(m, deps.secretKeys, now)) });
  const queued = result.insertEmailOutbox?.affected_rows ?? 0;
  if (queued > 0) deps.onQueued?.();
  return queued;
}
