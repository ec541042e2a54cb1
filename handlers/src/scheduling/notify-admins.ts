/**
 * Operational notices to an organization's active owners and admins, always
 * through the e-mail outbox (mail/outbox.ts), never straight to SMTP. Each
 * recipient's message carries `<key>:<user id>` as idempotency key, so a
 * retried or overlapping cron run queues nothing twice.
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { enqueueEmails, type OutboxMessage } from "../mail/outbox";
import type { TemplateName, TemplateVariables } from "../mail/templates";

export interface NotifyDeps {
  sdk: Pick<HandlersSdk, "FindControllerAdmins" | "InsertEmailOutbox">;
  secretKeys: SecretKeyRing;
  now: () => Date;
  onEmailQueued?: () => void;
}

/** What a job that sends notices needs besides its own operations. */
export interface NoticeJobDeps<Ops extends keyof HandlersSdk> extends NotifyDeps {
  sdk: Pick<HandlersSdk, Ops | "FindControllerAdmins" | "InsertEmailOutbox">;
  /** Base of links in the notices (HANDLERS_APP_BASE_URL). */
  appBaseUrl: string;
  logger: Logger;
}

export interface Recipient {
  userId: string;
  displayName: string;
}

export interface NoticeResult {
  /** Owners and admins the notice is addressed to. */
  recipients: number;
  /** Messages newly queued (0 on a repeat). */
  queued: number;
}

/**
 * Queues one message per active owner/admin of `controllerId`; `variables`
 * builds each recipient's variables. Resolves with zero recipients when the
 * organization no longer exists.
 */
export async function notifyControllerAdmins<T extends TemplateName>(
  input: { controllerId: string; template: T; idempotencyKey: string; variables: (organization: string, recipient: Recipient) => TemplateVariables<T> },
  deps: NotifyDeps,
): Promise<NoticeResult> {
  const found = await deps.sdk.FindControllerAdmins({ controllerId: input.controllerId });
  const controller = found.dataController;
  if (!controller) return { recipients: 0, queued: 0 };
  const messages: OutboxMessage[] = found.dataControllerUsers.map(({ user }) => {
    const recipient = { userId: user.id, displayName: user.displayName ?? user.email.split("@")[0] };
    return {
      controllerId: controller.id,
      to: user.email,
      template: input.template,
      locale: user.locale,
      variables: input.variables(controller.title, recipient),
      idempotencyKey: `${input.idempotencyKey}:${user.id}`,
    };
  });
  const queued = await enqueueEmails(messages, { sdk: deps.sdk, secretKeys: deps.secretKeys, now: deps.now, onQueued: deps.onEmailQueued });
  return { recipients: messages.length, queued };
}
