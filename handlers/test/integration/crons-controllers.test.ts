/**
 * monthly_usage_check and delete_expired_controllers through the real stack
 * (engine, outbox, SMTP server); each run twice with no second effect.
 */
import { randomUUID } from "node:crypto";
import { createCronHandlers } from "../../src/crons";
import { HANDLERS_SECRET, startStack, type Stack } from "../helpers/stack";
import { insertController, insertUser } from "../helpers/seed";

const DAY = 86_400_000;

describe("organization crons", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ crons: (services) => createCronHandlers({ ...services, resolveTxt: () => Promise.resolve({ kind: "missing", code: "ENOTFOUND" }) }) });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function tick(name: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${stack.handlersUrl}/crons/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
      body: JSON.stringify({ id: randomUUID(), name, scheduled_time: stack.clock.now.toISOString(), payload: {} }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  async function organization(title: string, plan: string, trialExpiresAt: Date | null, ownerEmail: string | null): Promise<string> {
    const id = await insertController(stack, { title });
    await stack.query("update public.data_controllers set plan = $2, trial_expires_at = $3 where id = $1", [id, plan, trialExpiresAt]);
    if (ownerEmail) {
      const user = await insertUser(stack, ownerEmail, { displayName: `${title} Owner`, emailVerified: true });
      await stack.query("insert into public.data_controller_users (controller_id, user_id, role) values ($1, $2, 'owner')", [id, user]);
    }
    return id;
  }

  it("records last month's usage per organization and warns the one over its plan, once", async () => {
    // The clock reads 2 March 2026: the check covers February.
    const trial = await organization("Lumen Labs", "trial", new Date("2026-06-01T00:00:00Z"), "owner@lumen.test");
    const big = await organization("Moss Market", "enterprise", null, "owner@moss.test");
    const feb = new Date("2026-02-10T12:00:00Z");
    for (let i = 0; i < 51; i += 1) {
      await stack.query("insert into public.data_subject_rights_requests (controller_id, request_type, received_at, due_at) values ($1, 'access', $2, $3)", [
        trial,
        feb,
        new Date(feb.getTime() + 30 * DAY),
      ]);
    }
    const subjects: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const id = randomUUID();
      subjects.push(id);
      await stack.query("insert into public.data_subjects (id, controller_id, created_at, first_seen_at, last_seen_at) values ($1, $2, $3, $3, $3)", [id, trial, feb]);
    }
    await stack.query("update public.data_subjects set merged_into = $2, merged_at = $3, status = 'merged' where id = $1", [subjects[2], subjects[0], feb]);
    for (const [at, subject] of [[feb, subjects[0]], [feb, subjects[1]], [new Date("2026-03-01T00:30:00Z"), subjects[1]]] as const) {
      await stack.query(
        "insert into public.data_processing_activities (controller_id, data_subject_id, event_type, legal_basis, triggered_at, dedup_key, created_at) values ($1, $2, 'test', 'contract', $3, $4, $3)",
        [trial, subject, at, `test:${randomUUID()}`],
      );
    }
    const controllers = Number((await stack.query<{ n: string }>("select count(*) as n from public.data_controllers"))[0].n);

    expect(await tick("monthly_usage_check")).toEqual({ period: "2026-02", controllers, overQuota: 1, noticesQueued: 1 });
    const records = async () =>
      stack.query<{ controller_id: string; metric: string; period_start: string; period_end: string; quantity: string; quota: string | null }>(
        "select controller_id, metric, period_start::text, period_end::text, quantity, quota from public.usage_records where controller_id = any($1) order by controller_id = $2 desc, metric",
        [[trial, big], trial],
      );
    const first = await records();
    expect(first).toEqual([
      { controller_id: trial, metric: "data_subjects", period_start: "2026-02-01", period_end: "2026-02-28", quantity: "2", quota: "1000" },
      { controller_id: trial, metric: "processing_activities", period_start: "2026-02-01", period_end: "2026-02-28", quantity: "2", quota: "10000" },
      { controller_id: trial, metric: "rights_requests", period_start: "2026-02-01", period_end: "2026-02-28", quantity: "51", quota: "50" },
      { controller_id: big, metric: "data_subjects", period_start: "2026-02-01", period_end: "2026-02-28", quantity: "0", quota: null },
      { controller_id: big, metric: "processing_activities", period_start: "2026-02-01", period_end: "2026-02-28", quantity: "0", quota: null },
      { controller_id: big, metric: "rights_requests", period_start: "2026-02-01", period_end: "2026-02-28", quantity: "0", quota: null },
    ]);
    await stack.sendEmails();
    const mail = await stack.smtp.waitForMessage((m) => m.subject === "Lumen Labs went over its plan in 2026-02");
    expect(mail.envelope.to).toEqual(["owner@lumen.test"]);
    expect(mail.text).toContain("rights requests received: 51 of 50 included");

    expect(await tick("monthly_usage_check")).toEqual({ period: "2026-02", controllers, overQuota: 1, noticesQueued: 0 });
    expect(await records()).toEqual(first);
    expect(Number((await stack.query<{ n: string }>("select count(*) as n from public.email_outbox where template = 'usage_over_quota'"))[0].n)).toBe(1);
  }, 60_000);

  it("notifies expiring trials, deletes an expired trial with everything it owns only after the notice period, and keeps upgraded ones", async () => {
    const start = stack.clock.now;
    const expired = await organization("Nook Cafe", "trial", new Date(start.getTime() - DAY), "owner@nook.test");
    const expiring = await organization("Oak Tools", "trial", new Date(start.getTime() + 3 * DAY), "owner@oak.test");
    const upgraded = await organization("Pine Goods", "trial", new Date(start.getTime() - DAY), "owner@pine.test");
    const orphan = await organization("Quay Shop", "trial", new Date(start.getTime() - 10 * DAY), null);
    const subject = randomUUID();
    await stack.query("insert into public.data_subjects (id, controller_id) values ($1, $2)", [subject, expired]);
    const exists = async (id: string): Promise<boolean> => (await stack.query("select 1 from public.data_controllers where id = $1", [id])).length === 1;

    // Nobody can be told about the orphan: its period ran from the expiry, 10 days ago.
    expect(await tick("delete_expired_controllers")).toEqual({ noticesQueued: 3, deleted: 1, waiting: 2 });
    expect(await exists(orphan)).toBe(false);
    await stack.sendEmails();
    const notice = await stack.smtp.waitForMessage((m) => m.subject === `The trial of Nook Cafe ends on ${new Date(start.getTime() - DAY).toISOString().slice(0, 10)}`);
    expect(notice.envelope.to).toEqual(["owner@nook.test"]);
    expect(notice.text).toContain(`deleted permanently after ${new Date(start.getTime() + 7 * DAY).toISOString().slice(0, 10)}`);
    await stack.smtp.waitForMessageTo("owner@oak.test");

    expect(await tick("delete_expired_controllers")).toEqual({ noticesQueued: 0, deleted: 0, waiting: 2 });

    // Pine Goods chose a plan; a week later the two others go.
    await stack.query("update public.data_controllers set plan = 'starter', trial_expires_at = null where id = $1", [upgraded]);
    stack.clock.now = new Date(start.getTime() + 7 * DAY + 60_000);
    expect(await tick("delete_expired_controllers")).toEqual({ noticesQueued: 0, deleted: 2, waiting: 0 });
    expect(await exists(expired)).toBe(false);
    expect(await exists(expiring)).toBe(false);
    expect(await exists(upgraded)).toBe(true);
    expect(await stack.query("select 1 from public.data_subjects where id = $1", [subject])).toEqual([]);
    expect(await tick("delete_expired_controllers")).toEqual({ noticesQueued: 0, deleted: 0, waiting: 0 });
  }, 60_000);
});
