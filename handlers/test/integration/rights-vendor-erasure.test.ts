/**
 * Erasure in the vendors' own APIs, end to end: a deletion request is
 * submitted and verified through the engine (anonymous role), the erasure
 * plan queues one step per integration, and the erasure worker calls a local
 * fake Mailchimp (permanent delete of the member addressed by the MD5 of the
 * address), a local fake Stripe (customers found by e-mail, each deleted), a
 * fake HubSpot (GDPR delete by e-mail) and a fake Klaviyo (data-privacy
 * deletion job, 202).
 * Each fake checks the exact request, fails the first attempt and then
 * succeeds; every result lands on the request's timeline; once the request is
 * completed and the requester told, the stored address is destroyed.
 */
import { createRightsActionHandlers } from "../../src/rights";
import { createRateLimiter } from "../../src/rights/rate-limit";
import { runErasureJobs } from "../../src/rights/run-erasure-jobs";
import type { RightsOptions } from "../../src/rights/services";
import { startFakeVendor, type FakeVendor, type RecordedRequest } from "../helpers/fake-vendor";
import { hashFor, insertController, PII_KEYS } from "../helpers/seed";
import { startStack, type Stack } from "../helpers/stack";

const TRIGGERS = ["data_controllers_insert", "data_subject_rights_requests_insert", "data_subject_rights_requests_update", "generate_controller_purposes"];
const MAILCHIMP_KEY = "0123456789abcdef0123456789abcdef-us6";
const STRIPE_KEY = "sk_test_vendor_erasure_0123456789";
const HUBSPOT_TOKEN = "pat-eu1-00000000-1111-2222-3333-444444444444";
const KLAVIYO_KEY = "pk_vendor_erasure_0123456789abcdef";
const EMAIL = "erase.vendor@example.org";
/** MD5("erase.vendor@example.org"), Mailchimp's subscriber_hash (known answer, computed once outside the code under test). */
const SUBSCRIBER_HASH = "1c17d8c1a39d68bbfb97fafc1c06c358";
const hubspotBody = JSON.stringify({ objectId: EMAIL, idProperty: "email" });
const klaviyoBody = JSON.stringify({ data: { type: "data-privacy-deletion-job", attributes: { profile: { data: { type: "profile", attributes: { email: EMAIL } } } } } });

