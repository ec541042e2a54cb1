/**
 * Action insertRightsRequest (mutation; anonymous and user): a Transparency
 * Center submission (rights/submit-rights-request.ts). The rate limit keys on
 * the client address and the organization's DID.
 */
import { z } from "zod";
import { parseOrThrow } from "../../../common/src/http";
import type { ActionHandler, HandlerContext } from "../registry";
import type { RightsServices } from "../rights/services";
import { InsertRightsRequestInputSchema, submitRightsRequest } from "../rights/submit-rights-request";

const CallInputSchema = z.object({ input: InsertRightsRequestInputSchema });

/**
 * The caller's address, or "unknown" (all such callers then share one
 * budget). Hasura forwards the browser's own headers, so X-Forwarded-For's
 * left-hand entries are whatever the caller wrote; only entries appended by
 * our own proxies can be trusted. Each proxy appends the address it received
 * the connection from, so with `trustedHops` proxies in front of Hasura the
 * client is the entry `trustedHops` from the right (the convention of
 * Express's numeric "trust proxy"; MDN, X-Forwarded-For, "Selecting an IP
 * address"). With fewer entries than that, the left-most one is the best
 * there is. X-Real-IP is used only without X-Forwarded-For.
 */
export function clientIpOf(ctx: HandlerContext, trustedHops = 1): string {
  const entries = (ctx.headers?.["x-forwarded-for"] ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (entries.length > 0) return entries[Math.max(0, entries.length - Math.max(1, trustedHops))];
  return ctx.headers?.["x-real-ip"]?.trim() || "unknown";
}

export function insertRightsRequest(services: RightsServices): ActionHandler {
  return {
    name: "insertRightsRequest",
    async handle(call, ctx) {
      const { input } = parseOrThrow(CallInputSchema, call.input, "Invalid insertRightsRequest input");
      const output = await submitRightsRequest(input, clientIpOf(ctx, services.rights.trustedProxyHops), { sdk: services.sdk, secretKeys: services.secretKeys, rights: services.rights, now: ctx.now });
      ctx.logger.info({ rightsRequestId: output.requestId, requestType: output.requestType }, "rights request submitted");
      return output;
    },
  };
}
