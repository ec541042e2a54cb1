/**
 * Action verifyRightsRequest (mutation; anonymous and user): the e-mailed
 * single-use token confirms the request (rights/verify-rights-request.ts).
 */
import { z } from "zod";
import { parseOrThrow } from "../../../common/src/http";
import type { ActionHandler } from "../registry";
import type { RightsServices } from "../rights/services";
import { verifyRightsRequest as verify, VerifyRightsRequestInputSchema } from "../rights/verify-rights-request";

const CallInputSchema = z.object({ input: VerifyRightsRequestInputSchema });

export function verifyRightsRequest(services: RightsServices): ActionHandler {
  return {
    name: "verifyRightsRequest",
    async handle(call, ctx) {
      const { input } = parseOrThrow(CallInputSchema, call.input, "Invalid verifyRightsRequest input");
      const output = await verify(input, { sdk: services.sdk, now: ctx.now });
      ctx.logger.info({ rightsRequestId: output.requestId }, "rights request verified");
      return output;
    },
  };
}
