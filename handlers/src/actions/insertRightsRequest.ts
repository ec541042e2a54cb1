/**
 * Action insertRightsRequest (mutation; anonymous and user): a Transparency
 * Center submission (rights/submit-rights-request.ts). The rate limit keys on
 * the client address Hasura forwards (X-Forwarded-For's first hop, else
 * X-Real-IP) and the organization's DID.
 */
import { z } from "zod";
import { parseOrThrow } from "../../../common/src/http";
import type { ActionHandler, HandlerContext } from "../registry";
import type { RightsServices } from "../rights/services";
import { InsertRightsRequestInputSchema, submitRightsRequest } from "../rights/submit-rights-request";

const CallInputSchema = z.object({ input: InsertRightsRequestInputSchema });

/** The caller's address as forwarded to the action, or "unknown" (all such callers then share one budget). */
export function clientIpOf(ctx: HandlerContext): string {
  const forwarded = ctx.headers?.["x-forwarded-for"]?.split(",")[0]?.trim();
  return forwarded || ctx.headers?.["x-real-ip"]?.trim() || "unknown";
}

export function insertRightsRequest(services: RightsServices): ActionHandler {
  return {
    name: "insertRightsRequest",
    async handle(call, ctx) {
      const { input } = parseOrThrow(CallInputSchema, call.input, "Invalid insertRightsRequest input");
      const output = await submitRightsRequest(input, clientIpOf(ctx), { sdk: services.sdk, secretKeys: services.secretKeys, rights: services.rights, now: ctx.now });
      ctx.logger.info({ rightsRequestId: output.requestId, requestType: output.requestType }, "rights request submitted");
      return output;
    },
  };
}
