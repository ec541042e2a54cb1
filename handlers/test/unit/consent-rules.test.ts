/**
 * Pure consent rules: decisions per mechanism, GPC, evidence hashing, the
 * subject token, the sync key and the integration client's outcome classes,
 * and the HANDLERS_INTEGRATION_BASE_URLS parsing.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseKeyRing } from "../../../common/src/crypto";
import { loadConfig } from "../../src/config";
import { decideChoices } from "../../src/consent/decide";
import { canonicalJson, clientIp, hashIp, recordHash } from "../../src/consent/evidence";
import { gpcApplies, jurisdictionOf } from "../../src/consent/gpc";
import type { ConsentCategory } from "../../src/consent/operations";
import { issueConsentSubjectToken, verifyConsentSubjectToken } from "../../src/consent/subject-token";
import { createIntegrationClient, type ConsentSyncCall } from "../../src/integrations/client";
import { consentSyncKey, parseConsentSyncKey } from "../../src/integrations/consent-sync-key";
import { syncBackoffMs } from "../../src/integrations/run-sync-jobs";

const ring = parseKeyRing(`k1:${Buffer.alloc(32, 9).toString("base64url")}`);
const CONTROLLER = "11111111-1111-4111-8111-111111111111";
const SUBJECT = "22222222-2222-4222-8222-222222222222";
const purpose = (slug: string, sale = false) => ({ id: "33333333-3333-4333-8333-33333333333" + slug.length, slug, version: 1, status: "active", isSaleOrSharing: sale });
const categories: ConsentCategory[] = [
  { slug: "necessary", title: "Necessary", description: null, isRequired: true, purpose: purpose("ops") },
  { slug: "stats", title: "Stats", description: null, isRequired: false, purpose: purpose("stats") },
  { slug: "ads", title: "Ads", description: null, isRequired: false, purpose: purpose("ads", true) },
];
const decide = (mechanism: Parameters<typeof decideChoices>[0]["mechanism"], submitted: { categorySlug: string; decision: "granted" | "denied" }[], gpc = false, current = new Map<string, "granted" | "denied">()) =>
  decideChoices({ categories, mechanism, submitted, current, gpc });
const asObject = (outcome: ReturnType<typeof decideChoices>) => (outcome.ok ? { ...Object.fromEntries(outcome.decisions), conflict: outcome.signalConflict, gpc: outcome.gpcApplied } : outcome.issues);

describe("decideChoices", () => {
  it("accept_all grants, reject_all denies everything but the required category", () => {
    expect(asObject(decide("accept_all", []))).toEqual({ necessary: "granted", stats: "granted", ads: "granted", conflict: false, gpc: false });
    expect(asObject(decide("reject_all", [{ categorySlug: "necessary", decision: "denied" }]))).toEqual({ necessary: "granted", stats: "denied", ads: "denied", conflict: false, gpc: false });
  });
  it("save_choices denies what was left out; form_checkbox keeps the current state of the rest", () => {
    expect(asObject(decide("save_choices", [{ categorySlug: "stats", decision: "granted" }]))).toEqual({ necessary: "granted", stats: "granted", ads: "denied", conflict: false, gpc: false });
    expect(asObject(decide("form_checkbox", [{ categorySlug: "stats", decision: "denied" }], false, new Map([["ads", "granted"]])))).toEqual({ necessary: "granted", stats: "denied", ads: "granted", conflict: false, gpc: false });
  });
  it("rejects unknown, repeated and contradicting choices with their paths", () => {
    expect(decide("save_choices", [{ categorySlug: "x", decision: "granted" }, { categorySlug: "stats", decision: "granted" }, { categorySlug: "stats", decision: "denied" }])).toEqual({
      ok: false,
      issues: [
        { path: "input.choices.0.categorySlug", message: "is not a category of this form" },
        { path: "input.choices.2.categorySlug", message: "is given twice" },
      ],
    });
    expect(decide("accept_all", [{ categorySlug: "ads", decision: "denied" }])).toEqual({ ok: false, issues: [{ path: "input.choices.0.decision", message: "contradicts accept_all" }] });
    expect(decide("api", [])).toEqual({ ok: false, issues: [{ path: "input.choices", message: "must name at least one category for api" }] });
  });
  it("GPC denies sale/sharing unless granted by name, which is recorded as a conflict", () => {
    expect(asObject(decide("accept_all", [], true))).toEqual({ necessary: "granted", stats: "granted", ads: "denied", conflict: false, gpc: true });
    expect(asObject(decide("save_choices", [{ categorySlug: "ads", decision: "granted" }], true))).toEqual({ necessary: "granted", stats: "denied", ads: "granted", conflict: true, gpc: false });
  });
});

describe("GPC applicability", () => {
  it("follows the form's switch, and a US state's law even when the switch is off", () => {
    expect(gpcApplies({ signal: true, honorGpc: true, jurisdiction: "DE" })).toBe(true);
    expect(gpcApplies({ signal: true, honorGpc: false, jurisdiction: "DE" })).toBe(false);
    expect(gpcApplies({ signal: true, honorGpc: false, jurisdiction: "US-CA" })).toBe(true);
    expect(gpcApplies({ signal: false, honorGpc: true, jurisdiction: "US-CA" })).toBe(false);
    expect(jurisdictionOf({ "x-privacy-jurisdiction": " us-co " })).toBe("US-CO");
    expect(jurisdictionOf({ "x-privacy-jurisdiction": "California" })).toBeNull();
  });
});

describe("evidence", () => {
  it("hashes the IP per controller with a keyed hash and takes the first forwarded address", () => {
    const a = hashIp("203.0.113.9", CONTROLLER, ring);
    expect(a).toMatch(/^k1:[0-9a-f]{64}$/);
    expect(hashIp("203.0.113.9", SUBJECT, ring)).not.toBe(a);
    expect(clientIp({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" })).toBe("203.0.113.9");
    expect(clientIp({ "x-forwarded-for": "not-an-ip", "x-real-ip": "2001:db8::1" })).toBe("2001:db8::1");
    expect(clientIp({})).toBeNull();
  });
  it("chains records over a canonical JSON independent of key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: "x" }] })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
    expect(recordHash("p", { a: 1, b: 2 })).toBe(recordHash("p", { b: 2, a: 1 }));
    expect(recordHash("p", { a: 1 })).not.toBe(recordHash("q", { a: 1 }));
  });
});

describe("consent subject token", () => {
  const now = new Date("2026-03-02T10:00:00.000Z");
  it("verifies for its controller until it expires", async () => {
    const token = await issueConsentSubjectToken({ controllerId: CONTROLLER, dataSubjectId: SUBJECT, now, ttlDays: 1 }, ring);
    expect(await verifyConsentSubjectToken(token, { controllerId: CONTROLLER, now }, ring)).toEqual({ ok: true, dataSubjectId: SUBJECT });
    expect(await verifyConsentSubjectToken(token, { controllerId: SUBJECT, now }, ring)).toEqual({ ok: false, reason: "wrong_controller" });
    expect(await verifyConsentSubjectToken(token, { controllerId: CONTROLLER, now: new Date("2026-03-03T10:00:00.000Z") }, ring)).toEqual({ ok: false, reason: "expired" });
    const other = parseKeyRing(`k1:${Buffer.alloc(32, 8).toString("base64url")}`);
    expect(await verifyConsentSubjectToken(token, { controllerId: CONTROLLER, now }, other)).toEqual({ ok: false, reason: "invalid_token" });
    expect(await verifyConsentSubjectToken("jane@example.org", { controllerId: CONTROLLER, now }, ring)).toEqual({ ok: false, reason: "invalid_token" });
  });
});

describe("consent sync key, backoff and client", () => {
  it("round-trips the key and rejects anything else", () => {
    const parts = { purposeId: CONTROLLER, changeId: SUBJECT, processorId: CONTROLLER };
    expect(parseConsentSyncKey(consentSyncKey(parts))).toEqual(parts);
    expect(parseConsentSyncKey("erasure:x")).toBeNull();
  });
  it("backs off 30 s doubling up to an hour", () => {
    expect([1, 2, 3, 8, 20].map(syncBackoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
  });

  let server: Server;
  let url: string;
  const statuses: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const status = statuses.shift() ?? 200;
        res.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? '{"reference":"r-1"}' : "{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const call: ConsentSyncCall = {
    service: "hubspot",
    idempotencyKey: "k",
    body: { jobId: SUBJECT, controllerId: CONTROLLER, processorId: CONTROLLER, listId: null, subject: { id: SUBJECT, identifiers: [] }, purpose: { slug: "news", saleOrSharing: false }, decision: "denied", changedAt: "2026-03-02T10:00:00Z" },
  };
  it("classifies answers: success with reference, 404 not applicable, 429/5xx retryable, other 4xx permanent, no URL retryable", async () => {
    const client = createIntegrationClient({ baseUrls: { hubspot: `${url}/` } });
    statuses.push(200, 404, 429, 503, 400);
    expect(await client.syncConsent(call)).toEqual({ ok: true, reference: "r-1" });
    expect(await client.syncConsent(call)).toEqual({ ok: false, retryable: false, notApplicable: true, reason: "HTTP 404: the integration does not know this subject" });
    expect(await client.syncConsent(call)).toEqual({ ok: false, retryable: true, notApplicable: false, reason: "HTTP 429" });
    expect(await client.syncConsent(call)).toEqual({ ok: false, retryable: true, notApplicable: false, reason: "HTTP 503" });
    expect(await client.syncConsent(call)).toEqual({ ok: false, retryable: false, notApplicable: false, reason: "HTTP 400" });
    expect(await createIntegrationClient({ baseUrls: {} }).syncConsent(call)).toEqual({ ok: false, retryable: true, notApplicable: false, reason: "no base URL configured for hubspot" });
    expect(await createIntegrationClient({ baseUrls: { hubspot: "http://127.0.0.1:1" } }).syncConsent(call)).toMatchObject({ ok: false, retryable: true, notApplicable: false });
  });
  it("parses HANDLERS_INTEGRATION_BASE_URLS and names it when malformed", () => {
    const base = { HANDLERS_WEBHOOK_SECRET: "x".repeat(16), HASURA_GRAPHQL_ADMIN_SECRET: "s", SECRETS_ENCRYPTION_KEYS: "k1:abc" };
    expect(loadConfig({ ...base, HANDLERS_INTEGRATION_BASE_URLS: "mailchimp=https://c.example/mc/, hubspot=http://127.0.0.1:9000" }).HANDLERS_INTEGRATION_BASE_URLS).toEqual({
      mailchimp: "https://c.example/mc",
      hubspot: "http://127.0.0.1:9000",
    });
    expect(loadConfig(base).HANDLERS_INTEGRATION_BASE_URLS).toEqual({});
    expect(() => loadConfig({ ...base, HANDLERS_INTEGRATION_BASE_URLS: "mailchimp" })).toThrow(/HANDLERS_INTEGRATION_BASE_URLS/);
  });
});
