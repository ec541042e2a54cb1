/**
 * Everything around the per-platform happy paths, on the real engine and
 * Postgres: routing errors, body limit, rate limit, database outage and retry,
 * handshakes, privacy webhooks and customer-redact calls becoming rights
 * requests, the de-duplication window, Standard Webhooks opt-in, metrics and
 * logs without personal data.
 */
import request from "supertest";
import type { Express } from "express";
import { createIntegration } from "../../src/management/integrations";
import { signMandrill } from "../../src/integrations/mailchimp/signature";
import { signShopify } from "../../src/integrations/shopify/signature";
import { signStripe } from "../../src/integrations/stripe/signature";
import { signStandardWebhook } from "../../src/integrations/custom/signature";
import { signWooCommerce } from "../../src/integrations/woocommerce/signature";
import { signXero } from "../../src/integrations/xero/signature";
import { signHubSpotV3 } from "../../src/integrations/hubspot/signature";
import { CUSTOM_DEFINITION, PLATFORM_CASES, type PlatformCase } from "../fixtures/platforms";
import { PUBLIC_BASE_URL, startStack, type Stack } from "../helpers/stack";
import { createTenant, expectedHash, intakeRows, send, type Tenant } from "../helpers/tenant";

let stack: Stack;
let app: Express;
const byService = (s: string): PlatformCase => {
  const found = PLATFORM_CASES.find((c) => c.service === s);
  if (!found) throw new Error(s);
  return found;
};
const nowSeconds = () => Math.floor(stack.clock.now.getTime() / 1000);

beforeAll(async () => {
  stack = await startStack();
  app = stack.app();
});
afterAll(async () => {
  await stack?.close();
});

async function rightsRequests(controllerId: string) {
  const r = await stack.pool.query<{ request_type: string; status: string; source: string; source_processor_id: string; request_details: { identifiers: { type: string; hash: string }[]; platformEventKey: string }; requester_email_hash: string | null; due_at: Date; verification_method: string }>(
    "select request_type, status, source, source_processor_id, request_details, requester_email_hash, due_at, verification_method from data_subject_rights_requests where controller_id = $1 order by created_at",
    [controllerId],
  );
  return r.rows;
}

describe("routing and limits", () => {
  let tenant: Tenant;
  const shopify = byService("shopify");
  beforeAll(async () => {
    tenant = await createTenant(stack, shopify, "Limits Org");
  });

  test("an unknown service answers 404 with a JSON body", async () => {
    const res = await request(app).post("/api/v1/integrations/myspace/event").send("{}");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: "not_found", message: "Unknown integration", errorId: expect.any(String) } });
  });

  test("an unknown endpoint, NetSuite off its own path, and GET without a handshake answer 404", async () => {
    expect((await request(app).post("/api/v1/integrations/shopify/whatever").send("{}")).status).toBe(404);
    expect((await request(app).post("/api/v1/integrations/netsuite/event").send("{}")).status).toBe(404);
    expect((await request(app).post("/api/v1/integrations/shopify/customer-redact").send("{}")).status).toBe(404);
    expect((await send(app, stack, tenant, shopify, { method: "get" })).status).toBe(404);
  });

  test("a body over the limit answers 413 and stores nothing", async () => {
    const big = JSON.stringify({ id: 1, note: "x".repeat(70 * 1024) });
    const res = await send(app, stack, tenant, shopify, { body: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await intakeRows(stack, tenant.controller.id)).toHaveLength(0);
  });

  test("past the per-IP budget answers 429 with Retry-After", async () => {
    const limited = stack.app({ rateLimit: { max: 2, windowMs: 60_000 } });
    const first = await request(limited).post("/api/v1/integrations/myspace/event").send("{}");
    expect(first.status).toBe(404);
    // The budget is announced in IETF draft-7 headers.
    expect(first.headers["ratelimit-policy"]).toBe("2;w=60");
    expect(first.headers["ratelimit"]).toMatch(/^limit=2, remaining=1, reset=(59|60)$/);
    expect((await request(limited).post("/api/v1/integrations/myspace/event").send("{}")).status).toBe(404);
    const res = await send(limited, stack, tenant, shopify);
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("60");
    expect(res.body).toEqual({ error: { code: "rate_limited", message: "Too many requests from this address; retry later", errorId: expect.any(String) } });
  });

  test("DID + DX key query parameters authenticate as well as the token", async () => {
    const path = `/api/v1/integrations/shopify/event?did=${encodeURIComponent(tenant.controller.did)}&dxKey=${encodeURIComponent(tenant.controller.dxKey)}`;
    const res = await send(app, stack, tenant, shopify, { pathAndQuery: path });
    expect(res.status).toBe(200);
    expect(await intakeRows(stack, tenant.controller.id)).toHaveLength(1);
  });

  test("when the database is down, answers 500; once it is back, the platform's retry is stored once", async () => {
    const body = JSON.stringify({ id: 777, email: "outage@example.org" });
    const headers = { "x-shopify-event-id": "evt-outage" };
    await stack.stopEngine();
    try {
      const res = await send(app, stack, tenant, shopify, { body, headers });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: "internal", message: "Internal error; the request can be retried", errorId: expect.any(String) } });
    } finally {
      await stack.startEngine();
    }
    const retry = await send(app, stack, tenant, shopify, { body, headers });
    expect(retry.status).toBe(200);
    const rows = await intakeRows(stack, tenant.controller.id);
    expect(rows.filter((r) => r.platform_event_id === "evt-outage")).toHaveLength(1);
  });
});

