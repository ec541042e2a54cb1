/**
 * Cron triggers and one-off scheduled events (hasura-contract.md 2.1-2.4)
 * against real Postgres and a local receiver. Time is an injected clock, so
 * catch-up, tolerance and retry spacing are tested without sleeping.
 */
import { createScheduledEvent, deleteScheduledEvent, getScheduledEvents } from "../../src/crons/api";
import { ensureScheduledCatalog } from "../../src/crons/catalog";
import { CronTriggerDefSchema, CronScheduleSchema, nextTicks, type CronTriggerDef } from "../../src/crons/definition";
import { CRON_EVENTS_AHEAD, syncCronEvents } from "../../src/crons/generator";
import { CronProcessor } from "../../src/crons/processor";
import { startReceiver, type Receiver } from "../events/helpers/receiver";
import { fixtureEnv, setUpEventsProject, type EventsTestProject } from "../events/helpers/project";

let project: EventsTestProject;
let receiver: Receiver;
let crons: CronTriggerDef[];

const at = (iso: string) => new Date(iso);

function processorAt(clock: { now: Date }, triggers: CronTriggerDef[] = crons): CronProcessor {
  const p = new CronProcessor({
    pool: project.pool,
    env: fixtureEnv(receiver.url),
    settings: { intervalMs: 50, poolSize: 4, batchSize: 100 },
    clock: () => clock.now,
  });
  p.setCronTriggers(triggers);
  return p;
}

async function cronRows(trigger: string): Promise<{ id: string; scheduled_time: Date; status: string; tries: number; next_retry_at: Date | null }[]> {
  const { rows } = await project.pool.query(
    "select id, scheduled_time, status, tries, next_retry_at from hdb_catalog.hdb_cron_events where trigger_name = $1 order by scheduled_time",
    [trigger],
  );
  return rows;
}

beforeAll(async () => {
  project = await setUpEventsProject("crons");
  await ensureScheduledCatalog(project.pool);
  receiver = await startReceiver();
  crons = project.metadata.cronTriggers.map((c) => CronTriggerDefSchema.parse(c));
});

afterAll(async () => {
  await receiver.close();
  await project.close();
});

beforeEach(async () => {
  receiver.requests.length = 0;
  receiver.setResponder(() => ({ status: 200, body: "{}" }));
  await project.pool.query("delete from hdb_catalog.hdb_cron_events; delete from hdb_catalog.hdb_scheduled_events");
});

describe("definitions", () => {
  test("a schedule must be five-field cron", () => {
    expect(CronScheduleSchema.safeParse("*/5 * * * *").success).toBe(true);
    expect(CronScheduleSchema.safeParse("0 */5 * * * *").success).toBe(false);
    expect(CronScheduleSchema.safeParse("every minute").success).toBe(false);
  });

  test("retry_conf defaults are Hasura's when absent", () => {
    const nightly = crons.find((c) => c.name === "nightly_cleanup");
    expect(nightly?.retry_conf).toEqual({ num_retries: 0, retry_interval_seconds: 10, timeout_seconds: 60, tolerance_seconds: 21600 });
  });

  test("ticks are strictly after the start, in UTC", () => {
    expect(nextTicks("0 8 * * *", at("2024-06-01T08:00:00Z"), 2)).toEqual([at("2024-06-02T08:00:00Z"), at("2024-06-03T08:00:00Z")]);
  });
});

