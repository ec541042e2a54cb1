/**
 * onboardUser (auth_users_insert): a new platform account gets
 * - a display name when it has none (the address's local part: the account
 *   holder's own data, shown only to them and their organizations);
 * - the memberships its pending invitations grant (matched on the address,
 *   case-insensitively, and made before the account), the invitations marked
 *   accepted;
 * - a verification e-mail with a signed, expiring link, unless the address is
 *   already verified.
 * Everything goes in one mutation; each part is idempotent (where-guards,
 * on_conflict, the e-mail's idempotency key `email-verification:<user id>`).
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import { outboxRow } from "../mail/outbox";
import { EMAIL_VERIFICATION_TTL_HOURS, issueEmailVerificationToken } from "./email-verification-token";
import { exactIlike } from "./ilike";

export interface OnboardUserDeps {
  sdk: Pick<HandlersSdk, "FindUser" | "FindPendingInvitations" | "OnboardUser">;
  secretKeys: SecretKeyRing;
  appBaseUrl: string;
  now: () => Date;
  onEmailQueued?: () => void;
}

export type OnboardUserResult =
  | { outcome: "user_gone" }
  | { outcome: "onboarded"; membershipsGranted: number; invitationsAccepted: number; verificationQueued: boolean };

export function defaultDisplayName(email: string): string {
  const local = email.slice(0, email.lastIndexOf("@")).trim();
  return local.length > 0 ? local.slice(0, 100) : "there";
}

export async function onboardUser(userId: string, deps: OnboardUserDeps): Promise<OnboardUserResult> {
  const now = deps.now();
  // The row's e-mail is read from the API, not the event payload: the account may have changed since.
  const { user } = await deps.sdk.FindUser({ id: userId });
  if (!user) return { outcome: "user_gone" };
  // Only invitations that existed when the account was created: a later one
  // is data_controller_create_user's to handle (it provisions the existing
  // account), so a redelivery of this event never grants anything new.
  const { teamInvitations } = await deps.sdk.FindPendingInvitations({ emailPattern: exactIlike(user.email), now: now.toISOString(), createdBefore: user.createdAt });

  const emails = [];
  if (!user.emailVerified) {
    const token = await issueEmailVerificationToken({ userId, email: user.email, now }, deps.secretKeys);
    const verifyUrl = new URL("/verify-email", deps.appBaseUrl);
    verifyUrl.searchParams.set("token", token);
    emails.push(
      outboxRow(
        {
          controllerId: null,
          to: user.email,
          template: "email_verification",
          variables: { displayName: user.displayName ?? defaultDisplayName(user.email), verifyUrl: verifyUrl.toString(), expiresInHours: EMAIL_VERIFICATION_TTL_HOURS },
          locale: user.locale,
          idempotencyKey: `email-verification:${userId}`,
        },
        deps.secretKeys,
        now,
      ),
    );
  }
  const result = await deps.sdk.OnboardUser({
    id: userId,
    displayName: defaultDisplayName(user.email),
    memberships: teamInvitations.map((i) => ({ controllerId: i.controllerId, userId, role: i.role, status: "active" })),
    invitationIds: teamInvitations.map((i) => i.id),
    acceptedAt: now.toISOString(),
    withInvitations: teamInvitations.length > 0,
    emails,
    withEmails: emails.length > 0,
  });
  const queued = result.insertEmailOutbox?.affected_rows ?? 0;
  if (queued > 0) deps.onEmailQueued?.();
  return {
    outcome: "onboarded",
    membershipsGranted: result.insertDataControllerUsers?.affected_rows ?? 0,
    invitationsAccepted: result.updateTeamInvitations?.affected_rows ?? 0,
    verificationQueued: queued > 0,
  };
}