describe("handshakes", () => {
  test("Xero Intent to Receive: 200 with an empty body when signed, 401 with an empty body when not", async () => {
    const c = byService("xero");
    const t = await createTenant(stack, c, "Xero ITR");
    const itr = '{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}';
    const good = await send(app, stack, t, c, { body: itr });
    expect(good.status).toBe(200);
    expect(good.text).toBe("");
    expect(good.headers["set-cookie"]).toBeUndefined();
    const bad = await send(app, stack, t, c, { body: itr, headers: { "x-xero-signature": signXero(itr, "wrong") } });
    expect(bad.status).toBe(401);
    expect(bad.text).toBe("");
    expect(await intakeRows(stack, t.controller.id)).toHaveLength(0);
  });

  test("Mailchimp Marketing's GET check answers 200 with the token, 401 without", async () => {
    const c = byService("mailchimp-marketing");
    const t = await createTenant(stack, c, "MC GET");
    expect((await send(app, stack, t, c, { method: "get" })).status).toBe(200);
    expect((await request(app).get("/api/v1/integrations/mailchimp-marketing/event")).status).toBe(401);
  });

  test("Mandrill: HEAD answers 200, and the empty POST signed with the generic key is accepted and not stored", async () => {
    const c = byService("mailchimp");
    const t = await createTenant(stack, c, "Mandrill check");
    expect((await send(app, stack, t, c, { method: "head" })).status).toBe(200);
    const body = "mandrill_events=%5B%5D";
    const sig = signMandrill(PUBLIC_BASE_URL + t.pathAndQuery, [["mandrill_events", "[]"]], "test-webhook");
    const res = await send(app, stack, t, c, { body, headers: { "x-mandrill-signature": sig } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(await intakeRows(stack, t.controller.id)).toHaveLength(0);
  });

  test("WooCommerce's unsigned ping answers exactly 200 and is not stored", async () => {
    const c = byService("woocommerce");
    const t = await createTenant(stack, c, "Woo ping");
    const res = await request(app).post(t.pathAndQuery).set("content-type", "application/x-www-form-urlencoded").send("webhook_id=12");
    expect(res.status).toBe(200);
    expect(await intakeRows(stack, t.controller.id)).toHaveLength(0);
  });

  test("Google Drive's sync message answers 200 and is not stored; a wrong channel token is 401", async () => {
    const c = byService("google-drive");
    const t = await createTenant(stack, c, "Drive sync");
    const base = c.headers({ body: "", secret: "", nowSeconds: 0, url: "" });
    expect((await send(app, stack, t, c, { headers: { ...base, "x-goog-resource-state": "sync", "x-goog-message-number": "1" } })).status).toBe(200);
    expect((await send(app, stack, t, c, { headers: { ...base, "x-goog-resource-state": "sync", "x-goog-channel-token": "nope" } })).status).toBe(401);
    expect(await intakeRows(stack, t.controller.id)).toHaveLength(0);
  });

  test("SurveyMonkey's HEAD and GET pings answer 200", async () => {
    const c = byService("survey-monkey");
    const t = await createTenant(stack, c, "SM ping");
    expect((await send(app, stack, t, c, { method: "head" })).status).toBe(200);
    expect((await send(app, stack, t, c, { method: "get" })).status).toBe(200);
  });
});

describe("privacy webhooks become rights requests", () => {
  const shopify = byService("shopify");
  const REDACT = '{"shop_id":954889,"shop_domain":"example.myshopify.com","customer":{"id":191167,"email":"jane@example.com","phone":"+1 415 555 2671"},"orders_to_redact":[1234]}';
  const DATA_REQUEST = '{"shop_id":954889,"shop_domain":"example.myshopify.com","customer":{"id":191167,"email":"jane@example.com"},"orders_requested":[1],"data_request":{"id":9999}}';
  const SHOP_REDACT = '{"shop_id":954889,"shop_domain":"example.myshopify.com"}';
  let t: Tenant;
  beforeAll(async () => {
    t = await createTenant(stack, shopify, "Shopify privacy");
  });
  const compliance = (topic: string, body: string, id: string, secret = "test-client-secret") => ({
    body,
    headers: { "x-shopify-topic": topic, "x-shopify-event-id": id, "x-shopify-hmac-sha256": signShopify(body, secret) },
  });

  test("customers/redact creates a deletion request with the hashed identifiers, once", async () => {
    for (let i = 0; i < 2; i++) expect((await send(app, stack, t, shopify, compliance("customers/redact", REDACT, "c-redact-1"))).status).toBe(200);
    const requests = await rightsRequests(t.controller.id);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ request_type: "deletion", status: "received", source: "integration", source_processor_id: t.integration.processorId, verification_method: "not_required" });
    expect(requests[0].requester_email_hash).toBe(expectedHash(t.controller.id, "email", "jane@example.com"));
    expect(requests[0].request_details.identifiers.map((i) => [i.type, i.hash]).sort()).toEqual(
      [
        ["customer_id", expectedHash(t.controller.id, "customer_id", "shopify:example.myshopify.com:191167")],
        ["email", expectedHash(t.controller.id, "email", "jane@example.com")],
        ["phone", expectedHash(t.controller.id, "phone", "+14155552671")],
      ].sort(),
    );
    // GDPR Art. 12(3): one month from receipt (2026-01-15 → 2026-02-15).
    expect(requests[0].due_at.toISOString()).toBe("2026-02-15T12:00:00.000Z");
    const rows = await intakeRows(stack, t.controller.id);
    expect(rows.filter((r) => r.event_type === "customers/redact")).toHaveLength(1);
  });

  test("customers/data_request creates an access request and shop/redact a deletion for the shop", async () => {
    expect((await send(app, stack, t, shopify, compliance("customers/data_request", DATA_REQUEST, "c-dr-1"))).status).toBe(200);
    expect((await send(app, stack, t, shopify, compliance("shop/redact", SHOP_REDACT, "c-shop-1"))).status).toBe(200);
    const types = (await rightsRequests(t.controller.id)).map((r) => r.request_type);
    expect(types).toEqual(["deletion", "access", "deletion"]);
  });

  test("a compliance webhook with a bad HMAC answers 401 and creates nothing", async () => {
    const res = await send(app, stack, t, shopify, compliance("customers/redact", REDACT, "c-redact-2", "wrong-secret"));
    expect(res.status).toBe(401);
    expect(await rightsRequests(t.controller.id)).toHaveLength(3);
  });

  test("HubSpot contact.privacyDeletion creates a deletion request", async () => {
    const c = byService("hubspot");
    const h = await createTenant(stack, c, "HubSpot privacy");
    const body = '[{"eventId":9,"subscriptionId":1,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.privacyDeletion","objectId":123}]';
    const res = await send(app, stack, h, c, {
      body,
      headers: { "x-hubspot-request-timestamp": String(nowSeconds() * 1000), "x-hubspot-signature-v3": signHubSpotV3("POST", PUBLIC_BASE_URL + h.pathAndQuery, body, c.secret ?? "", nowSeconds() * 1000) },
    });
    expect(res.status).toBe(200);
    expect((await rightsRequests(h.controller.id)).map((r) => r.request_type)).toEqual(["deletion"]);
  });
});

