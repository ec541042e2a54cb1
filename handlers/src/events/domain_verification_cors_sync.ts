/**
 * Event trigger domain_verification_cors_sync (update of status or domain):
 * keep the controller's CORS allowlist in step with its verified domains
 * (domains/sync-cors-origins.ts).
 */
import { z } from "zod";
import { syncCorsOrigins } from "../domains/sync-cors-origins";
import { rowOf, type EventModule } from "./define";
import type { HandlerServices } from "./services";

const DomainRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid() });

export const domain_verification_cors_sync: EventModule<typeof DomainRowSchema, HandlerServices> = {
  name: "domain_verification_cors_sync",
  rowSchema: DomainRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "domain_verification_cors_sync");
    const result = await syncCorsOrigins(row.id, services);
    ctx.logger.info({ domainVerificationId: row.id, controllerId: row.controller_id, ...result }, "CORS allowlist synced");
    return { ...result };
  },
};
