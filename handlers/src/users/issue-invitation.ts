/**
 * issueInvitation (data_controller_create_user, team_invitations insert):
 * - a single-use token (256 random bits) is mailed to the invitee; only its
 *   SHA-256 is stored (team_invitations.token_hash);
 * - when an account with the address exists, access is provisioned at once
 *   (membership with the invited role); otherwise auth_users_insert grants it
 *   when the account is created (users/onboard-user.ts).
 * Idempotent: an invitation that has a token hash, or is no longer pending,
 * is left alone, and the e-mail's key is `invitation:<id>`.
 */
import { randomBytes } from "node:crypto";
import { hashSecretKey, type SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import { outboxRow } from "../mail/outbox";
import { exactIlike } from "./ilike";

export interface IssueInvitationDeps {
  sdk: Pick<HandlersSdk, "FindInvitationContext" | "IssueInvitation">;
  secretKeys: SecretKeyRing;
  appBaseUrl: string;
  now: () => Date;
  onEmailQueued?: () => void;
}

export type IssueInvitationResult =
  | { outcome: "invitation_gone" }
  | { outcome: "skipped"; reason: "not_pending" | "already_issued" }
  | { outcome: "issued"; membershipProvisioned: boolean };

export async function issueInvitation(input: { invitationId: string; email: string }, deps: IssueInvitationDeps): Promise<IssueInvitationResult> {
  const context = await deps.sdk.FindInvitationContext({ id: input.invitationId, emailPattern: exactIlike(input.email) });
  const invitation = context.teamInvitation;
  if (!invitation) return { outcome: "invitation_gone" };
  if (invitation.status !== "pending") return { outcome: "skipped", reason: "not_pending" };
  if (invitation.tokenHash !== null) return { outcome: "skipped", reason: "already_issued" };

  const now = deps.now();
  const token = randomBytes(32).toString("base64url");
  const acceptUrl = new URL("/invitations/accept", deps.appBaseUrl);
  acceptUrl.searchParams.set("token", token);
  const existing = context.users[0];
  const result = await deps.sdk.IssueInvitation({
    id: invitation.id,
    tokenHash: hashSecretKey(token),
    email: outboxRow(
      {
        controllerId: invitation.controllerId,
        to: invitation.email,
        template: "team_invitation",
        variables: {
          organization: invitation.controller.title,
          inviterName: invitation.invitedBy?.displayName ?? "A team member",
          role: invitation.role,
          acceptUrl: acceptUrl.toString(),
          expiresAt: new Date(invitation.expiresAt).toISOString().slice(0, 10),
        },
        idempotencyKey: `invitation:${invitation.id}`,
      },
      deps.secretKeys,
      now,
    ),
    memberships: existing ? [{ controllerId: invitation.controllerId, userId: existing.id, role: invitation.role, status: "active" }] : [],
    withMembership: existing !== undefined,
  });
  if (result.insertEmailOutboxMessage) deps.onEmailQueued?.();
  return { outcome: "issued", membershipProvisioned: (result.insertDataControllerUsers?.affected_rows ?? 0) > 0 };
}
