/**
 * Event trigger data_controller_create_user (team_invitations insert,
 * restricted payload): issue the invitation token and e-mail, and provision
 * access for an existing account (users/issue-invitation.ts).
 */
import { z } from "zod";
import { issueInvitation } from "../users/issue-invitation";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const InvitationRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid(), email: z.string().min(3), role: z.string() });

export const data_controller_create_user: EventModule<typeof InvitationRowSchema, HandlerServices> = {
  name: "data_controller_create_user",
  rowSchema: InvitationRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_controller_create_user");
    const result = await issueInvitation({ invitationId: row.id, email: row.email }, { ...services, now: ctx.now });
    ctx.logger.info({ invitationId: row.id, controllerId: row.controller_id, role: row.role, ...result }, "invitation handled");
    return { ...result };
  },
};
