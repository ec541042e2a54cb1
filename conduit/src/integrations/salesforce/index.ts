/**
 * Salesforce Outbound Messaging (spec §14): SOAP 1.1, unsigned; OrganizationId
 * checked; answered with `<Ack>true</Ack>`. One intake row per Notification,
 * deduped on the Notification Id.
 */
import type { RawPiiField } from "../../../../common/src/pii";
import { validate } from "../core";
import { collectPii, platformId } from "../extract";
import type { Integration } from "../types";
import { NotificationsSchema, readNotifications, SALESFORCE_ACK } from "./schemas";
import { verifySalesforceOrganization } from "./signature";

function organizationIdOf(body: Buffer): string | undefined {
  try {
    const n = readNotifications(body.toString("utf8")) as { OrganizationId?: unknown };
    return typeof n.OrganizationId === "string" ? n.OrganizationId : undefined;
  } catch {
    return undefined;
  }
}

export const salesforce: Integration = {
  service: "salesforce",
  signing: "unsigned",
  verify(req, ctx) {
    const orgId = organizationIdOf(req.body);
    // Malformed XML is a 400 from parse, not a 401: only check when there is an id to check.
    if (orgId === undefined && req.body.length > 0) {
      return ctx.config.salesforceOrganizationId ? { ok: true } : { ok: false, reason: "tenant_mismatch" };
    }
    return verifySalesforceOrganization(orgId, ctx.config);
  },
  parse(req) {
    const n = validate(NotificationsSchema, readNotifications(req.body.toString("utf8")), "Outbound Message");
    const org = n.OrganizationId.slice(0, 15);
    return {
      kind: "events",
      events: n.Notification.map((notification, i) => {
        const type = /^003/.test(notification.sObject.Id ?? "") ? "Contact" : /^00Q/.test(notification.sObject.Id ?? "") ? "Lead" : "sObject";
        const pii: RawPiiField[] = [
          ...platformId(`$.Notification[${i}].sObject.Id`, "customer_id", `salesforce:${org}`, notification.sObject.Id),
          ...collectPii(notification, [
            ["$.sObject.Email", "email"], ["$.sObject.FirstName", "first_name"], ["$.sObject.LastName", "last_name"],
            ["$.sObject.Name", "name"], ["$.sObject.Phone", "phone"], ["$.sObject.MobilePhone", "phone"],
            ["$.sObject.MailingStreet", "postal_address"], ["$.sObject.MailingCity", "city"],
            ["$.sObject.MailingPostalCode", "postal_code"], ["$.sObject.MailingCountry", "country"],
          ]).map((f) => ({ ...f, path: f.path.replace("$", `$.Notification[${i}]`) })),
        ];
        return { eventType: `outbound_message.${type}`, platformEventId: notification.Id, pii };
      }),
    };
  },
  successResponse: () => ({ status: 200, contentType: "text/xml; charset=utf-8", body: SALESFORCE_ACK }),
};
