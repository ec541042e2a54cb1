/**
 * Event trigger webhook_intake_insert (public.webhook_intake, insert):
 * resolve the data subject from the hashed identifiers and record the
 * processing activity (hasura/README.md, ARCHITECTURE.md flow step 2).
 */
import { IntakeRowSchema, processIntakeEvent } from "../intake/process-intake-event";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

export const webhook_intake_insert: EventModule<typeof IntakeRowSchema, HandlerServices> = {
  name: "webhook_intake_insert",
  rowSchema: IntakeRowSchema,
  async handle(event, deps, ctx) {
    const row = rowOf(event, "webhook_intake_insert");
    const result = await processIntakeEvent(row, { sdk: deps.sdk, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ intakeId: row.id, service: row.service, eventType: row.event_type, fieldTypes: row.field_types, ...result }, "intake event processed");
    return { ...result };
  },
};
