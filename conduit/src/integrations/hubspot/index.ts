/**
 * HubSpot webhooks (spec §13): a JSON array of up to 100 events; one intake row
 * per event, deduped on eventId (+ subscriptionId). `contact.privacyDeletion`
 * is a GDPR erasure and becomes a rights request.
 */
import { z } from "zod";
import type { RawPiiField } from "../../../../common/src/pii";
import { parseJsonBody, validate } from "../core";
import { platformId } from "../extract";
import type { Integration } from "../types";
import { verifyHubSpot } from "./signature";

const Id = z.union([z.number().int(), z.string().min(1)]);
export const HubSpotBatchSchema = z.array(z.looseObject({
  eventId: Id,
  subscriptionId: Id,
  portalId: Id,
  occurredAt: z.number().int(),
  subscriptionType: z.string().min(1),
  objectId: Id.optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  primaryObjectId: Id.optional(),
  mergedObjectIds: z.array(Id).optional(),
})).min(1).max(100);
type HubSpotEvent = z.infer<typeof HubSpotBatchSchema>[number];

/** Contact properties whose changed value is personal data. */
const PROPERTY_TYPES: Record<string, RawPiiField["type"]> = {
  email: "email", phone: "phone", mobilephone: "phone", firstname: "first_name", lastname: "last_name",
  address: "postal_address", zip: "postal_code", city: "city", country: "country", date_of_birth: "date_of_birth", ip_address: "ip_address",
};

function hubspotPii(e: HubSpotEvent, i: number): RawPiiField[] {
  const ns = `hubspot:${e.portalId}`;
  const isContact = e.subscriptionType.startsWith("contact.");
  const idType = isContact ? "customer_id" : "record_id";
  const objectNs = isContact ? ns : `${ns}:${e.subscriptionType.split(".")[0]}`;
  const out: RawPiiField[] = [
    ...platformId(`$[${i}].objectId`, idType, objectNs, e.objectId),
    ...platformId(`$[${i}].primaryObjectId`, idType, objectNs, e.primaryObjectId),
    ...(e.mergedObjectIds ?? []).flatMap((id) => platformId(`$[${i}].mergedObjectIds[*]`, idType, objectNs, id)),
  ];
  const type = e.propertyName ? PROPERTY_TYPES[e.propertyName.toLowerCase()] : undefined;
  if (type && e.propertyValue) out.push({ type, path: `$[${i}].propertyValue`, value: e.propertyValue });
  return out;
}

export const hubspot: Integration = {
  service: "hubspot",
  signing: "signed",
  verify: (req, ctx) => verifyHubSpot(req, ctx.secrets, ctx.now),
  parse(req) {
    const batch = validate(HubSpotBatchSchema, parseJsonBody(req.body), "HubSpot events");
    return {
      kind: "events",
      events: batch.map((e, i) => ({
        eventType: e.subscriptionType,
        platformEventId: `${e.subscriptionId}:${e.eventId}`,
        triggeredAt: new Date(e.occurredAt),
        pii: hubspotPii(e, i),
        ...(e.subscriptionType === "contact.privacyDeletion" ? { rightsRequest: "deletion" as const } : {}),
      })),
    };
  },
};
