/**
 * Event trigger data_subject_rights_requests_insert: deadlines, timeline,
 * verification e-mail, CCPA receipt confirmation and the team's notice
 * (rights/start-rights-request.ts). The payload carries no requester data
 * (restricted columns); the address is read by id through GraphQL.
 */
import { z } from "zod";
import { startRightsRequest } from "../rights/start-rights-request";
import type { RightsServices } from "../rights/services";
import { rowOf, type EventModule } from "./define";

const RequestRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid(), request_type: z.string(), status: z.string() });

export const data_subject_rights_requests_insert: EventModule<typeof RequestRowSchema, RightsServices> = {
  name: "data_subject_rights_requests_insert",
  rowSchema: RequestRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_subject_rights_requests_insert");
    const result = await startRightsRequest(row.id, {
      sdk: services.sdk,
      secretKeys: services.secretKeys,
      appBaseUrl: services.appBaseUrl,
      verificationTtlMs: services.rights.verificationTtlMs,
      now: ctx.now,
      onEmailQueued: services.onEmailQueued,
    });
    ctx.logger.info({ rightsRequestId: row.id, controllerId: row.controller_id, requestType: row.request_type, ...result }, "rights request started");
    return { ...result };
  },
};
