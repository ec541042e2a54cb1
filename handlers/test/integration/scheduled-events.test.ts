/**
 * scheduled_events_insert and process_scheduled_events through the real
 * stack: engine deliveries of the insert trigger, cron calls over HTTP, the
 * e-mail outbox and a real SMTP server. Each tick is run twice: the second
 * changes nothing.
 */
import { randomUUID } from "node:crypto";
import { createCronHandlers } from "../../src/crons";
import { startStack, type Stack } from "../helpers/stack";
import { runCron } from "../helpers/cron";
import { insertController, insertPurpose, insertUser } from "../helpers/seed";

const DAY = 86_400_000;

const tick = runCron;

interface EventRow extends Record<string, unknown> {
  id: string;
  is_active: boolean;
  next_event_at: Date | null;
  last_event_at: Date | null;
}

describe("scheduled events", () => {
  let stack: Stack;
  let controllerId: string;
  let ownerId: string;

  beforeAll(async () => {
    stack = await startStack({ crons: (services) => createCronHandlers({ ...services, resolveTxt: () => Promise.resolve({ kind: "missing", code: "ENOTFOUND" }) }) });
    controllerId = await insertController(stack, { title: "Harbor Books" });
    ownerId = await insertUser(stack, "owner@harbor.test", { displayName: "Hana Owner", emailVerified: true });
    await stack.query("insert into public.data_controller_users (controller_id, user_id, role) values ($1, $2, 'owner')", [controllerId, ownerId]);
    // A plain member gets no operational notices (owners and admins do).
    const member = await insertUser(stack, "member@harbor.test", { displayName: "Max Member", emailVerified: true });
    await stack.query("insert into public.data_controller_users (controller_id, user_id, role) values ($1, $2, 'member')", [controllerId, member]);
    // The new organization's documents come from a chain of triggers (profile, purposes, documents); the
    // regeneration below must find them all made, or it makes the missing ones and the comparison fails.
    await stack.waitFor(() => stack.settled(["data_controllers_insert", "generate_v0_profile", "generate_controller_purposes", "generate_controller_documents"]));
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function insertRequest(status: string, dueAt: Date): Promise<string> {
    const id = randomUUID();
    await stack.query(
      `insert into public.data_subject_rights_requests (id, controller_id, request_type, status, received_at, due_at, target_due_at, completed_at)
       values ($1, $2, 'access', $3, $4, $5, $6, $7)`,
      [id, controllerId, status, new Date(dueAt.getTime() - 30 * DAY), dueAt, new Date(dueAt.getTime() - 3 * DAY), status === "completed" ? stack.clock.now : null],
    );
    return id;
  }

  async function insertEvent(fields: { ownerId: string; ownerType: string; reference: string; frequency?: string; rate?: number; next?: Date | null; payload?: Record<string, unknown>; title?: string }): Promise<string> {
    const id = randomUUID();
    const next = fields.next ?? null;
    await stack.query(
      `insert into public.scheduled_events (id, controller_id, owner_id, owner_type, title, message, is_active, frequency_type, frequency_rate, next_event_at, reference, payload)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, controllerId, fields.ownerId, fields.ownerType, fields.title ?? `Event ${fields.reference}`, "Please have a look.", next !== null, fields.frequency ?? "once", fields.rate ?? 1, next, fields.reference, JSON.stringify(fields.payload ?? {})],
    );
    return id;
  }

  const eventRow = async (id: string): Promise<EventRow> => (await stack.query<EventRow>("select id, is_active, next_event_at, last_event_at from public.scheduled_events where id = $1", [id]))[0];
  const outboxCount = async (): Promise<number> => Number((await stack.query<{ n: string }>("select count(*) as n from public.email_outbox where template = 'scheduled_reminder'"))[0].n);

  it("schedules a deadline reminder from its request, fires due events once, advances recurring ones and leaves others alone", async () => {
    const now = stack.clock.now;
    const openRequest = await insertRequest("in_progress", new Date(now.getTime() + 10 * DAY));
    const closedRequest = await insertRequest("completed", new Date(now.getTime() + 10 * DAY));

    // Inserted without a time: the insert trigger computes it (7 days before the legal deadline).
    const reminder = await insertEvent({ ownerId: openRequest, ownerType: "data_subject_rights_request", reference: "dsar_deadline_reminder", payload: { daysBefore: 7 }, title: "Access request due soon" });
    const closedReminder = await insertEvent({ ownerId: closedRequest, ownerType: "data_subject_rights_request", reference: "dsar_deadline_reminder", next: new Date(now.getTime() - 60_000) });
    const renewal = await insertEvent({ ownerId: controllerId, ownerType: "data_controller", reference: "consent_renewal", frequency: "monthly", next: new Date("2026-01-31T09:00:00.000Z"), title: "Renew consent" });
    // A profile edit's job runs here too (profile-regeneration.test.ts has the whole path); consent_collection belongs to subjects/.
    const regenerate = await insertEvent({ ownerId: controllerId, ownerType: "data_controller", reference: "regenerate_documents", next: new Date(now.getTime() - 60_000), payload: { profileVersion: 1 } });
    const foreign = await insertEvent({ ownerId: controllerId, ownerType: "data_controller", reference: "consent_collection", next: new Date(now.getTime() - 60_000) });
    const badReference = await insertEvent({ ownerId: controllerId, ownerType: "data_controller", reference: "no_such_job" });

    await stack.waitFor(() => stack.settled(["scheduled_events_insert"]));
    const scheduled = await eventRow(reminder);
    expect(scheduled.is_active).toBe(true);
    expect(scheduled.next_event_at?.toISOString()).toBe(new Date(now.getTime() + 3 * DAY).toISOString());
    expect((await eventRow(badReference)).is_active).toBe(false);
    expect((await eventRow(badReference)).next_event_at).toBeNull();
    expect(await stack.redeliver("scheduled_events_insert")).toEqual(expect.arrayContaining([200]));
    expect((await eventRow(reminder)).next_event_at?.toISOString()).toBe(new Date(now.getTime() + 3 * DAY).toISOString());

    // Day 3 + 1 minute: the reminder, the closed request's reminder, the renewal and the regeneration are due.
    const documentsBefore = await stack.query("select document_type, version from public.generated_documents where controller_id = $1 order by document_type, version", [controllerId]);
    stack.clock.now = new Date(now.getTime() + 3 * DAY + 60_000);
    const first = await tick(stack, "process_scheduled_events");
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ due: 4, fired: 4, alreadyAdvanced: 0, failed: 0, deactivated: 3 });

    const fired = await eventRow(reminder);
    expect(fired.is_active).toBe(false);
    expect(fired.last_event_at?.toISOString()).toBe(stack.clock.now.toISOString());
    expect((await eventRow(closedReminder)).is_active).toBe(false);
    // Monthly from 31 Jan, clamped per month and stepped past now (2026-03-05): 31 Mar, once.
    const advanced = await eventRow(renewal);
    expect(advanced.is_active).toBe(true);
    expect(advanced.next_event_at?.toISOString()).toBe("2026-03-31T09:00:00.000Z");
    expect((await eventRow(foreign)).last_event_at).toBeNull();
    expect(await eventRow(regenerate)).toMatchObject({ is_active: false, last_event_at: stack.clock.now });
    // Nothing in the profile changed since the documents were made: no new version.
    expect(await stack.query("select document_type, version from public.generated_documents where controller_id = $1 order by document_type, version", [controllerId])).toEqual(documentsBefore);

    // Owner only (the member gets nothing); the closed request sends no reminder.
    expect(await outboxCount()).toBe(2);
    await stack.sendEmails();
    const mail = await stack.smtp.waitForMessage((m) => m.subject === "Harbor Books: Access request due soon");
    expect(mail.text).toContain(`Due: ${new Date(now.getTime() + 10 * DAY).toISOString().slice(0, 10)}.`);
    await stack.smtp.waitForMessage((m) => m.subject === "Harbor Books: Renew consent");
    const notices = stack.smtp.messages().filter((m) => m.subject.startsWith("Harbor Books:"));
    expect(notices.map((m) => m.envelope.to)).toEqual([["owner@harbor.test"], ["owner@harbor.test"]]);

    // The same tick again (Hasura redelivers, or a second replica runs it): nothing.
    const second = await tick(stack, "process_scheduled_events");
    expect(second.body).toEqual({ due: 0, fired: 0, alreadyAdvanced: 0, failed: 0, deactivated: 0 });
    expect(await outboxCount()).toBe(2);
    expect((await eventRow(renewal)).next_event_at?.toISOString()).toBe("2026-03-31T09:00:00.000Z");
  }, 60_000);

  it("runs retention policies: expired activities of the purpose are deleted or anonymized, link rows of the category go, legal holds are kept", async () => {
    const now = stack.clock.now;
    const purpose = await insertPurpose(stack, controllerId, `newsletter-${randomUUID().slice(0, 6)}`, "consent", { retentionDays: 30 });
    const heldPurpose = await insertPurpose(stack, controllerId, `billing-${randomUUID().slice(0, 6)}`, "contract", { retentionDays: 30 });
    const subject = randomUUID();
    await stack.query("insert into public.data_subjects (id, controller_id) values ($1, $2)", [subject, controllerId]);
    const activity = async (purposeId: string, daysAgo: number): Promise<void> => {
      await stack.query(
        `insert into public.data_processing_activities (controller_id, data_subject_id, purpose_id, event_type, legal_basis, triggered_at, dedup_key)
         values ($1, $2, $3, 'test.event', 'consent', $4, $5)`,
        [controllerId, subject, purposeId, new Date(now.getTime() - daysAgo * DAY), `test:${randomUUID()}`],
      );
    };
    await activity(purpose, 45);
    await activity(purpose, 31);
    await activity(purpose, 5);
    await activity(heldPurpose, 90);
    await stack.query(
      `insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash, last_seen_at, first_seen_at)
       values ($1, $2, 'phone', $3, $4, $4), ($1, $2, 'phone', $5, $6, $6)`,
      [controllerId, subject, "1".repeat(64), new Date(now.getTime() - 40 * DAY), "2".repeat(64), new Date(now.getTime() - 2 * DAY)],
    );
    const rule = randomUUID();
    const held = randomUUID();
    const linkRule = randomUUID();
    await stack.query(
      `insert into public.retention_policies (id, controller_id, purpose_id, data_category, retention_days, action, legal_hold) values
       ($1, $4, $5, null, 30, 'delete', false), ($2, $4, $6, null, 30, 'delete', true), ($3, $4, null, 'phone', 30, 'delete', false)`,
      [rule, held, linkRule, controllerId, purpose, heldPurpose],
    );
    const runs: string[] = [];
    for (const policyId of [rule, held, linkRule]) {
      runs.push(await insertEvent({ ownerId: controllerId, ownerType: "data_controller", reference: "retention_policy_execution", frequency: "daily", next: new Date(now.getTime() - 60_000), payload: { retentionPolicyId: policyId } }));
    }
    await stack.waitFor(() => stack.settled(["scheduled_events_insert"]));

    const first = await tick(stack, "process_scheduled_events");
    expect(first.body).toEqual({ due: 3, fired: 3, alreadyAdvanced: 0, failed: 0, deactivated: 0 });
    const left = await stack.query<{ purpose_id: string; days: number }>(
      "select purpose_id, round(extract(epoch from ($2::timestamptz - triggered_at)) / 86400)::int as days from public.data_processing_activities where data_subject_id = $1 order by days",
      [subject, now],
    );
    expect(left).toEqual([
      { purpose_id: purpose, days: 5 },
      { purpose_id: heldPurpose, days: 90 },
    ]);
    const links = await stack.query<{ identifier_hash: string }>("select identifier_hash from public.privacy_preserving_links where data_subject_id = $1", [subject]);
    expect(links).toEqual([{ identifier_hash: "2".repeat(64) }]);
    const stamped = await stack.query<{ id: string; last_run_at: Date | null }>("select id, last_run_at from public.retention_policies where id = any($1) order by id", [[rule, held, linkRule]]);
    expect(stamped.find((p) => p.id === held)?.last_run_at).toBeNull();
    expect(stamped.find((p) => p.id === rule)?.last_run_at?.toISOString()).toBe(now.toISOString());
    for (const id of runs) expect((await eventRow(id)).next_event_at?.toISOString()).toBe(new Date(now.getTime() - 60_000 + DAY).toISOString());

    const second = await tick(stack, "process_scheduled_events");
    expect(second.body).toEqual({ due: 0, fired: 0, alreadyAdvanced: 0, failed: 0, deactivated: 0 });
    expect(Number((await stack.query<{ n: string }>("select count(*) as n from public.data_processing_activities where data_subject_id = $1", [subject]))[0].n)).toBe(2);
  }, 60_000);

  it("rejects an unknown cron name with 404 and a bad secret with 401", async () => {
    expect((await tick(stack, "no_such_cron")).status).toBe(404);
    const res = await fetch(`${stack.handlersUrl}/crons/process_scheduled_events`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-handlers-secret": "wrong-secret-wrong-secret" },
      body: JSON.stringify({ id: "1", name: "process_scheduled_events", scheduled_time: stack.clock.now.toISOString() }),
    });
    expect(res.status).toBe(401);
  });
});