describe("POST /api/v1/integrations/{service}/customer-redact", () => {
  const redactBody = (requestId: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ requestId, customer: { email: "Jane@Example.com", id: "cus_1" }, ...extra });
  const redactPath = (t: Tenant) => t.pathAndQuery.replace("/event?", "/customer-redact?");

  test.each([
    ["stripe", (b: string, s: string) => ({ "stripe-signature": signStripe(b, s, Math.floor(Date.parse("2026-01-15T12:00:00Z") / 1000)) })],
    ["woocommerce", (b: string, s: string) => ({ "x-wc-webhook-signature": signWooCommerce(b, s) })],
    ["xero", (b: string, s: string) => ({ "x-xero-signature": signXero(b, s) })],
  ] as const)("%s: signed with the platform's scheme creates one deletion request; a bad signature is 401", async (service, sign) => {
    const c = byService(service);
    const t = await createTenant(stack, c, `${service} redact`);
    const body = redactBody("r-1");
    const post = (headers: Record<string, string>) => request(app).post(redactPath(t)).set("content-type", "application/json").set(headers).send(body);
    expect((await post(sign(body, "wrong"))).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await post(sign(body, c.secret ?? ""))).status).toBe(200);
    const requests = await rightsRequests(t.controller.id);
    expect(requests).toHaveLength(1);
    expect(requests[0].request_type).toBe("deletion");
    expect(requests[0].requester_email_hash).toBe(expectedHash(t.controller.id, "email", "jane@example.com"));
  });

  test("Salesforce requires the configured organization id; Mailchimp relies on the token", async () => {
    const sf = await createTenant(stack, byService("salesforce"), "SF redact");
    const wrongOrg = redactBody("r-2", { organizationId: "00D000000000999EAA" });
    expect((await request(app).post(redactPath(sf)).set("content-type", "application/json").send(wrongOrg)).status).toBe(401);
    const access = redactBody("r-3", { organizationId: "00D000000000001EAA", requestType: "access" });
    expect((await request(app).post(redactPath(sf)).set("content-type", "application/json").send(access)).status).toBe(200);
    expect((await rightsRequests(sf.controller.id)).map((r) => r.request_type)).toEqual(["access"]);
    for (const service of ["mailchimp", "mailchimp-marketing"]) {
      const t = await createTenant(stack, byService(service), `${service} redact`);
      expect((await request(app).post(redactPath(t)).set("content-type", "application/json").send(redactBody("r-4"))).status).toBe(200);
      expect((await request(app).post("/api/v1/integrations/" + service + "/customer-redact").set("content-type", "application/json").send(redactBody("r-4"))).status).toBe(401);
      expect(await rightsRequests(t.controller.id)).toHaveLength(1);
    }
  });

  test("malformed JSON is 400, a stale Stripe timestamp and a body changed after signing are 401", async () => {
    const c = byService("stripe");
    const t = await createTenant(stack, c, "Redact errors");
    const post = (body: string, headers: Record<string, string> = {}) => request(app).post(redactPath(t)).set("content-type", "application/json").set(headers).send(body);
    expect((await post("{not json")).status).toBe(401); // unsigned: refused before parsing
    expect((await post("{not json", { "stripe-signature": signStripe("{not json", c.secret ?? "", nowSeconds()) })).status).toBe(400);
    const body = redactBody("r-9");
    expect((await post(body, { "stripe-signature": signStripe(body, c.secret ?? "", nowSeconds() - 3600) })).status).toBe(401);
    expect((await post(body.replace("Jane", "Jana"), { "stripe-signature": signStripe(body, c.secret ?? "", nowSeconds()) })).status).toBe(401);
    expect(await rightsRequests(t.controller.id)).toHaveLength(0);
  });

  test("without any identifier answers 400 naming the field", async () => {
    const t = await createTenant(stack, byService("mailchimp-marketing"), "Redact 400");
    const res = await request(app).post(redactPath(t)).set("content-type", "application/json").send('{"customer":{}}');
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: "customer", message: "needs at least one of id, email, phone" }]);
  });
});

