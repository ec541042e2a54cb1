/**
 * `npm run cli`: the commands run against the real engine through main(), with
 * --json output; the integration it creates accepts a signed webhook, and key
 * rotation revokes the old credentials.
 */
import request from "supertest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { signShopify } from "../../src/integrations/shopify/signature";
import { CUSTOM_DEFINITION } from "../fixtures/platforms";
import { startStack, type Stack } from "../helpers/stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function cli(...args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const out: string[] = [];
  const code = await main([...args, "--json"], {}, (s) => out.push(s), stack.management);
  return { code, json: JSON.parse(out.join("")) as Record<string, unknown> };
}

test("controller:create, integration:create and key rotation, end to end", async () => {
  const created = await cli("controller:create", "--title", "CLI Org");
  expect(created.code).toBe(0);
  expect(created.json).toEqual({ id: expect.any(String), did: expect.stringMatching(/^did:pp:[0-9a-f]{32}$/), dxKey: expect.stringMatching(/^dx_/), webhookSecret: expect.stringMatching(/^whs_/) });
  const did = String(created.json.did);
  const dxKey = String(created.json.dxKey);

  const shop = await cli("integration:create", "--did", did, "--dx-key", dxKey, "--service", "shopify", "--name", "Shop", "--signing-secret", "cli-shop-secret");
  expect(shop.code).toBe(0);
  expect(shop.json).toMatchObject({ service: "shopify", webhookUrl: expect.stringMatching(/^https:\/\/conduit\.example\.com\/api\/v1\/integrations\/shopify\/event\?token=/), token: expect.any(String) });

  const app = stack.app();
  const url = new URL(String(shop.json.webhookUrl));
  const body = '{"id":5,"email":"cli@example.net"}';
  const post = () =>
    request(app).post(url.pathname + url.search).set({ "content-type": "application/json", "x-shopify-topic": "customers/create", "x-shopify-hmac-sha256": signShopify(body, "cli-shop-secret") }).send(body);
  expect((await post()).status).toBe(200);

  const dir = mkdtempSync(join(tmpdir(), "conduit-cli-"));
  writeFileSync(join(dir, "custom.json"), JSON.stringify(CUSTOM_DEFINITION));
  const custom = await cli("integration:create", "--did", did, "--dx-key", dxKey, "--service", "custom", "--name", "App", "--custom", join(dir, "custom.json"));
  expect(custom.json).toMatchObject({ service: "custom", apiKey: expect.stringMatching(/^ck_/), webhookAuth: expect.stringMatching(/^Bearer ck_/), webhookSecretHeader: created.json.webhookSecret });
  expect(String(custom.json.webhookUrl)).toContain(`dpid=${String(custom.json.processorId)}`);

  const listed = await cli("integration:list", "--did", did, "--dx-key", dxKey);
  expect((listed.json.integrations as { service: string }[]).map((i) => i.service)).toEqual(["shopify", "custom"]);

  // integration:update runs the same updateCustomIntegration as the handlers' action.
  writeFileSync(join(dir, "custom-v2.json"), JSON.stringify({ eventDefinitions: [{ name: "order.placed", fields: [] }], fieldMappings: [] }));
  const updated = await cli("integration:update", "--did", did, "--dx-key", dxKey, "--processor", String(custom.json.processorId), "--name", "App v2", "--status", "paused", "--custom", join(dir, "custom-v2.json"));
  expect(updated.json).toMatchObject({ dataProcessorId: custom.json.processorId, name: "App v2", status: "paused", eventDefinitions: [{ name: "order.placed", fields: [] }], fieldMappings: [] });
  expect((await cli("integration:update", "--did", did, "--dx-key", dxKey, "--processor", String(shop.json.processorId), "--name", "x")).json).toEqual({
    error: { code: "not_found", message: "Unknown custom integration" },
  });

  // Rotating the DX key revokes URL tokens that carry the old one.
  const rotated = await cli("key:rotate-dx", "--did", did, "--dx-key", dxKey);
  expect(rotated.json).toEqual({ did, dxKey: expect.stringMatching(/^dx_/) });
  expect((await post()).status).toBe(401);
  expect((await cli("integration:list", "--did", did, "--dx-key", dxKey)).json).toEqual({ error: { code: "unauthorized", message: "Unknown DID or wrong DX key" } });

  const secret = await cli("key:set-signing-secret", "--did", did, "--dx-key", String(rotated.json.dxKey), "--processor", String(shop.json.processorId), "--secret", "new-secret", "--keep-previous");
  expect(secret.json).toEqual({ secrets: 2 });
});

test("bad input gives a JSON error and exit code 1", async () => {
  expect(await cli("integration:create", "--did", "did:pp:x")).toEqual({ code: 1, json: { error: { code: "cli_error", message: "--dx-key is required" } } });
  expect(await cli("nonsense")).toEqual({ code: 1, json: { error: { code: "cli_error", message: 'unknown command "nonsense" (see conduit/README.md)' } } });
});
