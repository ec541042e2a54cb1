import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import request from "supertest";
import { createApp } from "../../src/app";
import { createRegistry } from "../../src/registry";
import { createRightsActionHandlers, createRightsCronHandlers } from "../../src/rights";
import { exportDownloadRouter } from "../../src/rights/export-links";
import { createRateLimiter } from "../../src/rights/rate-limit";
import { runErasureJobs } from "../../src/rights/run-erasure-jobs";
import type { RightsOptions } from "../../src/rights/services";
import { hashFor, insertController, insertProcessor, insertPurpose, insertUser, PII_KEYS } from "../helpers/seed";
import { HANDLERS_SECRET, startStack, type Stack } from "../helpers/stack";

const TRIGGERS = ["data_subject_rights_requests_insert", "data_subject_rights_requests_update"];

/** A local integration with an erasure endpoint that fails the first `failFirst` calls with 503. */
async function startFakeIntegration(failFirst: number): Promise<{ url: string; calls: { key: string; body: unknown }[]; close(): Promise<void> }> {
  const calls: { key: string; body: unknown }[] = [];
  let left = failFirst;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      calls.push({ key: String(req.headers["idempotency-key"]), body: JSON.parse(raw) as unknown });
      if (req.url !== "/privacy/erasure") res.statusCode = 404;
      else if (left > 0) {
        left -= 1;
        res.statusCode = 503;
      } else res.statusCode = 200;
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe("rights requests through the engine, from submission to completion", () => {
  let stack: Stack;
  let exportsDir: string;
  let fake: Awaited<ReturnType<typeof startFakeIntegration>>;
  let rights: RightsOptions;
  let actions: ReturnType<typeof createApp>;
  let downloads: express.Express;
  let controllerId: string;
  let did: string;

  const call = (name: string, input: Record<string, unknown>, ip = "203.0.113.7") =>
    request(actions)
      .post(`/actions/${name}`)
      .set("x-handlers-secret", HANDLERS_SECRET)
      .set("x-forwarded-for", `${ip}, 10.0.0.1`)
      .send({ action: { name }, input: { input }, session_variables: { "x-hasura-role": "anonymous" }, request_query: "" });

  const requestRow = async (id: string) =>
    (await stack.query<{ status: string; due_at: Date; extended: boolean; outcome: string | null; data_subject_id: string | null; verification_attempts: number; result_location: string | null; verification_token_hash: string | null; received_on: string }>(
      "select status, due_at, extended, outcome, data_subject_id, verification_attempts, result_location, verification_token_hash, received_on::text from public.data_subject_rights_requests where id = $1",
      [id],
    ))[0];
  const steps = async (id: string) => (await stack.query<{ step: string; status: string }>("select step, status from public.data_subject_rights_request_events where request_id = $1 order by occurred_at, step", [id])).map((r) => `${r.step}:${r.status}`);
  const tokenFrom = (text: string | null): string => {
    const match = /token=([A-Za-z0-9_-]+)/.exec(text ?? "");
    if (!match) throw new Error("no token in the e-mail");
    return match[1];
  };

  beforeAll(async () => {
    exportsDir = await mkdtemp(join(tmpdir(), "rights-exports-"));
    fake = await startFakeIntegration(1);
    rights = {
      piiKeys: PII_KEYS,
      exportsDir,
      exportBaseUrl: "https://downloads.privacy.test",
      exportTtlMs: 7 * 24 * 3_600_000,
      verificationTtlMs: 72 * 3_600_000,
      rateLimiter: createRateLimiter({ limit: 4, windowMs: 3_600_000 }),
      // The calls below carry "<client>, 10.0.0.1": an edge proxy and an internal one.
      trustedProxyHops: 2,
      integrationBaseUrls: { mailchimp: fake.url },
      fetch,
    };
    stack = await startStack({ services: (base) => ({ ...base, rights }), crons: (services) => createRightsCronHandlers({ ...services, rights }) });
    actions = createApp({
      webhookSecret: HANDLERS_SECRET,
      logger: stack.logger,
      registry: createRegistry({ actions: createRightsActionHandlers({ sdk: stack.sdk, secretKeys: stack.secretKeys, appBaseUrl: "https://app.privacy.test", rights }) }),
      now: () => stack.clock.now,
    });
    downloads = express().use(exportDownloadRouter({ secretKeys: stack.secretKeys, exportsDir, now: () => stack.clock.now, logger: stack.logger }));

    controllerId = await insertController(stack, { title: "Rights Shop" });
    did = `did:web:${controllerId}.example`;
    await stack.waitFor(() => stack.settled(["data_controllers_insert"]));
    await stack.query("update public.data_controller_details set timezone = 'Europe/Berlin', dpo_email = 'dpo@shop.test', legal_name = 'Rights Shop GmbH', supervisory_authority = 'Berlin DPA' where controller_id = $1", [controllerId]);
    const owner = await insertUser(stack, "owner@shop.test", { displayName: "Olga" });
    await stack.query("insert into public.data_controller_users (controller_id, user_id, role, status) values ($1, $2, 'owner', 'active')", [controllerId, owner]);
  });

  afterAll(async () => {
    await stack.close();
    await fake.close();
    await rm(exportsDir, { recursive: true, force: true });
  });

  async function seedSubject(email: string, activities: number): Promise<{ subjectId: string; mergedId: string; processorId: string }> {
    const purposeId = await insertPurpose(stack, controllerId, `orders-${randomUUID().slice(0, 8)}`, "contract", { retentionDays: 730 });
    const processorId = (await stack.query<{ id: string }>("select id from public.data_processors where controller_id = $1 and service = 'shopify'", [controllerId]))[0]?.id ?? (await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "orders" }));
    const subjectId = randomUUID();
    const mergedId = randomUUID();
    await stack.query("insert into public.data_subjects (id, controller_id) values ($1, $2), ($3, $2)", [subjectId, controllerId, mergedId]);
    await stack.query("update public.data_subjects set status = 'merged', merged_into = $1, merged_at = now() where id = $2", [subjectId, mergedId]);
    await stack.query(
      `insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash, source_processor_id) values
        ($1, $2, 'email', $3, $5), ($1, $4, 'customer_id', $6, $5)`,
      [controllerId, subjectId, hashFor(controllerId, "email", email), mergedId, processorId, hashFor(controllerId, "customer_id", `shopify:${email}`)],
    );
    for (let i = 0; i < activities; i += 1) {
      await stack.query(
        `insert into public.data_processing_activities (controller_id, data_subject_id, data_processor_id, purpose_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, dedup_key, compliance_status)
         values ($1, $2, $3, $4, 'orders/create', '{email,address}', 'contract', 'orders', $5, $6, 'compliant')`,
        [controllerId, i % 2 === 0 ? subjectId : mergedId, processorId, purposeId, new Date(Date.UTC(2026, 0, 10 + i)).toISOString(), `test:${randomUUID()}`],
      );
    }
    await stack.query("insert into public.data_subject_preference_values (controller_id, data_subject_id, purpose_id, granted) values ($1, $2, $3, true)", [controllerId, subjectId, purposeId]);
    await stack.waitFor(() => stack.settled(["data_subjects_insert", "data_processing_activities_insert"]));
    return { subjectId, mergedId, processorId };
  }

  it("access: submission, verification e-mail, link, export (subject and merged subject) and completion e-mail; replays change nothing", async () => {
    await seedSubject("jane@example.org", 3);
    stack.clock.now = new Date("2026-03-02T10:00:00.000Z");
    const submitted = await call("insertRightsRequest", { did, requestType: "access", email: " Jane@Example.org " });
    expect(submitted.status).toBe(200);
    const requestId = submitted.body.requestId as string;
    // Received Mon 2 Mar 2026 (Berlin) + 1 month = Thu 2 Apr 2026, end of that day in CEST.
    expect(submitted.body).toEqual({ requestId, requestType: "access", status: "received", receivedAt: "2026-03-02T10:00:00+00:00", dueAt: "2026-04-02T21:59:59.999+00:00", verificationRequired: true });

    // An unknown address gets the same answer (no enumeration).
    const unknown = await call("insertRightsRequest", { did, requestType: "access", email: "nobody@example.org" });
    expect(unknown.status).toBe(200);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(submitted.body).sort());
    expect({ ...unknown.body, requestId }).toEqual(submitted.body);

    await stack.waitFor(async () => (await requestRow(requestId)).status === "pending_verification");
    await stack.waitFor(() => stack.settled(TRIGGERS));
    const row = await requestRow(requestId);
    expect(row.received_on).toBe("2026-03-02");
    expect(row.due_at.toISOString()).toBe("2026-04-02T21:59:59.999Z");
    expect(row.data_subject_id).toBeNull();
    const stored = await stack.query<{ requester_email_encrypted: string; requester_email_hash: string }>("select requester_email_encrypted, requester_email_hash from public.data_subject_rights_requests where id = $1", [requestId]);
    expect(stored[0].requester_email_encrypted).toMatch(/^gcm1\./);
    expect(stored[0].requester_email_hash).toBe(hashFor(controllerId, "email", "jane@example.org"));

    await stack.sendEmails();
    const verification = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("jane@example.org") && m.subject.startsWith("Confirm your"));
    expect(verification.subject).toBe("Confirm your request for a copy of your data to Rights Shop GmbH");
    expect(verification.text).toContain("Rights Shop GmbH must answer by 2026-04-02.");
    const team = await stack.smtp.waitForMessageTo("dpo@shop.test");
    expect(team.subject).toBe("New request for a copy of your data (gdpr_eu), due 2026-04-02");
    await stack.smtp.waitForMessageTo("owner@shop.test");
    const token = tokenFrom(verification.text);

    const wrong = await call("verifyRightsRequest", { requestId, token: "x".repeat(43) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.extensions.code).toBe("verification_failed");
    expect((await requestRow(requestId)).verification_attempts).toBe(1);

    stack.clock.now = new Date("2026-03-03T08:00:00.000Z");
    const verified = await call("verifyRightsRequest", { requestId, token });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ requestId, status: "verified", verifiedAt: "2026-03-03T08:00:00.000Z" });

    await stack.waitFor(async () => (await requestRow(requestId)).status === "completed");
    await stack.waitFor(() => stack.settled(TRIGGERS));
    const done = await requestRow(requestId);
    expect(done.outcome).toBe("completed");
    expect(done.verification_token_hash).toBeNull();
    expect(done.result_location).toBe(`exports/${requestId}`);
    // Ordered by time, then step name: the handlers take the stack's clock, so
    // the steps of one moment share its instant.
    expect(await steps(requestId)).toEqual([
      "received:completed",
      "verification_failed:failed",
      "verification_sent:sent",
      "completed:completed",
      "export_ready:completed",
      "in_progress:completed",
      "verified:completed",
    ]);

    const exported = JSON.parse(await readFile(join(exportsDir, requestId, "export.json"), "utf8")) as {
      personalDataHeld: boolean;
      subjectRecords: unknown[];
      pseudonymousLinks: { identifierType: string }[];
      preferences: { granted: boolean }[];
      processingActivities: { occurredAt: string; eventType: string; legalBasis: string; dataCategories: string[] }[];
      information: { categoriesOfPersonalData: string[]; recipients: { service: string }[]; complaint: string };
    };
    expect(exported.personalDataHeld).toBe(true);
    expect(exported.subjectRecords).toHaveLength(2);
    expect(exported.pseudonymousLinks.map((l) => l.identifierType).sort()).toEqual(["customer_id", "email"]);
    expect(JSON.stringify(exported)).not.toContain(hashFor(controllerId, "email", "jane@example.org"));
    // The verified subject's activities, then those of the subject merged into it, each in time order.
    expect(exported.processingActivities.map((a) => a.occurredAt)).toEqual(["2026-01-10T00:00:00.000Z", "2026-01-12T00:00:00.000Z", "2026-01-11T00:00:00.000Z"]);
    expect(exported.processingActivities[0]).toMatchObject({ eventType: "orders/create", legalBasis: "contract", dataCategories: ["email", "address"] });
    expect(exported.preferences).toHaveLength(1);
    expect(exported.information.categoriesOfPersonalData).toEqual(["address", "email"]);
    expect(exported.information.recipients.map((r) => r.service)).toEqual(["shopify"]);
    expect(exported.information.complaint).toBe("You may lodge a complaint with a supervisory authority (Berlin DPA).");
    const csv = (await readFile(join(exportsDir, requestId, "activities.csv"), "utf8")).split("\r\n");
    expect(csv[0]).toBe("id,occurred_at,event_type,source_service,source_name,purpose,legal_basis,data_categories");
    expect(csv).toHaveLength(5);
    expect(csv[1]).toMatch(/^[0-9a-f-]{36},2026-01-10T00:00:00.000Z,orders\/create,shopify,shopify integration,orders-[0-9a-f]{8},contract,email;address$/);

    await stack.sendEmails();
    const completed = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("jane@example.org") && m.subject.endsWith("is complete"));
    expect(completed.text).toContain("Rights Shop GmbH completed your request for a copy of your data.");
    const link = /(https:\/\/downloads\.privacy\.test\/exports\/\S+)/.exec(completed.text ?? "")?.[1];
    expect(link).toBeDefined();
    const path = new URL(link as string);
    const download = await request(downloads).get(`${path.pathname}${path.search}`);
    expect(download.status).toBe(200);
    expect(download.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(download.text).toBe(await readFile(join(exportsDir, requestId, "export.json"), "utf8"));
    const tampered = await request(downloads).get(`${path.pathname.replace("export.json", "activities.csv")}${path.search}`);
    expect(tampered.status).toBe(404);

    // The token is single-use; redelivered events change nothing.
    expect((await call("verifyRightsRequest", { requestId, token })).status).toBe(400);
    const before = await steps(requestId);
    const outbox = await stack.query<{ n: string }>("select count(*) as n from public.email_outbox");
    for (const trigger of TRIGGERS) expect((await stack.redeliver(trigger)).every((s) => s === 200)).toBe(true);
    expect(await steps(requestId)).toEqual(before);
    expect(await stack.query<{ n: string }>("select count(*) as n from public.email_outbox")).toEqual(outbox);
  });

  it("deletion: own records erased with suppressions kept, erasure call retried after one failure, exempted integration, completion e-mail", async () => {
    const { subjectId, mergedId } = await seedSubject("erase.me@example.org", 2);
    const mailchimp = await insertProcessor(stack, controllerId, "mailchimp", { legalBasis: "consent", purpose: "newsletter" });
    const stripe = await insertProcessor(stack, controllerId, "stripe", { legalBasis: "contract", purpose: "payments", erasure: { exemptionReason: "Invoices must be kept for 10 years (GDPR Art. 17(3)(b))" } });
    stack.clock.now = new Date("2026-03-10T09:00:00.000Z");
    const submitted = await call("insertRightsRequest", { did, requestType: "deletion", email: "erase.me@example.org" }, "198.51.100.20");
    expect(submitted.status).toBe(200);
    const requestId = submitted.body.requestId as string;
    await stack.waitFor(async () => (await requestRow(requestId)).status === "pending_verification");
    await stack.sendEmails();
    const verification = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("erase.me@example.org") && m.subject.startsWith("Confirm your"));
    expect((await call("verifyRightsRequest", { requestId, token: tokenFrom(verification.text) })).status).toBe(200);

    await stack.waitFor(async () => (await stack.query("select 1 from public.integration_sync_jobs where rights_request_id = $1", [requestId])).length === 3);
    await stack.waitFor(() => stack.settled(TRIGGERS));
    expect(await stack.query("select id from public.data_subjects where id = any($1)", [[subjectId, mergedId]])).toEqual([]);
    expect(await stack.query("select id from public.privacy_preserving_links where data_subject_id = any($1)", [[subjectId, mergedId]])).toEqual([]);
    const suppressions = await stack.query<{ identifier_type: string; identifier_hash: string }>(
      "select identifier_type, identifier_hash from public.erasure_suppressions where rights_request_id = $1 order by identifier_type",
      [requestId],
    );
    expect(suppressions).toEqual([
      { identifier_type: "customer_id", identifier_hash: hashFor(controllerId, "customer_id", "shopify:erase.me@example.org") },
      { identifier_type: "email", identifier_hash: hashFor(controllerId, "email", "erase.me@example.org") },
    ]);
    const jobs = async () =>
      Object.fromEntries(
        (await stack.query<{ data_processor_id: string; status: string; attempts: number }>("select data_processor_id, status, attempts from public.integration_sync_jobs where rights_request_id = $1", [requestId])).map((j) => [
          j.data_processor_id,
          `${j.status}/${j.attempts}`,
        ]),
      );
    const shopify = (await stack.query<{ id: string }>("select id from public.data_processors where controller_id = $1 and service = 'shopify'", [controllerId]))[0].id;
    expect(await jobs()).toEqual({ [mailchimp]: "pending/0", [stripe]: "exempted/0", [shopify]: "not_applicable/0" });
    expect((await requestRow(requestId)).status).toBe("in_progress");

    const worker = () => runErasureJobs({ sdk: stack.sdk, secretKeys: stack.secretKeys, rights, now: () => stack.clock.now, logger: stack.logger });
    expect(await worker()).toEqual({ completed: 0, retried: 1, failed: 0, requestsCompleted: 0 });
    expect(await worker()).toEqual({ completed: 0, retried: 0, failed: 0, requestsCompleted: 0 });
    stack.clock.now = new Date(stack.clock.now.getTime() + 31_000);
    expect(await worker()).toEqual({ completed: 1, retried: 0, failed: 0, requestsCompleted: 1 });
    expect(await jobs()).toEqual({ [mailchimp]: "completed/2", [stripe]: "exempted/0", [shopify]: "not_applicable/0" });
    expect(fake.calls).toEqual([
      { key: `erasure:${requestId}:${mailchimp}`, body: { requestId, service: "mailchimp", identifiers: { email: "erase.me@example.org" } } },
      { key: `erasure:${requestId}:${mailchimp}`, body: { requestId, service: "mailchimp", identifiers: { email: "erase.me@example.org" } } },
    ]);
    const done = await requestRow(requestId);
    expect(done.status).toBe("completed");
    expect(done.outcome).toBe("partially_completed");
    expect(await steps(requestId)).toEqual(expect.arrayContaining(["integration_result:exempted", "integration_result:not_applicable", "integration_result:failed", "integration_result:completed", "completed:completed"]));

    await stack.waitFor(() => stack.settled(TRIGGERS));
    await stack.sendEmails();
    const completed = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("erase.me@example.org") && m.subject.endsWith("is complete"));
    expect(completed.text).toContain("Some records are kept where the law requires it");
    expect(completed.text).not.toContain("Download");
  });

  it("portability under CCPA: receipt confirmation, 45-day deadline, export of provided data only; opt-out: no verification, team asked to act", async () => {
    await seedSubject("porta@example.org", 2);
    const subject = (await stack.query<{ data_subject_id: string }>("select data_subject_id from public.privacy_preserving_links where identifier_hash = $1", [hashFor(controllerId, "email", "porta@example.org")]))[0].data_subject_id;
    const shopify = (await stack.query<{ id: string }>("select id from public.data_processors where controller_id = $1 and service = 'shopify'", [controllerId]))[0].id;
    await stack.query(
      `insert into public.data_processing_activities (controller_id, data_subject_id, data_processor_id, event_type, legal_basis, purpose, triggered_at, dedup_key)
       values ($1, $2, $3, 'fraud/check', 'legitimate_interests', 'fraud prevention', '2026-01-05T00:00:00Z', $4)`,
      [controllerId, subject, shopify, `test:${randomUUID()}`],
    );
    await stack.waitFor(() => stack.settled(["data_processing_activities_insert"]));
    stack.clock.now = new Date("2026-11-20T18:00:00.000Z");
    const submitted = await call("insertRightsRequest", { did, requestType: "portability", email: "porta@example.org", regime: "ccpa" }, "198.51.100.30");
    expect(submitted.status).toBe(200);
    // Received Fri 20 Nov 2026 (Berlin), day 1 of 45: Sun 3 Jan 2027, not rolled.
    expect(submitted.body.dueAt).toBe("2027-01-03T22:59:59.999+00:00");
    const requestId = submitted.body.requestId as string;
    await stack.waitFor(async () => (await requestRow(requestId)).status === "pending_verification");
    const acks = await stack.query<{ ack_due_at: Date; acknowledged_at: Date }>("select ack_due_at, acknowledged_at from public.data_subject_rights_requests where id = $1", [requestId]);
    expect(acks[0].ack_due_at.toISOString()).toBe("2026-12-04T22:59:59.999Z");
    expect(acks[0].acknowledged_at.toISOString()).toBe("2026-11-20T18:00:00.000Z");
    await stack.sendEmails();
    const receipt = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("porta@example.org") && m.subject.startsWith("Rights Shop GmbH received"));
    expect(receipt.text).toContain("You can expect our response by 2027-01-03.");
    const verification = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("porta@example.org") && m.subject.startsWith("Confirm your"));
    expect((await call("verifyRightsRequest", { requestId, token: tokenFrom(verification.text) })).status).toBe(200);
    await stack.waitFor(async () => (await requestRow(requestId)).status === "completed");
    const exported = JSON.parse(await readFile(join(exportsDir, requestId, "export.json"), "utf8")) as { kind: string; processingActivities: { eventType: string; complianceStatus?: string }[]; information?: unknown };
    expect(exported.kind).toBe("portability");
    expect(exported.processingActivities.map((a) => a.eventType)).toEqual(["orders/create", "orders/create"]);
    expect(exported.processingActivities[0].complianceStatus).toBeUndefined();
    expect(exported.information).toBeUndefined();

    const optOut = await call("insertRightsRequest", { did, requestType: "opt_out", email: "porta@example.org", regime: "ccpa" }, "198.51.100.30");
    expect(optOut.body.verificationRequired).toBe(false);
    const optOutId = optOut.body.requestId as string;
    await stack.waitFor(async () => (await requestRow(optOutId)).status === "in_progress");
    await stack.waitFor(() => stack.settled(TRIGGERS));
    expect(await steps(optOutId)).toEqual(["in_progress:completed", "received:completed", "verified:completed"]);
    await stack.sendEmails();
    const team = await stack.smtp.waitForMessage((m) => m.envelope.to.includes("dpo@shop.test") && m.subject.startsWith("Verified request to opt out"));
    expect(team.subject).toBe("Verified request to opt out of sale or sharing needs action, due 2026-12-11");
  });

  it("insertRightsRequest: rejects a bad address with 400, an unknown DID with 404, and a fifth submission within the hour from one address with 429", async () => {
    const bad = await call("insertRightsRequest", { did, requestType: "access", email: "not-an-address" }, "192.0.2.50");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("Invalid rights request");
    expect(JSON.stringify(bad.body)).not.toContain("not-an-address");
    const unknownDid = await call("insertRightsRequest", { did: "did:web:nobody.example", requestType: "access", email: "a@example.org" }, "192.0.2.51");
    expect(unknownDid.status).toBe(404);
    for (let i = 0; i < 3; i += 1) expect((await call("insertRightsRequest", { did, requestType: "rectification", email: `p${i}@example.org` }, "192.0.2.52")).status).toBe(200);
    const limited = await call("insertRightsRequest", { did, requestType: "rectification", email: "p9@example.org" }, "192.0.2.52");
    expect(limited.status).toBe(200);
    const over = await call("insertRightsRequest", { did, requestType: "rectification", email: "p10@example.org" }, "192.0.2.52");
    expect(over.status).toBe(429);
    expect(over.body.extensions.code).toBe("rate_limited");
    await stack.waitFor(() => stack.settled(TRIGGERS));
  });

  it("dsar_compliance_check: one e-mail to the DPO listing overdue and soon-due requests; a second run the same day sends nothing", async () => {
    const other = await insertController(stack, { title: "Quiet Shop" });
    await stack.waitFor(() => stack.settled(["data_controllers_insert"]));
    await stack.query("update public.data_controller_details set dpo_email = 'dpo@quiet.test' where controller_id = $1", [other]);
    const insert = (received: string, due: string, status = "in_progress", extra = "") =>
      stack.query(
        `insert into public.data_subject_rights_requests (controller_id, request_type, status, regime, source, received_at, due_at, completed_at, outcome ${extra ? ", extended, extended_due_at, extension_reason" : ""})
         values ($1, 'access', $2, 'gdpr_eu', 'staff', $3, $4, $5, $6 ${extra ? ", true, $7, 'many records'" : ""})`,
        extra
          ? [other, status, received, due, null, null, extra]
          : [other, status, received, due, status === "completed" ? "2026-04-01T00:00:00Z" : null, status === "completed" ? "completed" : null],
      );
    await insert("2026-02-20T10:00:00Z", "2026-03-20T22:59:59Z");
    await insert("2026-03-10T10:00:00Z", "2026-04-10T21:59:59Z");
    await insert("2026-03-25T10:00:00Z", "2026-04-25T21:59:59Z");
    await insert("2026-02-01T10:00:00Z", "2026-03-02T22:59:59Z", "completed");
    await insert("2026-01-20T10:00:00Z", "2026-02-20T22:59:59Z", "in_progress", "2026-04-20T21:59:59Z");
    await stack.waitFor(() => stack.settled(TRIGGERS));
    stack.clock.now = new Date("2026-04-05T08:00:00.000Z");
    const run = async () => {
      const res = await fetch(`${stack.handlersUrl}/crons/dsar_compliance_check`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
        body: JSON.stringify({ id: randomUUID(), name: "dsar_compliance_check", scheduled_time: "2026-04-05T08:00:00Z", payload: {} }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const first = await run();
    expect(first.status).toBe(200);
    const mine = await stack.query<{ n: string }>("select count(*) as n from public.email_outbox where template = 'dsar_compliance_alert' and controller_id = $1", [other]);
    expect(mine).toEqual([{ n: "1" }]);
    const second = await run();
    expect(second.status).toBe(200);
    expect(second.body.emailsQueued).toBe(0);
    expect(await stack.query<{ n: string }>("select count(*) as n from public.email_outbox where template = 'dsar_compliance_alert' and controller_id = $1", [other])).toEqual([{ n: "1" }]);
    await stack.sendEmails();
    const alert = await stack.smtp.waitForMessageTo("dpo@quiet.test");
    expect(alert.subject).toBe("Quiet Shop: 1 overdue and 1 soon-due privacy requests");
    expect(alert.text).toContain("Overdue (1):");
    expect(alert.text).toContain("received 2026-02-20, due 2026-03-20: 16 day(s) overdue");
    expect(alert.text).toContain("Due within 7 days (1):");
    expect(alert.text).toContain("received 2026-03-10, due 2026-04-10: 6 day(s) left");
    expect(alert.text).not.toContain("2026-04-25");
    expect(alert.text).not.toContain("(extended)");
  });
});
