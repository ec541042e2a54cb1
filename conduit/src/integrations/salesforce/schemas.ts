/** Outbound Message SOAP envelope after XML parsing with namespace prefixes removed (spec §14). */
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { ValidationError } from "../../../../common/src/errors";

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === "Notification",
  // No entity expansion beyond the XML built-ins: external entities are never resolved.
  processEntities: true,
});

const Text = z.string().optional();
export const NotificationSchema = z.looseObject({
  Id: z.string().min(1),
  sObject: z.looseObject({
    Id: Text, Email: Text, FirstName: Text, LastName: Text, Name: Text, Phone: Text, MobilePhone: Text,
    MailingStreet: Text, MailingCity: Text, MailingPostalCode: Text, MailingCountry: Text,
  }),
});
export const NotificationsSchema = z.looseObject({
  OrganizationId: z.string().min(15),
  ActionId: z.string().optional(),
  Notification: z.array(NotificationSchema).min(1).max(100),
});
export type SalesforceNotifications = z.infer<typeof NotificationsSchema>;

/** The `notifications` element of the SOAP body, or a 400. */
export function readNotifications(xml: string): unknown {
  if (xml.trim() === "") throw new ValidationError("Request body is empty", [{ path: "(body)", message: "expected a SOAP envelope" }]);
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch {
    throw new ValidationError("Request body is not valid XML", [{ path: "(body)", message: "malformed XML" }]);
  }
  const notifications = (doc as { Envelope?: { Body?: { notifications?: unknown } } } | null)?.Envelope?.Body?.notifications;
  if (notifications === undefined) throw new ValidationError("Not an Outbound Message", [{ path: "Envelope.Body.notifications", message: "is required" }]);
  return notifications;
}

/** The acknowledgement Salesforce requires, or the message stays queued. */
export const SALESFORCE_ACK =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>' +
  "</soapenv:Body></soapenv:Envelope>";
