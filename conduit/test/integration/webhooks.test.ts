/**
 * POST /api/v1/integrations/{service}/event for every platform, against the real
 * engine and Postgres: a delivery signed exactly as the platform signs it is
 * stored once with the right field types and keyed hashes; each broken element
 * is refused and stores nothing.
 */
import type { Express } from "express";
import type { PiiType } from "../../../common/src/pii";
import { PLATFORM_CASES } from "../fixtures/platforms";
import { startStack, type Stack } from "../helpers/stack";
import { createTenant, expectedHash, intakeRows, send, type Tenant } from "../helpers/tenant";

let stack: Stack;
let app: Express;
beforeAll(async () => {
  stack = await startStack();
  app = stack.app();
});
afterAll(async () => {
  await stack?.close();
});

describe.each(PLATFORM_CASES.map((c) => [c.service, c] as const))("POST %s webhook", (_name, c) => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant(stack, c);
  });

  test("when signed as the platform signs it, answers 200 and stores one row with the field types and keyed hashes", async () => {
    const res = await send(app, stack, tenant, c);
    expect(res.status).toBe(200);
    if (c.expectBody !== undefined) expect(res.text).toBe(c.expectBody);
    else expect(res.body).toEqual({ ok: true, received: c.expectRows, stored: c.expectRows, duplicates: 0 });
    const rows = await intakeRows(stack, tenant.controller.id);
    expect(rows).toHaveLength(c.expectRows);
    expect(rows[0].service).toBe(c.service);
    expect(rows[0].data_processor_id).toBe(tenant.integration.processorId);
    expect(rows[0].field_types).toEqual(c.expectFieldTypes);
    for (const [type, canonical] of c.expectHashes) {
      expect(rows[0].pii).toContainEqual(expect.objectContaining({ type, hash: expectedHash(tenant.controller.id, type as PiiType, canonical), keyVersion: 1 }));
    }
    // Raw values never reach the row.
    expect(JSON.stringify(rows)).not.toMatch(/jane|example\.com|san francisco|main st|\+1 415/i);
  });

  test("when the same delivery arrives again, answers 200 and stores nothing new", async () => {
    const res = await send(app, stack, tenant, c);
    expect(res.status).toBe(200);
    if (c.expectBody === undefined) expect(res.body).toEqual({ ok: true, received: c.expectRows, stored: 0, duplicates: c.expectRows });
    expect(await intakeRows(stack, tenant.controller.id)).toHaveLength(c.expectRows);
  });

  if (c.secret) {
    test("when the body changed after signing, answers 401 and stores nothing", async () => {
      const changed = /jane/i.test(c.body) ? c.body.replace(/jane/i, "Jana") : `${c.body} `;
      expect(changed).not.toBe(c.body);
      const res = await send(app, stack, tenant, c, { body: changed, signedBody: c.body });
      expect(res.status).toBe(401);
      expect(await intakeRows(stack, tenant.controller.id)).toHaveLength(c.expectRows);
    });

    test("when signed with the wrong secret, answers 401", async () => {
      const res = await send(app, stack, tenant, c, { secret: c.wrongSecret });
      expect(res.status).toBe(401);
      if (c.service !== "xero") expect(res.body).toEqual({ error: { code: "unauthorized", message: "Signature verification failed", errorId: expect.any(String) } });
    });
  }

  if (c.wrongConfigDelivery) {
    test("when the platform check fails (organization id, channel token), answers 401", async () => {
      const d = c.wrongConfigDelivery!({ body: c.body, secret: "", nowSeconds: 0, url: "" });
      const res = await send(app, stack, tenant, { ...c, headers: () => d.headers }, { body: d.body });
      expect(res.status).toBe(401);
    });
  }

  if (c.timestamped) {
    test("when the timestamp is outside the window, answers 401", async () => {
      const stale = Math.floor(stack.clock.now.getTime() / 1000) - 3600;
      const res = await send(app, stack, tenant, c, { nowSeconds: stale });
      expect(res.status).toBe(401);
    });
  }

  if (c.service === "custom") {
    test("when the API key or the webhook secret is wrong, answers 401", async () => {
      expect((await send(app, stack, tenant, c, { headers: { authorization: "Bearer ck_wrong" } })).status).toBe(401);
      expect((await send(app, stack, tenant, c, { headers: { "x-webhook-secret": "whs_wrong" } })).status).toBe(401);
      expect((await send(app, stack, tenant, c, { headers: { authorization: "" } })).status).toBe(401);
    });
  } else {
    test("when the token was tampered with, answers 401", async () => {
      const url = new URL(`https://x${tenant.pathAndQuery}`);
      const token = url.searchParams.get("token") ?? "";
      url.searchParams.set("token", `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`);
      const res = await send(app, stack, tenant, c, { pathAndQuery: url.pathname + url.search });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(c.service === "xero" ? {} : { error: { code: "unauthorized", message: "Authentication failed: check the integration URL and credentials", errorId: expect.any(String) } });
    });

    test("when the DID or DX key is wrong, answers 401", async () => {
      const base = new URL(`https://x${tenant.pathAndQuery}`).pathname;
      const q = (did: string, dxKey: string) => `${base}?did=${encodeURIComponent(did)}&dxKey=${encodeURIComponent(dxKey)}`;
      expect((await send(app, stack, tenant, c, { pathAndQuery: q(tenant.controller.did, "dx_wrong") })).status).toBe(401);
      expect((await send(app, stack, tenant, c, { pathAndQuery: q("did:pp:unknown", tenant.controller.dxKey) })).status).toBe(401);
      expect((await send(app, stack, tenant, c, { pathAndQuery: base })).status).toBe(401);
    });
  }

  if (c.malformedBody !== undefined) {
    test("when the body is malformed, answers 400", async () => {
      const res = await send(app, stack, tenant, c, { body: c.malformedBody });
      expect(res.status).toBe(400);
      if (c.service !== "xero") expect(res.body.error.code).toBe("validation_failed");
    });
  }

  if (c.missingField) {
    test("when a required field is missing, answers 400 naming it", async () => {
      const res = await send(app, stack, tenant, c, { body: c.missingField!.body });
      expect(res.status).toBe(400);
      if (c.service !== "xero") {
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.issues).toContainEqual({ path: c.missingField!.field, message: "is required" });
      }
      expect(await intakeRows(stack, tenant.controller.id)).toHaveLength(c.expectRows);
    });
  }
});