describe("custom integrations", () => {
  const c = byService("custom");
  const event = (eventId: string) => JSON.stringify({ event: "user.signup", triggeredAt: "2026-01-15T11:00:00Z", eventId, email: "window@example.org" });

  test("the same PII within the window is skipped; after the window it is stored again", async () => {
    const t = await createTenant(stack, c, "Window Org");
    expect((await send(app, stack, t, c, { body: event("w-1") })).body).toEqual({ ok: true, received: 1, stored: 1, duplicates: 0 });
    expect((await send(app, stack, t, c, { body: event("w-2") })).body).toEqual({ ok: true, received: 1, stored: 0, duplicates: 1 });
    const saved = stack.clock.now;
    stack.clock.now = new Date(saved.getTime() + 61_000);
    try {
      expect((await send(app, stack, t, c, { body: event("w-3") })).body).toEqual({ ok: true, received: 1, stored: 1, duplicates: 0 });
    } finally {
      stack.clock.now = saved;
    }
    expect(await intakeRows(stack, t.controller.id)).toHaveLength(2);
  });

  test("an event the integration does not define answers 400", async () => {
    const t = await createTenant(stack, c, "Undefined event");
    const res = await send(app, stack, t, c, { body: '{"event":"order.placed","triggeredAt":"2026-01-15T11:00:00Z"}' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: "event", message: "is not a configured event" }]);
  });

  test("with Standard Webhooks enabled, unsigned and stale requests answer 401 and signed ones 200", async () => {
    const t = await createTenant(stack, c, "Signed custom");
    const signed = await createIntegration(
      { did: t.controller.did, dxKey: t.controller.dxKey, service: "custom", name: "signed", custom: CUSTOM_DEFINITION, standardWebhooks: true },
      stack.management,
    );
    expect(signed.signingSecret).toMatch(/^whsec_/);
    expect(signed.notes.join(" ")).toContain("Standard Webhooks");
    const st: Tenant = { ...t, integration: signed, pathAndQuery: new URL(signed.webhookUrl).pathname + new URL(signed.webhookUrl).search };
    const body = event("sw-1");
    expect((await send(app, stack, st, c, { body })).status).toBe(401);
    const stale = nowSeconds() - 600;
    expect((await send(app, stack, st, c, { body, headers: { "webhook-id": "m1", "webhook-timestamp": String(stale), "webhook-signature": signStandardWebhook("m1", stale, body, signed.signingSecret ?? "") } })).status).toBe(401);
    const res = await send(app, stack, st, c, { body, headers: { "webhook-id": "m1", "webhook-timestamp": String(nowSeconds()), "webhook-signature": signStandardWebhook("m1", nowSeconds(), body, signed.signingSecret ?? "") } });
    expect(res.status).toBe(200);
  });
});

describe("operations", () => {
  test("/healthz answers 200 and /metrics counts webhook requests by integration and status", async () => {
    expect((await request(app).get("/healthz")).body).toEqual({ status: "ok", service: "conduit" });
    const metrics = await request(app).get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/conduit_webhook_requests_total\{integration="shopify",endpoint="event",status="200",service="conduit"\} \d+/);
    expect(metrics.text).toMatch(/conduit_webhook_requests_total\{integration="unknown",endpoint="event",status="404",service="conduit"\} \d+/);
    expect(metrics.text).toContain("conduit_intake_duration_seconds_bucket");
  });

  test("no log line written during this file holds a raw e-mail, phone or name", () => {
    const all = stack.logLines.join("\n");
    expect(stack.logLines.length).toBeGreaterThan(20);
    expect(all).not.toMatch(/jane|example\.com|example\.org|415 555|\+14155552671|2071838750|"doe"/i);
    expect(all).not.toContain("token=");
  });
});
