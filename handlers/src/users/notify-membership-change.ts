/**
 * notifyMembershipChange (data_controller_users_update, update of role or
 * status): tells the member what their access is now. Access itself needs no
 * copying: every user-role permission filters through data_controller_users
 * (hasura/README.md permission matrix), so the change is effective at once.
 * Tag manager accounts hold no per-user grants in this schema
 * (tag_manager_accounts has none), so there is nothing to sync there.
 * The e-mail's key is the Hasura event id, so a redelivery sends nothing more
 * while a later change (a new event) does notify.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { enqueueEmails, type EnqueueDeps } from "../mail/outbox";
import { defaultDisplayName } from "./onboard-user";

export interface NotifyMembershipDeps extends EnqueueDeps {
  sdk: Pick<HandlersSdk, "FindMembership"> & EnqueueDeps["sdk"];
  appBaseUrl: string;
}

export type NotifyMembershipResult = { outcome: "membership_gone" } | { outcome: "unchanged" } | { outcome: "notified"; queued: boolean; role: string; status: string };

export async function notifyMembershipChange(
  input: { membershipId: string; eventId: string; old: { role: string; status: string } | null; new: { role: string; status: string } },
  deps: NotifyMembershipDeps,
): Promise<NotifyMembershipResult> {
  if (input.old && input.old.role === input.new.role && input.old.status === input.new.status) return { outcome: "unchanged" };
  const { dataControllerUser: membership } = await deps.sdk.FindMembership({ id: input.membershipId });
  if (!membership) return { outcome: "membership_gone" };
  const queued = await enqueueEmails(
    [
      {
        controllerId: membership.controller.id,
        to: membership.user.email,
        template: "member_updated",
        variables: {
          organization: membership.controller.title,
          displayName: membership.user.displayName ?? defaultDisplayName(membership.user.email),
          role: membership.role,
          status: membership.status,
          dashboardUrl: new URL("/", deps.appBaseUrl).toString(),
        },
        locale: membership.user.locale,
        idempotencyKey: `membership-changed:${input.eventId}`,
      },
    ],
    deps,
  );
  return { outcome: "notified", queued: queued > 0, role: membership.role, status: membership.status };
}
