/**
 * Event trigger data_controller_users_update (update of role or status):
 * notify the member of their new access (users/notify-membership-change.ts).
 */
import { z } from "zod";
import { notifyMembershipChange } from "../users/notify-membership-change";
import type { EventModule } from "./define";
import type { HandlerServices } from "./services";

const MembershipRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid(), user_id: z.string().uuid(), role: z.string(), status: z.string() });

export const data_controller_users_update: EventModule<typeof MembershipRowSchema, HandlerServices> = {
  name: "data_controller_users_update",
  rowSchema: MembershipRowSchema,
  async handle(event, services, ctx) {
    const { old: before, new: after } = event.event.data;
    if (!after) return { outcome: "ignored", reason: "no new row" };
    const result = await notifyMembershipChange(
      { membershipId: after.id, eventId: event.id, old: before ? { role: before.role, status: before.status } : null, new: { role: after.role, status: after.status } },
      { ...services, now: ctx.now, onQueued: services.onEmailQueued },
    );
    ctx.logger.info({ membershipId: after.id, controllerId: after.controller_id, userId: after.user_id, previousRole: before?.role, previousStatus: before?.status, ...result }, "membership change handled");
    return { ...result };
  },
};