describe("erasure through vendor adapters (Mailchimp, Stripe, HubSpot, Klaviyo) against local fake vendors", () => {
  let stack: Stack;
  let mailchimp: FakeVendor;
  let stripe: FakeVendor;
  let hubspot: FakeVendor;
  let klaviyo: FakeVendor;
  let rights: RightsOptions;
  let controllerId: string;
  let did: string;

  const gql = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(stack.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  };
  const settle = () => stack.waitFor(() => stack.settled(TRIGGERS), 30_000);
  const worker = () => runErasureJobs({ sdk: stack.sdk, secretKeys: stack.secretKeys, rights, now: () => stack.clock.now, logger: stack.logger });

  beforeAll(async () => {
    // Mailchimp: the first attempt meets a 503, the second deletes (204 No Content).
    mailchimp = await startFakeVendor((req: RecordedRequest, i: number) => {
      const expected = req.method === "POST" && req.path === `/3.0/lists/aud123/members/${SUBSCRIBER_HASH}/actions/delete-permanent` && req.authorization === `Basic ${Buffer.from(`privacy-platform:${MAILCHIMP_KEY}`).toString("base64")}`;
      if (!expected) return { status: 400, body: { title: "Unexpected request" } };
      return i === 0 ? { status: 503, body: { title: "Service Unavailable" } } : { status: 204 };
    });
    // Stripe: the first list call meets a 500; then two customers with the address are listed and deleted.
    let listed = 0;
    stripe = await startFakeVendor((req: RecordedRequest) => {
      if (req.authorization !== `Bearer ${STRIPE_KEY}`) return { status: 401, body: { error: { type: "invalid_request_error" } } };
      if (req.method === "GET" && req.path === `/v1/customers?email=${encodeURIComponent(EMAIL)}&limit=100` && req.body === "") {
        listed += 1;
        if (listed === 1) return { status: 500, body: { error: { type: "api_error" } } };
        return { status: 200, body: { object: "list", url: "/v1/customers", has_more: false, data: [{ id: "cus_A1", object: "customer" }, { id: "cus_B2", object: "customer" }] } };
      }
      const match = /^\/v1\/customers\/(cus_A1|cus_B2)$/.exec(req.path);
      if (req.method === "DELETE" && match && req.body === "") return { status: 200, body: { id: match[1], object: "customer", deleted: true } };
      return { status: 404, body: { error: { type: "invalid_request_error", code: "resource_missing" } } };
    });
    // HubSpot and Klaviyo: one 429 (rate limited), then accepted.
    hubspot = await startFakeVendor((req: RecordedRequest, i: number) => {
      const expected = req.method === "POST" && req.path === "/crm/v3/objects/contacts/gdpr-delete" && req.authorization === `Bearer ${HUBSPOT_TOKEN}` && req.contentType === "application/json" && req.body === hubspotBody;
      if (!expected) return { status: 400, body: { status: "error" } };
      return i === 0 ? { status: 429, body: { status: "error", category: "RATE_LIMITS" } } : { status: 204 };
    });
    klaviyo = await startFakeVendor((req: RecordedRequest, i: number) => {
      const expected = req.method === "POST" && req.path === "/api/data-privacy-deletion-jobs" && req.authorization === `Klaviyo-API-Key ${KLAVIYO_KEY}` && req.contentType === "application/vnd.api+json" && req.body === klaviyoBody;
      if (!expected) return { status: 400, body: { errors: [] } };
      return i === 0 ? { status: 429, body: { errors: [{ code: "throttled" }] } } : { status: 202 };
    });
    rights = {
      piiKeys: PII_KEYS,
      exportsDir: "/nonexistent-exports-not-used",
      exportBaseUrl: "https://downloads.privacy.test",
      exportTtlMs: 7 * 24 * 3_600_000,
      verificationTtlMs: 72 * 3_600_000,
      rateLimiter: createRateLimiter({ limit: 20, windowMs: 3_600_000 }),
      integrationBaseUrls: {},
      fetch,
      vendors: {
        credentials: { "vendor-shop-mailchimp": MAILCHIMP_KEY, "vendor-shop-stripe": STRIPE_KEY, "vendor-shop-hubspot": HUBSPOT_TOKEN, "vendor-shop-klaviyo": KLAVIYO_KEY },
        baseUrls: { mailchimp: `${mailchimp.url}/3.0`, stripe: stripe.url, hubspot: hubspot.url, klaviyo: klaviyo.url },
        fetch,
        timeoutMs: 5_000,
      },
    };
    stack = await startStack({ unauthorizedRole: "anonymous", services: (base) => ({ ...base, rights }), actions: (services) => createRightsActionHandlers({ ...services, rights }) });
    controllerId = await insertController(stack, { title: "Vendor Shop" });
    did = `did:web:${controllerId}.example`;
    await settle();
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await mailchimp?.close();
    await stripe?.close();
    await hubspot?.close();
    await klaviyo?.close();
  });

  it("submits and verifies through the engine, calls each vendor's API with the exact request, retries the failed first attempt, records every result and destroys the address afterwards", async () => {
    const [mc] = await stack.query<{ id: string }>("insert into public.data_processors (controller_id, service, name, status, config, credentials_ref) values ($1, 'mailchimp', 'Newsletter', 'active', $2, 'vendor-shop-mailchimp') returning id", [controllerId, JSON.stringify({ listId: "aud123", legalBasis: "consent" })]);
    const [st] = await stack.query<{ id: string }>("insert into public.data_processors (controller_id, service, name, status, config, credentials_ref) values ($1, 'stripe', 'Payments', 'active', '{}', 'vendor-shop-stripe') returning id", [controllerId]);
    const [hb] = await stack.query<{ id: string }>("insert into public.data_processors (controller_id, service, name, status, config, credentials_ref) values ($1, 'hubspot', 'CRM', 'active', '{}', 'vendor-shop-hubspot') returning id", [controllerId]);
    const [kl] = await stack.query<{ id: string }>("insert into public.data_processors (controller_id, service, name, status, config, credentials_ref) values ($1, 'klaviyo', 'Flows', 'active', '{}', 'vendor-shop-klaviyo') returning id", [controllerId]);
    // No credentials resolve for this one and no connector is configured: nothing can be asked of it.
    const [hs] = await stack.query<{ id: string }>("insert into public.data_processors (controller_id, service, name, status, config, credentials_ref) values ($1, 'stripe', 'Old Stripe account', 'active', '{}', 'unknown-ref') returning id", [controllerId]);
    const subject = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    await stack.query("insert into public.data_subjects (id, controller_id) values ($1, $2)", [subject, controllerId]);
    await stack.query("insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash) values ($1, $2, 'email', $3)", [controllerId, subject, hashFor(controllerId, "email", EMAIL)]);
    await settle();

    const submitted = await gql("mutation S($input: InsertRightsRequestInput!) { insertRightsRequest(input: $input) { requestId } }", { input: { did, requestType: "deletion", email: "Erase.Vendor@Example.org" } });
    expect(submitted.errors).toBeUndefined();
    const requestId = submitted.data?.insertRightsRequest.requestId as string;
    await settle();
    await stack.sendEmails();
    const mail = await stack.smtp.waitForMessage((m) => m.envelope.to.includes(EMAIL) && m.subject.startsWith("Confirm your"));
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text ?? "")?.[1] ?? "";
    const verified = await gql("mutation V($input: VerifyRightsRequestInput!) { verifyRightsRequest(input: $input) { status } }", { input: { requestId, token } });
    expect(verified).toEqual({ data: { verifyRightsRequest: { status: "verified" } } });
    await stack.waitFor(async () => (await stack.query("select 1 from public.integration_sync_jobs where rights_request_id = $1", [requestId])).length === 5);
    await settle();

    const jobs = async () =>
      Object.fromEntries((await stack.query<{ data_processor_id: string; status: string; attempts: number }>("select data_processor_id, status, attempts from public.integration_sync_jobs where rights_request_id = $1", [requestId])).map((j) => [j.data_processor_id, `${j.status}/${j.attempts}`]));
    expect(await jobs()).toEqual({ [mc.id]: "pending/0", [st.id]: "pending/0", [hb.id]: "pending/0", [kl.id]: "pending/0", [hs.id]: "not_applicable/0" });
    expect(await stack.query("select details from public.data_subject_rights_request_events where request_id = $1 and step = 'integration_request' order by details->>'service'", [requestId])).toEqual([
      { details: { service: "hubspot", route: "vendor_api" } },
      { details: { service: "klaviyo", route: "vendor_api" } },
      { details: { service: "mailchimp", route: "vendor_api" } },
      { details: { service: "stripe", route: "vendor_api" } },
    ]);

    // First pass: both vendors fail once; nothing is due again before the back-off.
    expect(await worker()).toEqual({ completed: 0, retried: 4, failed: 0, requestsCompleted: 0 });
    expect(await worker()).toEqual({ completed: 0, retried: 0, failed: 0, requestsCompleted: 0 });
    stack.clock.now = new Date(stack.clock.now.getTime() + 31_000);
    expect(await worker()).toEqual({ completed: 4, retried: 0, failed: 0, requestsCompleted: 1 });
    expect(await jobs()).toEqual({ [mc.id]: "completed/2", [st.id]: "completed/2", [hb.id]: "completed/2", [kl.id]: "completed/2", [hs.id]: "not_applicable/0" });

    const permanentDelete = { method: "POST", path: `/3.0/lists/aud123/members/${SUBSCRIBER_HASH}/actions/delete-permanent`, authorization: `Basic ${Buffer.from(`privacy-platform:${MAILCHIMP_KEY}`).toString("base64")}`, contentType: null, body: "" };
    expect(mailchimp.requests).toEqual([permanentDelete, permanentDelete]);
    const list = { method: "GET", path: "/v1/customers?email=erase.vendor%40example.org&limit=100", authorization: `Bearer ${STRIPE_KEY}`, contentType: null, body: "" };
    expect(stripe.requests).toEqual([
      list,
      list,
      { method: "DELETE", path: "/v1/customers/cus_A1", authorization: `Bearer ${STRIPE_KEY}`, contentType: null, body: "" },
      { method: "DELETE", path: "/v1/customers/cus_B2", authorization: `Bearer ${STRIPE_KEY}`, contentType: null, body: "" },
    ]);

    const gdprDelete = { method: "POST", path: "/crm/v3/objects/contacts/gdpr-delete", authorization: `Bearer ${HUBSPOT_TOKEN}`, contentType: "application/json", body: hubspotBody };
    expect(hubspot.requests).toEqual([gdprDelete, gdprDelete]);
    const deletionJob = { method: "POST", path: "/api/data-privacy-deletion-jobs", authorization: `Klaviyo-API-Key ${KLAVIYO_KEY}`, contentType: "application/vnd.api+json", body: klaviyoBody };
    expect(klaviyo.requests).toEqual([deletionJob, deletionJob]);

    const results = await stack.query<{ status: string; message: string; details: Record<string, unknown> }>(
      "select status, message, details from public.data_subject_rights_request_events where request_id = $1 and step = 'integration_result' order by occurred_at, details->>'service', status",
      [requestId],
    );
    expect(results).toEqual([
      { status: "failed", message: "Attempt 1 failed (HTTP 429); retrying", details: { service: "hubspot", attempt: 1, route: "vendor_api" } },
      { status: "failed", message: "Attempt 1 failed (HTTP 429); retrying", details: { service: "klaviyo", attempt: 1, route: "vendor_api" } },
      { status: "failed", message: "Attempt 1 failed (HTTP 503); retrying", details: { service: "mailchimp", attempt: 1, route: "vendor_api" } },
      { status: "failed", message: "Attempt 1 failed (HTTP 500); retrying", details: { service: "stripe", attempt: 1, route: "vendor_api" } },
      // Planned at the same instant as the first attempts (the clock had not moved).
      { status: "not_applicable", message: "No erasure API configured for this integration", details: { service: "stripe" } },
      { status: "completed", message: "Erasure confirmed (HTTP 204)", details: { service: "hubspot", attempt: 2, route: "vendor_api" } },
      { status: "completed", message: "Erasure confirmed (HTTP 202): deletion job accepted; Klaviyo erases asynchronously", details: { service: "klaviyo", attempt: 2, route: "vendor_api" } },
      { status: "completed", message: "Erasure confirmed (HTTP 204)", details: { service: "mailchimp", attempt: 2, route: "vendor_api" } },
      { status: "completed", message: "Erasure confirmed (HTTP 200): 2 customer(s) deleted", details: { service: "stripe", attempt: 2, route: "vendor_api" } },
    ]);

    // Completed; the requester is told; then the stored address is gone (only its keyed hash stays, as the suppression).
    await settle();
    expect(await stack.query("select status, outcome, requester_email_encrypted, requester_email_hash from public.data_subject_rights_requests where id = $1", [requestId])).toEqual([
      { status: "completed", outcome: "completed", requester_email_encrypted: null, requester_email_hash: hashFor(controllerId, "email", EMAIL) },
    ]);
    expect(await stack.query("select message from public.data_subject_rights_request_events where request_id = $1 and step = 'note' order by occurred_at", [requestId])).toEqual([
      { message: "Own records erased" },
      { message: "Requester address destroyed" },
    ]);
    await stack.sendEmails();
    const done = await stack.smtp.waitForMessage((m) => m.envelope.to.includes(EMAIL) && m.subject.endsWith("is complete"));
    expect(done.text).toContain("asked every service we share it with to erase it too");
    // Redelivering the completion changes nothing and cannot mail again (no address left).
    expect(await stack.redeliver("data_subject_rights_requests_update")).toEqual(expect.arrayContaining([200]));
    expect(await stack.sendEmails()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    // No line of the log carries the address or the vendor secrets.
    const logs = stack.logLines.join("");
    for (const secret of [EMAIL, MAILCHIMP_KEY, STRIPE_KEY, HUBSPOT_TOKEN, KLAVIYO_KEY, SUBSCRIBER_HASH]) expect(logs).not.toContain(secret);
  }, 90_000);
});
