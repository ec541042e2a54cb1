/**
 * Event trigger data_controllers_insert (restricted payload: no key hashes or
 * ciphertexts): set up a new organization (controllers/initialize-controller.ts).
 * The creator is the inserting session's x-hasura-user-id.
 */
import { z } from "zod";
import { initializeController } from "../controllers/initialize-controller";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const ControllerRowSchema = z.object({ id: z.string().uuid(), title: z.string() });
const UserIdSchema = z.string().uuid();

export const data_controllers_insert: EventModule<typeof ControllerRowSchema, HandlerServices> = {
  name: "data_controllers_insert",
  rowSchema: ControllerRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_controllers_insert");
    const creator = UserIdSchema.safeParse(event.event.session_variables?.["x-hasura-user-id"]);
    const result = await initializeController(
      { controllerId: row.id, creatorUserId: creator.success ? creator.data : null },
      { ...services, now: ctx.now },
    );
    ctx.logger.info({ controllerId: row.id, ...result }, "organization initialized");
    return { ...result };
  },
};
