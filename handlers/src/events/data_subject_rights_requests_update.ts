/**
 * Event trigger data_subject_rights_requests_update: the next step for each
 * status change (rights/advance-rights-request.ts): execution of access,
 * portability and erasure, and the requester's notices.
 */
import { z } from "zod";
import { advanceRightsRequest } from "../rights/advance-rights-request";
import type { RightsServices } from "../rights/services";
import { rowOf, type EventModule } from "./define";

const RequestRowSchema = z.object({ id: z.string().uuid(), controller_id: z.string().uuid(), status: z.string(), extended: z.boolean() });

export const data_subject_rights_requests_update: EventModule<typeof RequestRowSchema, RightsServices> = {
  name: "data_subject_rights_requests_update",
  rowSchema: RequestRowSchema,
  async handle(event, services, ctx) {
    const row = rowOf(event, "data_subject_rights_requests_update");
    const old = event.event.data.old;
    const result = await advanceRightsRequest(
      { requestId: row.id, oldStatus: old?.status ?? null, newStatus: row.status, oldExtended: old?.extended ?? false, newExtended: row.extended },
      { ...services, now: ctx.now, onErasureQueued: services.rights.onErasureQueued },
    );
    ctx.logger.info({ rightsRequestId: row.id, controllerId: row.controller_id, status: row.status, steps: result.steps }, "rights request advanced");
    return { ...result };
  },
};
