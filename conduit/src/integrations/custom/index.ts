/**
 * Custom integrations (spec §19): the controller's own systems POST JSON events
 * `{event, triggeredAt, eventId?, …}` validated against the configured event
 * definitions (unknown event → 400; configured fields checked; extra fields
 * ignored) and mapped to the taxonomy by the configured field mappings. A
 * processor with a Standard Webhooks secret requires a valid signature; without
 * one, a signature that is sent is still checked when it can be.
 */
import { ValidationError } from "../../../../common/src/errors";
import type { RawPiiField } from "../../../../common/src/pii";
import { parseJsonBody, validate } from "../core";
import { valuesAt } from "../extract";
import type { Integration, ParseContext } from "../types";
import { checkDefinedFields, CustomEnvelopeSchema, CustomIntegrationConfigSchema } from "./schemas";
import { hasStandardWebhookHeaders, verifyStandardWebhook } from "./signature";

export const custom: Integration = {
  service: "custom",
  signing: "signed",
  verify(req, ctx) {
    // Standard Webhooks is opt-in: with a signing secret configured it is required.
    if (ctx.secrets.length > 0) return verifyStandardWebhook(req, ctx.secrets, ctx.now);
    return hasStandardWebhookHeaders(req) ? { ok: false, reason: "bad_signature" } : { ok: true };
  },
  parse(req, ctx: ParseContext) {
    const body = validate(CustomEnvelopeSchema, parseJsonBody(req.body), "custom event");
    const config = CustomIntegrationConfigSchema.safeParse(ctx.custom ?? {});
    if (!config.success) throw new Error("[conduit/custom] the integration's stored configuration is invalid");
    const definition = config.data.eventDefinitions.find((d) => d.name === body.event);
    if (!definition) throw new ValidationError("Unknown event for this integration", [{ path: "event", message: "is not a configured event" }]);
    const issues = checkDefinedFields(body, definition);
    if (issues.length > 0) {
      const missing = issues.filter((i) => i.message === "is required").map((i) => i.path);
      throw new ValidationError(missing.length > 0 ? `Invalid custom event: missing ${missing.join(", ")}` : "Invalid custom event", issues);
    }
    const pii: RawPiiField[] = [];
    for (const m of config.data.fieldMappings) {
      if (m.event !== "*" && m.event !== body.event) continue;
      const path = `$.${m.path.replace(/\.\*/g, "[*]")}`;
      for (const value of valuesAt(body, path)) pii.push({ type: m.piiType, path, value });
    }
    return {
      kind: "events",
      events: [{ eventType: body.event, platformEventId: body.eventId ?? req.headers["webhook-id"], triggeredAt: new Date(body.triggeredAt), pii }],
    };
  },
};
