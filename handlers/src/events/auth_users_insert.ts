/**
 * Event trigger auth_users_insert: verification e-mail, default profile,
 * pending invitations turned into memberships (users/onboard-user.ts).
 */
import { z } from "zod";
import { onboardUser } from "../users/onboard-user";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const UserRowSchema = z.object({ id: z.string().uuid() });

export const auth_users_insert: EventModule<typeof UserRowSchema, HandlerServices> = {
  name: "auth_users_insert",
  rowSchema: UserRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "auth_users_insert");
    const result = await onboardUser(row.id, { ...services, now: ctx.now });
    ctx.logger.info({ userId: row.id, ...result }, "user onboarded");
    return { ...result };
  },
};
