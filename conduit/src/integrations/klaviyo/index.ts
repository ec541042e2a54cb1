/**
 * Klaviyo system webhooks (spec §9). `meta.klaviyo_webhook_id` must equal the
 * `Klaviyo-Webhook-Id` header; Klaviyo says to treat a mismatch as malicious
 * (401). One intake row per `data[]` element; dedupe on `external_id`.
 */
import { z } from "zod";
import { header, parseJsonBody, sameIdentifier, validate } from "../core";
import { collectPii, platformId } from "../extract";
import type { Integration } from "../types";
import { verifyKlaviyo } from "./signature";

export const KlaviyoBatchSchema = z.looseObject({
  data: z.array(z.looseObject({ topic: z.string().min(1), external_id: z.string().min(1), payload: z.unknown() })).max(1000),
  meta: z.looseObject({ klaviyo_account_id: z.string().min(1), klaviyo_webhook_id: z.string().min(1), timestamp: z.string().optional() }),
});

function bodyWebhookId(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    const id = (parsed as { meta?: { klaviyo_webhook_id?: unknown } } | null)?.meta?.klaviyo_webhook_id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

export const klaviyo: Integration = {
  service: "klaviyo",
  signing: "signed",
  verify(req, ctx) {
    const result = verifyKlaviyo(req, ctx.secrets, ctx.now, ctx.config.toleranceSeconds);
    if (!result.ok) return result;
    const headerId = header(req.headers, "klaviyo-webhook-id");
    const bodyId = bodyWebhookId(req.body);
    // Only a signed body can be trusted for this check; a missing id is left to zod (400).
    if (headerId !== undefined && bodyId !== undefined && !sameIdentifier(headerId, bodyId)) return { ok: false, reason: "tenant_mismatch" };
    if (ctx.config.klaviyoWebhookId && headerId !== undefined && !sameIdentifier(headerId, ctx.config.klaviyoWebhookId)) {
      return { ok: false, reason: "tenant_mismatch" };
    }
    return { ok: true };
  },
  parse(req) {
    const batch = validate(KlaviyoBatchSchema, parseJsonBody(req.body), "Klaviyo webhook");
    const ns = `klaviyo:${batch.meta.klaviyo_account_id}`;
    return {
      kind: "events",
      events: batch.data.map((d, i) => {
        // Get-Event shape: the profile id sits in relationships; e-mail/phone may be in event properties.
        const profileId = (d.payload as { relationships?: { profile?: { data?: { id?: unknown } } } } | null)?.relationships?.profile?.data?.id;
        return {
          eventType: d.topic,
          platformEventId: d.external_id,
          pii: [
            ...platformId(`$.data[${i}].payload.relationships.profile.data.id`, "customer_id", ns, typeof profileId === "string" ? profileId : undefined),
            ...collectPii(d, [
              ["$.payload.attributes.event_properties.email", "email"],
              ["$.payload.attributes.event_properties.$email", "email"],
              ["$.payload.attributes.event_properties.phone_number", "phone"],
              ["$.payload.attributes.event_properties.$phone_number", "phone"],
            ]).map((f) => ({ ...f, path: f.path.replace("$", `$.data[${i}]`) })),
          ],
        };
      }),
    };
  },
};
