/**
 * Consent through the real stack: the two consent actions (Hasura's action
 * payload and headers, on handlers' app) write through the engine; the
 * engine delivers data_subject_preference_values_update; the sync worker
 * calls a local fake integration that fails once, then succeeds.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { createActionHandlers } from "../../src/actions";
import { createApp } from "../../src/app";
import { hashIp, noticeDigest, recordHash } from "../../src/consent/evidence";
import { issueConsentSubjectToken } from "../../src/consent/subject-token";
import { createIntegrationClient } from "../../src/integrations/client";
import { runDueSyncJobs } from "../../src/integrations/run-sync-jobs";
import { createRegistry } from "../../src/registry";
import { hashFor, insertController, insertProcessor, insertPurpose } from "../helpers/seed";
import { ADMIN_SECRET, HANDLERS_SECRET, startStack, type Stack } from "../helpers/stack";

const TRIGGER = "data_subject_preference_values_update";

interface FakeCall {
  idempotencyKey: string | undefined;
  body: {
    jobId: string;
    processorId: string;
    listId: string | null;
    subject: { id: string; identifiers: { type: string; hash: string; keyVersion: number }[] };
    purpose: { slug: string; saleOrSharing: boolean };
    decision: string;
  };
}

function startFakeIntegration(): Promise<{ url: string; calls: FakeCall[]; failNext: (n: number) => void; close: () => Promise<void> }> {
  const calls: FakeCall[] = [];
  let failures = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/consent") {
        res.writeHead(404).end();
        return;
      }
      calls.push({ idempotencyKey: req.headers["idempotency-key"] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as FakeCall["body"] });
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503, { "content-type": "application/json" }).end('{"detail":"maintenance"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ reference: `mc-${calls.length}` }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
        failNext: (n) => {
          failures = n;
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

describe("consent actions, proof and integration sync through the engine", () => {
  let stack: Stack;
  let fake: Awaited<ReturnType<typeof startFakeIntegration>>;
  let actions: ReturnType<typeof createApp>;
  let controllerId: string;
  let did: string;
  let subjectId: string;
  let mailchimp: string;
  let newsletter: string;
  let ads: string;
  let token: string;

  const sync = () =>
    runDueSyncJobs({ sdk: stack.sdk, client: createIntegrationClient({ baseUrls: { mailchimp: fake.url } }), now: () => stack.clock.now, logger: stack.logger, maxAttempts: 3 });

  const call = (name: string, input: Record<string, unknown>, headers: Record<string, string> = {}) =>
    request(actions)
      .post(`/actions/${name}`)
      .set("x-handlers-secret", HANDLERS_SECRET)
      .set(headers)
      .send({ action: { name }, input: { input }, session_variables: { "x-hasura-role": "anonymous" }, request_query: "" });

  beforeAll(async () => {
    stack = await startStack({ actions: createActionHandlers });
    fake = await startFakeIntegration();
    actions = createApp({
      webhookSecret: HANDLERS_SECRET,
      logger: stack.logger,
      registry: createRegistry({ actions: createActionHandlers({ sdk: stack.sdk, secretKeys: stack.secretKeys, appBaseUrl: "https://app.privacy.test" }) }),
      now: () => stack.clock.now,
    });
    controllerId = await insertController(stack);
    did = `did:web:${controllerId}.example`;
    newsletter = await insertPurpose(stack, controllerId, "newsletter", "consent");
    ads = await insertPurpose(stack, controllerId, "targeted_ads", "consent");
    await stack.query("update public.purposes set is_sale_or_sharing = true where id = $1", [ads]);
    const necessary = await insertPurpose(stack, controllerId, "site_operation", "legitimate_interests");
    const formId = randomUUID();
    await stack.query(
      `insert into public.consent_forms (id, controller_id, slug, name, notice_text, version, status, regime, honor_gpc, published_at)
       values ($1, $2, 'preferences', 'Preferences', 'We use your data for the purposes below.', 3, 'published', 'opt_in', true, now())`,
      [formId, controllerId],
    );
    await stack.query(
      `insert into public.consent_categories (form_id, purpose_id, slug, title, description, is_required, default_granted, position) values
        ($1, $2, 'necessary', 'Necessary', 'Keeps the site running', true, true, 0),
        ($1, $3, 'newsletter', 'Newsletter', 'Monthly e-mail', false, false, 1),
        ($1, $4, 'ads', 'Advertising', 'Ads on other sites', false, false, 2)`,
      [formId, necessary, newsletter, ads],
    );
    mailchimp = await insertProcessor(stack, controllerId, "mailchimp", { legalBasis: "consent", purpose: "newsletter", listId: "list-42" });
    const stripe = await insertProcessor(stack, controllerId, "stripe", { legalBasis: "contract", purpose: "payments" });
    subjectId = randomUUID();
    await stack.query("insert into public.data_subjects (id, controller_id) values ($1, $2)", [subjectId, controllerId]);
    await stack.query(
      `insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash, source_processor_id) values
        ($1, $2, 'email', $3, $4), ($1, $2, 'customer_id', $5, $6)`,
      [controllerId, subjectId, hashFor(controllerId, "email", "jane@example.org"), mailchimp, hashFor(controllerId, "customer_id", "stripe:cus_1"), stripe],
    );
    token = await issueConsentSubjectToken({ controllerId, dataSubjectId: subjectId, now: stack.clock.now }, stack.secretKeys);
    await stack.waitFor(() => stack.settled(["data_subjects_insert", "data_controllers_insert", TRIGGER]));
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  it("reads the defaults of an opt-in form before any choice", async () => {
    const res = await call("consentPreferences", { did, formSlug: "preferences", subjectToken: token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      formId: expect.any(String),
      formVersion: 3,
      choices: [
        { categorySlug: "necessary", purposeSlug: "site_operation", decision: "granted", required: true },
        { categorySlug: "newsletter", purposeSlug: "newsletter", decision: "denied", required: false },
        { categorySlug: "ads", purposeSlug: "targeted_ads", decision: "denied", required: false },
      ],
      collectedAt: null,
      expiresAt: null,
    });
  });

  it("records a choice with its proof, syncs it to the integration holding the subject's data, retrying after one failure", async () => {
    const res = await call(
      "updateConsentPreferences",
      { did, formSlug: "preferences", formVersion: 3, subjectToken: token, mechanism: "save_choices", choices: [{ categorySlug: "newsletter", decision: "granted" }], sourceUrl: "https://shop.example/prefs?email=jane@example.org", clientCollectedAt: "2026-03-02T09:59:58.000Z" },
      { "x-forwarded-for": "203.0.113.9, 10.0.0.1", "x-forwarded-user-agent": "Mozilla/5.0 (Test)", "x-privacy-jurisdiction": "DE" },
    );
    expect(res.status).toBe(200);
    expect(res.body.choices).toEqual([
      { categorySlug: "necessary", purposeSlug: "site_operation", decision: "granted", required: true },
      { categorySlug: "newsletter", purposeSlug: "newsletter", decision: "granted", required: false },
      { categorySlug: "ads", purposeSlug: "targeted_ads", decision: "denied", required: false },
    ]);
    const [record] = await stack.query<Record<string, unknown>>("select * from public.data_subject_consent_form_values where id = $1", [res.body.consentId]);
    expect(record).toMatchObject({
      controller_id: controllerId,
      data_subject_id: subjectId,
      visitor_id: null,
      form_version: 3,
      notice_version: "v3",
      locale: "en",
      choices: { necessary: "granted", newsletter: "granted", ads: "denied" },
      mechanism: "save_choices",
      source_url: "https://shop.example/prefs",
      jurisdiction: "DE",
      regime: "opt_in",
      gpc_signal: false,
      signal_conflict: false,
      user_agent: "Mozilla/5.0 (Test)",
      actor: "subject",
      prev_record_hash: null,
      purpose_versions: { site_operation: 1, newsletter: 1, targeted_ads: 1 },
    });
    expect(record.ip_hash).toBe(hashIp("203.0.113.9", controllerId, stack.secretKeys));
    expect(JSON.stringify(record)).not.toContain("203.0.113.9");
    expect((record.client_collected_at as Date).toISOString()).toBe("2026-03-02T09:59:58.000Z");
    expect((record.expires_at as Date).toISOString()).toBe("2026-09-02T10:00:00.000Z");
    expect(record.notice_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(record.record_hash).toMatch(/^[0-9a-f]{64}$/);

    const prefs = await stack.query<{ purpose_id: string; granted: boolean; source_form_value_id: string }>(
      "select purpose_id, granted, source_form_value_id from public.data_subject_preference_values where data_subject_id = $1 order by purpose_id",
      [subjectId],
    );
    expect(prefs.find((p) => p.purpose_id === newsletter)).toEqual({ purpose_id: newsletter, granted: true, source_form_value_id: res.body.consentId });

    await stack.waitFor(() => stack.settled([TRIGGER]));
    const jobs = await stack.query<{ id: string; data_processor_id: string; job_type: string; status: string; idempotency_key: string; last_error: string | null }>(
      "select id, data_processor_id, job_type, status, idempotency_key, last_error from public.integration_sync_jobs where data_subject_id = $1 order by data_processor_id",
      [subjectId],
    );
    // One pending job for Mailchimp (consent API); Stripe holds the subject's data but has none: recorded as not applicable.
    expect(jobs.map((j) => [j.data_processor_id === mailchimp ? "mailchimp" : "stripe", j.job_type, j.status]).sort()).toEqual([
      ["mailchimp", "consent_sync", "pending"],
      ["stripe", "consent_sync", "not_applicable"],
    ]);
    const job = jobs.find((j) => j.data_processor_id === mailchimp);
    expect(job?.idempotency_key).toBe(`consent:${newsletter}:${res.body.consentId}:${mailchimp}`);

    fake.failNext(1);
    expect(await sync()).toEqual({ sent: 0, failed: 1, skipped: 0 });
    const [afterFailure] = await stack.query<{ status: string; attempts: number; last_error: string; next_attempt_at: Date }>(
      "select status, attempts, last_error, next_attempt_at from public.integration_sync_jobs where id = $1",
      [job?.id],
    );
    expect(afterFailure).toEqual({ status: "pending", attempts: 1, last_error: "HTTP 503", next_attempt_at: new Date("2026-03-02T10:00:30.000Z") });
    expect(await sync()).toEqual({ sent: 0, failed: 0, skipped: 0 }); // not due yet

    stack.clock.now = new Date("2026-03-02T10:00:31.000Z");
    expect(await sync()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    const [done] = await stack.query("select status, attempts, last_error, external_reference, completed_at from public.integration_sync_jobs where id = $1", [job?.id]);
    expect(done).toEqual({ status: "completed", attempts: 2, last_error: null, external_reference: "mc-2", completed_at: new Date("2026-03-02T10:00:31.000Z") });

    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[0]).toEqual(fake.calls[1]);
    expect(fake.calls[1]).toEqual({
      idempotencyKey: job?.idempotency_key,
      body: {
        jobId: job?.id,
        controllerId,
        processorId: mailchimp,
        listId: "list-42",
        subject: { id: subjectId, identifiers: [{ type: "email", hash: hashFor(controllerId, "email", "jane@example.org"), keyVersion: 1 }] },
        purpose: { slug: "newsletter", saleOrSharing: false },
        decision: "granted",
        changedAt: expect.any(String),
      },
    });
  });

  it("withdrawal is one call, a new chained record, and is synced", async () => {
    const [first] = await stack.query<{ record_hash: string }>("select record_hash from public.data_subject_consent_form_values where data_subject_id = $1", [subjectId]);
    stack.clock.now = new Date("2026-03-03T08:00:00.000Z");
    const res = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, subjectToken: token, mechanism: "reject_all", choices: [] });
    expect(res.status).toBe(200);
    const records = await stack.query<Record<string, unknown>>(
      "select id, choices, mechanism, prev_record_hash, record_hash, notice_digest from public.data_subject_consent_form_values where data_subject_id = $1 order by collected_at",
      [subjectId],
    );
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ id: res.body.consentId, choices: { necessary: "granted", newsletter: "denied", ads: "denied" }, mechanism: "reject_all", prev_record_hash: first.record_hash });
    expect(records[1].record_hash).not.toBe(first.record_hash);

    await stack.waitFor(() => stack.settled([TRIGGER]));
    expect(await sync()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    expect(fake.calls).toHaveLength(3);
    expect(fake.calls[2].body).toMatchObject({ purpose: { slug: "newsletter", saleOrSharing: false }, decision: "denied" });

    const read = await call("consentPreferences", { did, formSlug: "preferences", subjectToken: token });
    expect(read.body).toMatchObject({ collectedAt: res.body.collectedAt, expiresAt: "2026-09-03T08:00:00+00:00" });
    expect(read.body.choices.map((c: { decision: string }) => c.decision)).toEqual(["granted", "denied", "denied"]);
  });

  it("a token of a subject merged into another reads and records on the survivor", async () => {
    const merged = randomUUID();
    await stack.query("insert into public.data_subjects (id, controller_id, status, merged_into, merged_at, merge_identifier_type) values ($1, $2, 'merged', $3, now(), 'email')", [merged, controllerId, subjectId]);
    const mergedToken = await issueConsentSubjectToken({ controllerId, dataSubjectId: merged, now: stack.clock.now }, stack.secretKeys);
    const read = await call("consentPreferences", { did, formSlug: "preferences", subjectToken: mergedToken });
    expect(read.status).toBe(200);
    expect(read.body.choices.map((c: { decision: string }) => c.decision)).toEqual(["granted", "denied", "denied"]);
    const [last] = await stack.query<{ collected_at: Date }>("select collected_at from public.data_subject_consent_form_values where data_subject_id = $1 order by collected_at desc limit 1", [subjectId]);
    expect(read.body.collectedAt).toBe(last.collected_at.toISOString().replace(".000Z", "+00:00"));
    await stack.waitFor(() => stack.settled(["data_subjects_insert"]));
    expect(await stack.query("select count(*)::int as n from public.data_subject_preference_values where data_subject_id = $1", [merged])).toEqual([{ n: 0 }]);
  });

  it("redelivering every preference event answers 200 and queues nothing new", async () => {
    const before = await stack.query("select id, status, attempts, idempotency_key from public.integration_sync_jobs where controller_id = $1 order by id", [controllerId]);
    const statuses = await stack.redeliver(TRIGGER);
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(await stack.query("select id, status, attempts, idempotency_key from public.integration_sync_jobs where controller_id = $1 order by id", [controllerId])).toEqual(before);
    expect(await sync()).toEqual({ sent: 0, failed: 0, skipped: 0 });
  });

  it("honours Global Privacy Control for sale/sharing purposes and records an explicit opt-in as a conflict", async () => {
    const visitorId = "v_0123456789abcdef";
    const gpc = { "sec-gpc": "1", "x-privacy-jurisdiction": "US-CA" };
    const accepted = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, visitorId, mechanism: "accept_all", choices: [] }, gpc);
    expect(accepted.status).toBe(200);
    expect(accepted.body.choices.map((c: { categorySlug: string; decision: string }) => `${c.categorySlug}:${c.decision}`)).toEqual(["necessary:granted", "newsletter:granted", "ads:denied"]);
    const read = await call("consentPreferences", { did, formSlug: "preferences", visitorId }, gpc);
    expect(read.body.choices.map((c: { decision: string }) => c.decision)).toEqual(["granted", "granted", "denied"]);

    stack.clock.now = new Date(stack.clock.now.getTime() + 60_000);
    const optIn = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, visitorId, mechanism: "save_choices", choices: [{ categorySlug: "ads", decision: "granted" }] }, gpc);
    expect(optIn.body.choices.map((c: { decision: string }) => c.decision)).toEqual(["granted", "denied", "granted"]);
    const rows = await stack.query("select mechanism, gpc_signal, signal_conflict, jurisdiction, data_subject_id from public.data_subject_consent_form_values where visitor_id = $1 order by collected_at", [visitorId]);
    expect(rows).toEqual([
      { mechanism: "accept_all", gpc_signal: true, signal_conflict: false, jurisdiction: "US-CA", data_subject_id: null },
      { mechanism: "save_choices", gpc_signal: true, signal_conflict: true, jurisdiction: "US-CA", data_subject_id: null },
    ]);
    const readAfter = await call("consentPreferences", { did, formSlug: "preferences", visitorId }, gpc);
    expect(readAfter.body.choices.map((c: { decision: string }) => c.decision)).toEqual(["granted", "denied", "granted"]);
  });

  it("works through the engine's GraphQL API as the anonymous role, with the client's headers forwarded", async () => {
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(stack.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hasura-admin-secret": ADMIN_SECRET,
          "x-hasura-role": "anonymous",
          "sec-gpc": "1",
          "x-privacy-jurisdiction": "US-CA",
          "x-forwarded-for": "198.51.100.7",
          "user-agent": "EngineTest/1.0",
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data?: Record<string, { consentId?: string; choices: { categorySlug: string; decision: string; required: boolean }[] }>; errors?: unknown[] };
    };
    const visitorId = "v_engine_visitor_0001";
    const updated = await gql(
      `mutation M($did: String!, $visitorId: String!) { updateConsentPreferences(input: { did: $did, formSlug: "preferences", formVersion: 3, visitorId: $visitorId, mechanism: accept_all, choices: [] }) { consentId collectedAt choices { categorySlug decision required } } }`,
      { did, visitorId },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateConsentPreferences.choices).toEqual([
      { categorySlug: "necessary", decision: "granted", required: true },
      { categorySlug: "newsletter", decision: "granted", required: false },
      { categorySlug: "ads", decision: "denied", required: false },
    ]);
    const [record] = await stack.query("select gpc_signal, jurisdiction, user_agent, ip_hash from public.data_subject_consent_form_values where id = $1", [updated.data?.updateConsentPreferences.consentId]);
    expect(record).toEqual({ gpc_signal: true, jurisdiction: "US-CA", user_agent: "EngineTest/1.0", ip_hash: hashIp("198.51.100.7", controllerId, stack.secretKeys) });
    const read = await gql(`query Q($did: String!, $visitorId: String!) { consentPreferences(input: { did: $did, formSlug: "preferences", visitorId: $visitorId }) { choices { categorySlug decision required } } }`, { did, visitorId });
    expect(read.data?.consentPreferences.choices.map((c) => c.decision)).toEqual(["granted", "granted", "denied"]);
    const missing = await gql(`query Q($did: String!) { consentPreferences(input: { did: $did, formSlug: "missing" }) { formId } }`, { did });
    expect(missing.errors).toHaveLength(1);
    expect(missing.errors?.[0]).toMatchObject({ message: "No published consent form with this slug for this organization", extensions: { code: "not_found", errorId: expect.any(String) } });
  });

  it("refuses bad calls with Hasura's action error shape and stores nothing", async () => {
    const count = async () => Number((await stack.query<{ n: string }>("select count(*) as n from public.data_subject_consent_form_values where controller_id = $1", [controllerId]))[0].n);
    const before = await count();
    const unknown = await call("consentPreferences", { did, formSlug: "nope" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: "No published consent form with this slug for this organization", extensions: { code: "not_found", errorId: expect.any(String) } });
    const forged = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, subjectToken: `${token.slice(0, -4)}AAAA`, mechanism: "accept_all", choices: [] });
    expect(forged.status).toBe(401);
    expect(forged.body.message).toBe("The subject token is not valid for this organization");
    const stale = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 2, visitorId: "v_0123456789abcdef", mechanism: "accept_all", choices: [] });
    expect(stale.status).toBe(400);
    expect(stale.body.message).toBe("The consent form changed since it was shown; reload it");
    const badCategory = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, visitorId: "v_0123456789abcdef", mechanism: "save_choices", choices: [{ categorySlug: "cookies", decision: "granted" }] });
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.extensions.code).toBe("validation_failed");
    const email = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, visitorId: "jane@example.org", mechanism: "accept_all", choices: [] });
    expect(email.status).toBe(400);
    expect(email.body.message).toBe("Invalid visitor id");
    const noOne = await call("updateConsentPreferences", { did, formSlug: "preferences", formVersion: 3, mechanism: "accept_all", choices: [] });
    expect(noOne.status).toBe(400);
    expect(await count()).toBe(before);
    expect(stack.logLines.join("")).not.toContain("203.0.113.9");
  });

  it("the stored digest is the SHA-256 of the wording shown and the chain recomputes", async () => {
    const [form] = await stack.query<{ id: string }>("select id from public.consent_forms where controller_id = $1 and slug = 'preferences'", [controllerId]);
    const records = await stack.query<{ notice_digest: string }>("select notice_digest from public.data_subject_consent_form_values where form_id = $1", [form.id]);
    const expected = noticeDigest({
      id: form.id,
      version: 3,
      regime: "opt_in",
      honorGpc: true,
      noticeText: "We use your data for the purposes below.",
      locale: "en",
      categories: [
        { slug: "necessary", title: "Necessary", description: "Keeps the site running", isRequired: true, purpose: null },
        { slug: "newsletter", title: "Newsletter", description: "Monthly e-mail", isRequired: false, purpose: null },
        { slug: "ads", title: "Advertising", description: "Ads on other sites", isRequired: false, purpose: null },
      ],
    });
    expect(new Set(records.map((r) => r.notice_digest))).toEqual(new Set([expected]));
    expect(recordHash(null, { a: 1 })).toBe(recordHash(null, { a: 1 }));
  });
});
