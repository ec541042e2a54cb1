/**
 * NetSuite (conduit contract, spec §16): body `{recordType, id, event, …fields}`;
 * customer fields email, phone, firstname, lastname, companyname,
 * defaultaddress, addressbook[*].addressbookaddress.{addr1,city,zip,country}.
 * Dedupe on `eventId` when the script sends one.
 */
import { z } from "zod";
import { header, parseJsonBody, validate } from "../core";
import { addressField, collectPii, platformId } from "../extract";
import type { Integration } from "../types";
import { verifyNetSuite } from "./signature";

export const NetSuiteEventSchema = z.looseObject({
  recordType: z.string().min(1),
  id: z.union([z.string().min(1), z.number().int()]),
  event: z.string().min(1),
  eventId: z.string().min(1).optional(),
  accountId: z.string().optional(),
  occurredAt: z.string().datetime({ offset: true }).optional(),
});

export const netsuite: Integration = {
  service: "netsuite",
  signing: "signed",
  verify: (req, ctx) => verifyNetSuite(req, ctx.secrets, ctx.now, ctx.config.toleranceSeconds),
  parse(req) {
    const body = validate(NetSuiteEventSchema, parseJsonBody(req.body), "NetSuite event");
    const ns = `netsuite:${body.accountId ?? "account"}`;
    const person = ["customer", "contact", "employee", "vendor", "lead", "prospect"].includes(body.recordType.toLowerCase());
    const ts = header(req.headers, "x-netsuite-timestamp");
    return {
      kind: "events",
      events: [{
        eventType: `${body.recordType}.${body.event}`,
        platformEventId: body.eventId,
        triggeredAt: body.occurredAt ? new Date(body.occurredAt) : ts ? new Date(Number(ts) * 1000) : undefined,
        pii: [
          ...platformId("$.id", person ? "customer_id" : "record_id", `${ns}:${body.recordType.toLowerCase()}`, body.id),
          ...collectPii(body, [
            ["$.email", "email"], ["$.phone", "phone"], ["$.mobilephone", "phone"], ["$.firstname", "first_name"],
            ["$.lastname", "last_name"], ["$.defaultaddress", "postal_address"],
            ["$.addressbook[*].addressbookaddress.zip", "postal_code"],
          ]),
          ...addressField(body, "$.addressbook[*].addressbookaddress", ["addr1", "city", "zip", "country"]),
        ],
      }],
    };
  },
};
