/**
 * The Sabre SynXis poller against a local fake SynXis server and the real
 * engine: pages through new reservations, stores them through the same intake
 * (hashed guest data only), acknowledges each after the write, remembers the
 * sequence number, and leaves everything for the next poll when the write fails.
 */
import { createController, createIntegration } from "../../src/management/integrations";
import { pollAllSabre, type SabrePollDeps } from "../../src/sabre/poller";
import { createSabreProcessorSource } from "../../src/sabre/store";
import { startFakeSabre, type FakeSabre } from "../helpers/fake-sabre";
import { ADMIN_SECRET, startStack, type Stack } from "../helpers/stack";
import { expectedHash, intakeRows } from "../helpers/tenant";

let stack: Stack;
let sabre: FakeSabre;
const CREDS = { username: "pms-user", password: "pms-pass" };

beforeAll(async () => {
  stack = await startStack();
  sabre = await startFakeSabre(CREDS);
});
afterAll(async () => {
  await sabre?.close();
  await stack?.close();
});

function deps(): SabrePollDeps {
  const intake = stack.intakeDeps();
  return {
    ...intake,
    ...createSabreProcessorSource({ endpoint: stack.endpoint, adminSecret: ADMIN_SECRET }),
    logger: stack.logger,
  };
}

test("pages through new reservations, stores hashed guest data, acknowledges each and resumes after the last sequence", async () => {
  const controller = await createController({ title: "Hotel Org" }, stack.management);
  const created = await createIntegration(
    {
      did: controller.did,
      dxKey: controller.dxKey,
      service: "sabre-synxis",
      name: "SynXis",
      signingSecret: `${CREDS.username}:${CREDS.password}`,
      config: { sabreBaseUrl: sabre.url, hotelCode: "H100", chainCode: "C9", sabrePageSize: 2, defaultRegion: "IE" },
    },
    stack.management,
  );
  expect(created.webhookUrl).toBe("");
  sabre.reservations.push(
    { seq: 1, type: "OTA_HotelResNotifRQ", crs: "CRS1", given: "Aoife", surname: "Byrne", email: "Aoife@Example.ie", phone: "+353 1 234 5678" },
    { seq: 2, type: "OTA_HotelResModifyNotifRQ", crs: "CRS1", given: "Aoife", surname: "Byrne", email: "aoife@example.ie", phone: "01 234 5678" },
    { seq: 3, type: "OTA_HotelResNotifRQ", crs: "CRS2", given: "Cian", surname: "Walsh", email: "cian@example.ie", phone: "+353 1 765 4321" },
  );

  const [first] = await pollAllSabre(deps());
  expect(first).toEqual({ processorId: created.processorId, pages: 2, items: 3, stored: 3, acknowledged: 3, lastSequence: 3 });
  expect(sabre.requests).toEqual([{ start: 1, end: 2 }, { start: 3, end: 4 }]);
  expect(sabre.acks.map((a) => [a.type, a.crs])).toEqual([
    ["OTA_HotelResNotifRS", "CRS1"],
    ["OTA_HotelResModifyNotifRS", "CRS1"],
    ["OTA_HotelResNotifRS", "CRS2"],
  ]);
  expect(sabre.acks.every((a) => /^PP-[0-9a-f]{16}$/.test(a.pms ?? ""))).toBe(true);

  const rows = await intakeRows(stack, controller.id);
  expect(rows.map((r) => r.event_type)).toEqual(["OTA_HotelResNotifRQ", "OTA_HotelResModifyNotifRQ", "OTA_HotelResNotifRQ"]);
  expect(rows[0].service).toBe("sabre-synxis");
  expect(rows[0].field_types).toEqual(["email", "first_name", "last_name", "phone", "postal_address", "postal_code"]);
  // The national number "01 234 5678" in the modification is read with the hotel's region (IE).
  expect(rows[1].pii).toContainEqual(expect.objectContaining({ type: "phone", hash: expectedHash(controller.id, "phone", "+35312345678") }));
  expect(rows[0].pii).toContainEqual(expect.objectContaining({ type: "email", hash: expectedHash(controller.id, "email", "aoife@example.ie") }));
  expect(JSON.stringify(rows)).not.toMatch(/aoife|byrne|harbour/i);

  // Next poll starts after sequence 3 and finds nothing new.
  const [second] = await pollAllSabre(deps());
  expect(second).toEqual({ processorId: created.processorId, pages: 1, items: 0, stored: 0, acknowledged: 0, lastSequence: 3 });
  expect(sabre.requests.at(-1)).toEqual({ start: 4, end: 5 });

  // When the write fails, nothing is acknowledged and the sequence stays; the next poll stores it.
  sabre.reservations.push({ seq: 4, type: "OTA_CancelRQ", crs: "CRS2", given: "", surname: "", email: "", phone: "" });
  const acksBefore = sabre.acks.length;
  const failing = deps();
  const results = await pollAllSabre({ ...failing, store: { ...failing.store, insertIntake: () => Promise.reject(new Error("engine down")) } });
  expect(results).toEqual([]);
  expect(sabre.acks).toHaveLength(acksBefore);
  const [retry] = await pollAllSabre(deps());
  expect(retry).toMatchObject({ items: 1, stored: 1, acknowledged: 1, lastSequence: 4 });
  expect((await intakeRows(stack, controller.id)).map((r) => r.event_type)).toEqual(["OTA_HotelResNotifRQ", "OTA_HotelResModifyNotifRQ", "OTA_HotelResNotifRQ", "OTA_CancelRQ"]);
});