describe("generation (contract 2.2)", () => {
  test("keeps 100 future ticks per trigger, never stores one twice, and tops up from the latest", async () => {
    const now = at("2024-06-01T08:00:30Z");
    expect(await syncCronEvents(project.pool, crons, now)).toEqual({ inserted: 2 * CRON_EVENTS_AHEAD, removed: 0 });
    expect(await syncCronEvents(project.pool, crons, now)).toEqual({ inserted: 0, removed: 0 });
    const rows = await cronRows("every_minute_check");
    expect(rows).toHaveLength(100);
    expect(rows[0].scheduled_time).toEqual(at("2024-06-01T08:01:00Z"));
    expect(rows[99].scheduled_time).toEqual(at("2024-06-01T09:40:00Z"));
    await project.pool.query("update hdb_catalog.hdb_cron_events set status = 'delivered' where trigger_name = 'every_minute_check' and scheduled_time <= '2024-06-01T08:03:00Z'");
    expect(await syncCronEvents(project.pool, crons, at("2024-06-01T08:03:30Z"))).toEqual({ inserted: 3, removed: 0 });
    const after = await cronRows("every_minute_check");
    expect(after.at(-1)?.scheduled_time).toEqual(at("2024-06-01T09:43:00Z"));
    expect(new Set(after.map((r) => r.scheduled_time.getTime())).size).toBe(after.length);
  });

  test("a removed trigger loses its rows; a changed schedule regenerates future ones", async () => {
    const now = at("2024-06-01T08:00:30Z");
    await syncCronEvents(project.pool, crons, now);
    const onlyMinute = crons.filter((c) => c.name === "every_minute_check");
    expect(await syncCronEvents(project.pool, onlyMinute, now)).toEqual({ inserted: 0, removed: 100 });
    const hourly = [{ ...onlyMinute[0], schedule: "0 * * * *" }];
    // 09:00 is a tick of both schedules and stays; the other 99 go.
    expect(await syncCronEvents(project.pool, hourly, now)).toEqual({ inserted: 99, removed: 99 });
    const rows = await cronRows("every_minute_check");
    expect(rows).toHaveLength(100);
    expect(rows.slice(0, 3).map((r) => r.scheduled_time)).toEqual([at("2024-06-01T09:00:00Z"), at("2024-06-01T10:00:00Z"), at("2024-06-01T11:00:00Z")]);
  });
});

