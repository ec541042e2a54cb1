/**
 * A local fake of the SynXis Reservation Pull endpoint on 127.0.0.1: answers
 * OTA_HotelGetMsgRQ with the queued messages in the requested sequence range,
 * records acknowledgements, and refuses wrong credentials.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeReservation {
  seq: number;
  type: "OTA_HotelResNotifRQ" | "OTA_HotelResModifyNotifRQ" | "OTA_CancelRQ";
  crs: string;
  given: string;
  surname: string;
  email: string;
  phone: string;
}

export interface FakeSabre {
  url: string;
  reservations: FakeReservation[];
  acks: { type: string; crs: string; pms: string | undefined }[];
  requests: { start: number; end: number }[];
  close(): Promise<void>;
}

function reservationXml(r: FakeReservation): string {
  const res = `<HotelReservation><UniqueID Type="14" ID="${r.crs}" ID_Context="CrsConfirmNumber"/><ResGuests><ResGuest><Profiles><ProfileInfo><Profile><Customer><PersonName><GivenName>${r.given}</GivenName><Surname>${r.surname}</Surname></PersonName><Telephone PhoneNumber="${r.phone}"/><Email>${r.email}</Email><Address><AddressLine>1 Harbour Rd</AddressLine><CityName>Dublin</CityName><PostalCode>D02 X285</PostalCode><CountryName Code="IE"/></Address></Customer></Profile></ProfileInfo></Profiles></ResGuest></ResGuests></HotelReservation>`;
  if (r.type === "OTA_CancelRQ") return `<OTA_CancelRQ><UniqueID Type="14" ID="${r.crs}" ID_Context="CrsConfirmNumber"/></OTA_CancelRQ>`;
  return `<${r.type}><HotelReservations>${res}</HotelReservations></${r.type}>`;
}

export async function startFakeSabre(credentials: { username: string; password: string }): Promise<FakeSabre> {
  const state: Omit<FakeSabre, "url" | "close"> = { reservations: [], acks: [], requests: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (!body.includes(`<Username>${credentials.username}</Username>`) || !body.includes(`<Password>${credentials.password}</Password>`)) {
        res.writeHead(401).end();
        return;
      }
      const get = /StartSeqNmbr="(\d+)" EndSeqNmbr="(\d+)"/.exec(body);
      if (body.includes("OTA_HotelGetMsgRQ") && get) {
        const start = Number(get[1]);
        const end = Number(get[2]);
        state.requests.push({ start, end });
        const messages = state.reservations
          .filter((r) => r.seq >= start && r.seq <= end)
          .map((r) => `<Message SeqNmbr="${r.seq}">${reservationXml(r)}</Message>`)
          .join("");
        res.writeHead(200, { "content-type": "text/xml" }).end(
          `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><OTA_HotelGetMsgRS xmlns="http://www.opentravel.org/OTA/2003/05"><Success/><Messages>${messages}</Messages></OTA_HotelGetMsgRS></soap:Body></soap:Envelope>`,
        );
        return;
      }
      const ack = /<(OTA_\w+RS) [^>]*>.*?<UniqueID Type="14" ID="([^"]+)"/.exec(body);
      if (ack) {
        state.acks.push({ type: ack[1], crs: ack[2], pms: /ResID_Value="([^"]+)"/.exec(body)?.[1] });
        res.writeHead(200, { "content-type": "text/xml" }).end("<ok/>");
        return;
      }
      res.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    ...state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pms/reservations`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
