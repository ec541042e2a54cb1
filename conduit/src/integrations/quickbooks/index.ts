/**
 * QuickBooks Online webhooks (spec §10), legacy and CloudEvents formats. The
 * notification holds no personal data beyond entity ids: the entity id of a
 * Customer/Employee/Vendor is recorded as a namespaced platform id.
 */
import { z } from "zod";
import { parseJsonBody, sha256, validate } from "../core";
import { platformId } from "../extract";
import type { Integration, PlatformEvent } from "../types";
import { verifyIntuit } from "./signature";

const PERSON_ENTITIES = new Set(["customer", "employee", "vendor"]);

export const LegacySchema = z.looseObject({
  eventNotifications: z.array(z.looseObject({
    realmId: z.string().min(1),
    dataChangeEvent: z.looseObject({
      entities: z.array(z.looseObject({
        name: z.string().min(1), id: z.string().min(1), operation: z.string().min(1),
        lastUpdated: z.string().optional(), deletedId: z.string().optional(),
      })),
    }),
  })).min(1),
});

export const CloudEventsSchema = z.array(z.looseObject({
  specversion: z.string(), id: z.string().min(1), type: z.string().min(1), time: z.string().optional(),
  intuitentityid: z.string().optional(), intuitaccountid: z.string().optional(),
})).min(1);

function entityPii(path: string, realm: string, entity: string, id: string | undefined) {
  return PERSON_ENTITIES.has(entity.toLowerCase()) ? platformId(path, "customer_id", `quickbooks:${realm}:${entity.toLowerCase()}`, id) : platformId(path, "record_id", `quickbooks:${realm}:${entity.toLowerCase()}`, id);
}

function date(value: string | undefined): Date | undefined {
  const d = value ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

export const quickbooks: Integration = {
  service: "quickbooks",
  signing: "signed",
  verify: (req, ctx) => verifyIntuit(req, ctx.secrets),
  parse(req) {
    const json = parseJsonBody(req.body);
    const events: PlatformEvent[] = [];
    if (Array.isArray(json)) {
      for (const ce of validate(CloudEventsSchema, json, "QuickBooks CloudEvents batch")) {
        // type is qbo.<entity>.<op>.v1
        const [, entity = "entity", op = "change"] = ce.type.split(".");
        events.push({
          eventType: `${entity}.${op}`,
          platformEventId: ce.id,
          triggeredAt: date(ce.time),
          pii: entityPii("$[*].intuitentityid", ce.intuitaccountid ?? "realm", entity, ce.intuitentityid),
        });
      }
    } else {
      const body = validate(LegacySchema, json, "QuickBooks notification");
      for (const n of body.eventNotifications) {
        for (const e of n.dataChangeEvent.entities) {
          // Legacy dedupe key: realmId + name + id + operation + lastUpdated (spec §2.4).
          const key = [n.realmId, e.name, e.id, e.operation, e.lastUpdated ?? ""].join("|");
          events.push({
            eventType: `${e.name}.${e.operation}`,
            platformEventId: sha256(key).toString("hex"),
            triggeredAt: date(e.lastUpdated),
            pii: [
              ...entityPii("$.eventNotifications[*].dataChangeEvent.entities[*].id", n.realmId, e.name, e.id),
              ...(e.deletedId ? entityPii("$.eventNotifications[*].dataChangeEvent.entities[*].deletedId", n.realmId, e.name, e.deletedId) : []),
            ],
          });
        }
      }
    }
    return { kind: "events", events };
  },
};