describe("delivery (contract 2.2, 2.3)", () => {
  test("after downtime, missed ticks within tolerance are delivered once, older ones are dead, and a restart sends nothing again", async () => {
    // The engine ran at 07:50:30 (ticks stored), then was down until 08:00:30.
    await syncCronEvents(project.pool, crons, at("2024-06-01T07:50:30Z"));
    const clock = { now: at("2024-06-01T08:00:30Z") };
    const first = processorAt(clock);
    expect(await first.runOnce()).toEqual({ delivered: 5, retried: 0, errored: 0, dead: 5 });

    const minute = receiver.requests.filter((r) => r.path === "/cron/every-minute");
    expect(minute.map((r) => (r.body as { scheduled_time: string }).scheduled_time)).toEqual(
      expect.arrayContaining(["2024-06-01T07:56:00Z", "2024-06-01T07:57:00Z", "2024-06-01T07:58:00Z", "2024-06-01T07:59:00Z", "2024-06-01T08:00:00Z"]),
    );
    expect(minute).toHaveLength(5);
    const rows = await cronRows("every_minute_check");
    const past = rows.filter((r) => r.scheduled_time <= clock.now);
    expect(past.map((r) => [r.scheduled_time.toISOString().slice(11, 16), r.status, r.tries])).toEqual([
      ["07:51", "dead", 0],
      ["07:52", "dead", 0],
      ["07:53", "dead", 0],
      ["07:54", "dead", 0],
      ["07:55", "dead", 0],
      ["07:56", "delivered", 1],
      ["07:57", "delivered", 1],
      ["07:58", "delivered", 1],
      ["07:59", "delivered", 1],
      ["08:00", "delivered", 1],
    ]);

    // A restart at the same moment finds nothing due.
    const restarted = processorAt(clock);
    expect(await restarted.releaseAbandonedLocks()).toBe(0);
    expect(await restarted.runOnce()).toEqual({ delivered: 0, retried: 0, errored: 0, dead: 0 });
    expect(receiver.requests).toHaveLength(5);
  });

  test("the body and headers are Hasura's cron payload", async () => {
    const clock = { now: at("2024-06-01T08:00:30Z") };
    await syncCronEvents(project.pool, crons, at("2024-06-01T08:00:00Z"));
    clock.now = at("2024-06-01T08:01:02Z");
    await processorAt(clock).runOnce();
    const [req] = receiver.requests;
    const [row] = await cronRows("every_minute_check");
    expect(req.body).toEqual({
      id: row.id,
      name: "every_minute_check",
      scheduled_time: "2024-06-01T08:01:00Z",
      payload: { job: "check" },
      comment: "every minute",
    });
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toMatch(/^hasura-graphql-engine\//);
    expect(req.headers["x-handler-secret"]).toBe("s3cret-handler");
    const { rows: logs } = await project.pool.query("select event_id, status, request, response from hdb_catalog.hdb_cron_event_invocation_logs");
    expect(logs).toHaveLength(1);
    expect(logs[0].event_id).toBe(row.id);
    expect(logs[0].status).toBe(200);
    expect(logs[0].request.payload).toEqual(req.body);
    expect(logs[0].request.headers).toContainEqual({ name: "x-handler-secret", value_from_env: "HANDLER_SECRET" });
    expect(logs[0].response.type).toBe("webhook_response");
  });

  test("a tick left locked by a process that died is delivered after restart", async () => {
    await syncCronEvents(project.pool, crons, at("2024-06-01T08:00:30Z"));
    await project.pool.query(
      "update hdb_catalog.hdb_cron_events set status = 'locked' where trigger_name = 'every_minute_check' and scheduled_time = '2024-06-01T08:01:00Z'",
    );
    const restarted = processorAt({ now: at("2024-06-01T08:01:20Z") });
    expect(await restarted.releaseAbandonedLocks()).toBe(1);
    expect(await restarted.runOnce()).toMatchObject({ delivered: 1 });
    expect((receiver.requests[0].body as { scheduled_time: string }).scheduled_time).toBe("2024-06-01T08:01:00Z");
  });

  test("a failed tick is retried retry_interval_seconds later, then marked error with tries = num_retries + 1", async () => {
    receiver.setResponder(() => ({ status: 500, body: "no" }));
    await syncCronEvents(project.pool, crons, at("2024-06-01T08:00:30Z"));
    const clock = { now: at("2024-06-01T08:01:05Z") };
    const p = processorAt(clock);
    expect(await p.runOnce()).toMatchObject({ retried: 1 });
    let [row] = await cronRows("every_minute_check");
    expect([row.status, row.tries, row.next_retry_at]).toEqual(["scheduled", 1, at("2024-06-01T08:01:35Z")]);
    clock.now = at("2024-06-01T08:01:30Z");
    expect(await p.runOnce()).toEqual({ delivered: 0, retried: 0, errored: 0, dead: 0 });
    clock.now = at("2024-06-01T08:01:36Z");
    expect(await p.runOnce()).toMatchObject({ errored: 1 });
    [row] = await cronRows("every_minute_check");
    expect([row.status, row.tries]).toEqual(["error", 2]);
    expect(receiver.requests).toHaveLength(2);
  });

  test("the running processor delivers due ticks on its own", async () => {
    const clock = { now: at("2024-06-01T08:00:30Z") };
    await syncCronEvents(project.pool, crons, clock.now);
    clock.now = at("2024-06-01T08:02:01Z");
    const p = processorAt(clock);
    await p.start();
    try {
      await receiver.waitFor(2, 5000);
    } finally {
      await p.stop();
    }
    expect(receiver.requests.map((r) => (r.body as { scheduled_time: string }).scheduled_time).sort()).toEqual([
      "2024-06-01T08:01:00Z",
      "2024-06-01T08:02:00Z",
    ]);
  });
});

describe("one-off scheduled events (contract 2.1, 2.3)", () => {
  test("create_scheduled_event stores the event, which is sent at its time with Hasura's body", async () => {
    const created = await createScheduledEvent(project.pool, {
      webhook: "{{EVENTS_RECEIVER_URL}}/once",
      schedule_at: "2024-06-01T08:05:00Z",
      payload: { subject: "abc" },
      headers: [{ name: "x-handler-secret", value_from_env: "HANDLER_SECRET" }],
      retry_conf: { num_retries: 2 },
      comment: "send the reminder",
    });
    expect(created).toEqual({ message: "success", event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const clock = { now: at("2024-06-01T08:04:59Z") };
    const p = processorAt(clock, []);
    expect(await p.runOnce()).toEqual({ delivered: 0, retried: 0, errored: 0, dead: 0 });
    clock.now = at("2024-06-01T08:05:01Z");
    expect(await p.runOnce()).toMatchObject({ delivered: 1 });
    const [req] = receiver.requests.filter((r) => r.path === "/once");
    const { rows } = await project.pool.query<{ created: string; status: string; header_conf: unknown; webhook_conf: unknown }>(
      "select to_char(created_at at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') as created, status, header_conf, webhook_conf from hdb_catalog.hdb_scheduled_events",
    );
    expect(req.body).toEqual({
      id: created.event_id,
      scheduled_time: "2024-06-01T08:05:00Z",
      payload: { subject: "abc" },
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z$/),
      comment: "send the reminder",
    });
    expect(new Date((req.body as { created_at: string }).created_at).getTime()).toBe(new Date(`${rows[0].created}Z`).getTime());
    expect(req.headers["x-handler-secret"]).toBe("s3cret-handler");
    // Stored as configured: the template and the variable name, not the secret.
    expect(rows[0]).toMatchObject({ status: "delivered", webhook_conf: "{{EVENTS_RECEIVER_URL}}/once", header_conf: [{ name: "x-handler-secret", value_from_env: "HANDLER_SECRET" }] });
    expect(await p.runOnce()).toEqual({ delivered: 0, retried: 0, errored: 0, dead: 0 });
  });

  test("an event picked up past its tolerance is dead and never sent", async () => {
    const { event_id } = await createScheduledEvent(project.pool, {
      webhook: "{{EVENTS_RECEIVER_URL}}/late",
      schedule_at: "2024-06-01T08:00:00Z",
      retry_conf: { tolerance_seconds: 60 },
    });
    expect(await processorAt({ now: at("2024-06-01T08:01:01Z") }, []).runOnce()).toMatchObject({ dead: 1 });
    expect(receiver.requests).toHaveLength(0);
    const listed = await getScheduledEvents(project.pool, { type: "one_off", status: ["dead"], get_rows_count: true });
    expect(listed.count).toBe(1);
    expect(listed.events[0]).toMatchObject({ id: event_id, status: "dead", tries: 0 });
  });

  test("a missing environment variable is a failed attempt naming the variable, not a crash", async () => {
    const { event_id } = await createScheduledEvent(project.pool, { webhook: "{{NOT_SET_ANYWHERE}}/x", schedule_at: "2024-06-01T08:00:00Z" });
    expect(await processorAt({ now: at("2024-06-01T08:00:05Z") }, []).runOnce()).toMatchObject({ errored: 1 });
    const { rows } = await project.pool.query("select status, response from hdb_catalog.hdb_scheduled_event_invocation_logs where event_id = $1", [event_id]);
    expect(rows).toEqual([
      { status: null, response: { version: "2", type: "client_error", data: { message: "environment variable 'NOT_SET_ANYWHERE' is not set (scheduled event " + event_id + ")" } } },
    ]);
  });

  test("bad arguments are a parse-failed error naming the path; unknown ids are not-exists", async () => {
    await expect(createScheduledEvent(project.pool, { webhook: "http://x", schedule_at: "tomorrow" })).rejects.toMatchObject({
      code: "parse-failed",
      status: 400,
      path: "$.args.schedule_at",
    });
    await expect(deleteScheduledEvent(project.pool, { type: "one_off", event_id: "nope" })).rejects.toMatchObject({ code: "not-exists" });
    const { event_id } = await createScheduledEvent(project.pool, { webhook: "http://127.0.0.1:9/x", schedule_at: "2030-01-01T00:00:00Z" });
    expect(await deleteScheduledEvent(project.pool, { type: "one_off", event_id })).toEqual({ message: "success" });
  });
});
