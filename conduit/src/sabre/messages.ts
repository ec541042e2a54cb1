/**
 * Sabre SynXis PMS "Reservation Pull" messages (integrations spec §18, OTA
 * 2003/05 over SOAP): the OTA_HotelGetMsgRQ request, parsing of the
 * OTA_HotelGetMsgRS answer into reservations, and the per-item acknowledgement.
 * The vendor pages sit behind a login; element paths are the standard OTA ones
 * the spec lists, with medium/low confidence on authentication details.
 */
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import type { RawPiiField } from "../../../common/src/pii";
import { ValidationError } from "../../../common/src/errors";

export const OTA_NS = "http://www.opentravel.org/OTA/2003/05";
export const SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";

export type SabreMessageType = "OTA_HotelResNotifRQ" | "OTA_HotelResModifyNotifRQ" | "OTA_CancelRQ";
const MESSAGE_TYPES: readonly SabreMessageType[] = ["OTA_HotelResNotifRQ", "OTA_HotelResModifyNotifRQ", "OTA_CancelRQ"];

function xmlEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

function envelope(credentials: { username: string; password: string }, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_NS}"><soap:Header>` +
    `<Security><UsernameToken><Username>${xmlEscape(credentials.username)}</Username><Password>${xmlEscape(credentials.password)}</Password></UsernameToken></Security>` +
    `</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** OTA_HotelGetMsgRQ for sequence numbers [start, end]. */
export function getMessagesRequest(
  credentials: { username: string; password: string },
  query: { hotelCode: string; chainCode: string; start: number; end: number },
): string {
  return envelope(
    credentials,
    `<OTA_HotelGetMsgRQ xmlns="${OTA_NS}" Version="1.0"><Messages><Message HotelCode="${xmlEscape(query.hotelCode)}" ChainCode="${xmlEscape(query.chainCode)}" MessageType="All" StartSeqNmbr="${query.start}" EndSeqNmbr="${query.end}"/></Messages></OTA_HotelGetMsgRQ>`,
  );
}

/** Acknowledges one retrieved item: success with our confirmation number, or an error warning. */
export function acknowledgeRequest(
  credentials: { username: string; password: string },
  ack: { messageType: SabreMessageType; crsConfirmation: string; hotelCode: string } & ({ ok: true; pmsConfirmation: string } | { ok: false; warning: string }),
): string {
  const rs = ack.messageType === "OTA_CancelRQ" ? "OTA_CancelRS" : ack.messageType.replace(/RQ$/, "RS");
  const unique = `<UniqueID Type="14" ID="${xmlEscape(ack.crsConfirmation)}" ID_Context="CrsConfirmNumber"/>`;
  const inner = ack.ok
    ? `<Success/><HotelReservations><HotelReservation>${unique}<ResGlobalInfo><HotelReservationIDs><HotelReservationID ResID_Source="Pms" ResID_SourceContext="PmsConfirmNumber" ResID_Value="${xmlEscape(ack.pmsConfirmation)}"/></HotelReservationIDs></ResGlobalInfo></HotelReservation></HotelReservations>`
    : `<HotelReservations><HotelReservation>${unique}</HotelReservation></HotelReservations><TPA_Extensions><Warnings><Warning Type="3">${xmlEscape(ack.warning)}</Warning></Warnings></TPA_Extensions>`;
  return envelope(credentials, `<${rs} xmlns="${OTA_NS}" Version="1.0" HotelCode="${xmlEscape(ack.hotelCode)}">${inner}</${rs}>`);
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ["Message", "HotelReservation", "ResGuest", "ProfileInfo", "Telephone", "Email", "AddressLine", "UniqueID"].includes(name),
});

const Text = z.union([z.string(), z.object({ "#text": z.string() }).transform((v) => v["#text"])]);

/** One reservation item of a message, reduced to what intake needs. */
export interface SabreItem {
  seq: number;
  messageType: SabreMessageType;
  crsConfirmation: string | undefined;
  pii: RawPiiField[];
}

function asArray(value: unknown): unknown[] {
  return value === undefined || value === null || value === "" ? [] : Array.isArray(value) ? value : [value];
}

function textOf(value: unknown): string | undefined {
  const parsed = Text.safeParse(value);
  return parsed.success && parsed.data.trim() !== "" ? parsed.data : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function guestPii(reservation: Record<string, unknown>): RawPiiField[] {
  const out: RawPiiField[] = [];
  const base = "HotelReservation.ResGuests.ResGuest[*].Profiles.ProfileInfo[*].Profile.Customer";
  for (const guest of asArray(record(reservation.ResGuests).ResGuest)) {
    for (const info of asArray(record(record(guest).Profiles).ProfileInfo)) {
      const customer = record(record(record(info).Profile).Customer);
      const name = record(customer.PersonName);
      const given = textOf(name.GivenName);
      const surname = textOf(name.Surname);
      if (given) out.push({ type: "first_name", path: `${base}.PersonName.GivenName`, value: given });
      if (surname) out.push({ type: "last_name", path: `${base}.PersonName.Surname`, value: surname });
      for (const phone of asArray(customer.Telephone)) {
        const number = textOf(record(phone)["@PhoneNumber"]);
        if (number) out.push({ type: "phone", path: `${base}.Telephone@PhoneNumber`, value: number });
      }
      for (const email of asArray(customer.Email)) {
        const value = textOf(email);
        if (value) out.push({ type: "email", path: `${base}.Email`, value });
      }
      const address = record(customer.Address);
      const lines = asArray(address.AddressLine).map(textOf).filter((v): v is string => v !== undefined);
      const city = textOf(address.CityName);
      const postal = textOf(address.PostalCode);
      const country = textOf(record(address.CountryName)["@Code"]);
      if (lines.length > 0 || city) out.push({ type: "postal_address", path: `${base}.Address`, value: [...lines, city, postal, country].filter(Boolean).join(", ") });
      if (postal) out.push({ type: "postal_code", path: `${base}.Address.PostalCode`, value: postal });
    }
  }
  return out;
}

/**
 * Parses OTA_HotelGetMsgRS into items in sequence order. Empty placeholders
 * (nothing to report) yield no items.
 * @throws ValidationError when the answer is not a well-formed OTA_HotelGetMsgRS.
 */
export function parseMessagesResponse(xml: string): { items: SabreItem[]; highestSeq: number | undefined } {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch {
    throw new ValidationError("Sabre answer is not valid XML", [{ path: "(body)", message: "malformed XML" }]);
  }
  const rs = record(record(record(record(doc).Envelope).Body).OTA_HotelGetMsgRS ?? record(doc).OTA_HotelGetMsgRS);
  if (Object.keys(rs).length === 0) throw new ValidationError("Not an OTA_HotelGetMsgRS", [{ path: "OTA_HotelGetMsgRS", message: "is required" }]);
  if (rs.Errors !== undefined) throw new ValidationError("Sabre answered with errors", [{ path: "OTA_HotelGetMsgRS.Errors", message: "present" }]);
  const items: SabreItem[] = [];
  let highestSeq: number | undefined;
  for (const message of asArray(record(rs.Messages).Message)) {
    const m = record(message);
    const seq = Number(m["@SeqNmbr"]);
    if (!Number.isInteger(seq)) throw new ValidationError("Message without SeqNmbr", [{ path: "Messages.Message@SeqNmbr", message: "is required" }]);
    highestSeq = Math.max(highestSeq ?? seq, seq);
    for (const type of MESSAGE_TYPES) {
      const body = m[type];
      if (body === undefined || body === "") continue;
      const reservations = type === "OTA_CancelRQ" ? [record(body)] : asArray(record(record(body).HotelReservations).HotelReservation).map(record);
      for (const reservation of reservations) {
        const unique = asArray(reservation.UniqueID).map(record).find((u) => u["@Type"] === "14" || u["@ID_Context"] === "CrsConfirmNumber");
        items.push({ seq, messageType: type, crsConfirmation: textOf(unique?.["@ID"]), pii: guestPii(reservation) });
      }
    }
  }
  items.sort((a, b) => a.seq - b.seq);
  return { items, highestSeq };
}
