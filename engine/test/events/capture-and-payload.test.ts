/**
 * Event capture in Postgres and the delivered payload, field by field against
 * hasura-contract.md 1.2, 1.3, 1.5 and 1.6, with a real receiver.
 */
import type { Pool } from "pg";
import { getEventById, getEventInvocationLogs, getEventLogs, invokeEventTrigger, MetadataApiError, redeliverEvent } from "../../src/events/api";
import { installEventTriggers } from "../../src/events/install";
import { prepareTriggers } from "../../src/events/prepare";
import { DEFAULT_EVENT_SETTINGS } from "../../src/events/settings";
import { EventWorker } from "../../src/events/worker";
import { startReceiver, type Receiver } from "./helpers/receiver";
import { fixtureEnv, setUpEventsProject, type EventsTestProject } from "./helpers/project";

let project: EventsTestProject;
let receiver: Receiver;
let worker: EventWorker;

interface EventRow {
  id: string;
  trigger_name: string;
  payload: { op: string; data: { old: unknown; new: unknown }; session_variables: unknown; trace_context: unknown };
  delivered: boolean;
  error: boolean;
  tries: number;
  locked: Date | null;
  archived: boolean;
  created_utc: string;
}

async function events(pool: Pool, trigger?: string): Promise<EventRow[]> {
  const { rows } = await pool.query<EventRow>(
    `select id, trigger_name, payload, delivered, error, tries, locked, archived,
            to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') as created_utc
       from hdb_catalog.event_log ${trigger ? "where trigger_name = $1" : ""} order by created_at, id`,
    trigger ? [trigger] : [],
  );
  return rows;
}

/** Runs `sql` in a transaction that first sets the session variables as the engine does. */
async function asSession(pool: Pool, session: Record<string, string> | null, sql: string, values: unknown[] = [], timeZone?: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    if (timeZone) await client.query(`set local time zone '${timeZone}'`);
    if (session) await client.query("select set_config('hasura.user', $1, true)", [JSON.stringify(session)]);
    await client.query(sql, values);
    await client.query("commit");
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  project = await setUpEventsProject("ev_capture");
  receiver = await startReceiver();
  const { triggers } = prepareTriggers(project.triggers, fixtureEnv(receiver.url));
  worker = new EventWorker({ pool: project.pool, settings: { ...DEFAULT_EVENT_SETTINGS, poolSize: 4, batchSize: 10 } });
  worker.setTriggers(triggers);
});

afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await project.close();
});

beforeEach(async () => {
  await project.pool.query("delete from hdb_catalog.event_log; delete from hdb_catalog.event_invocation_logs");
  receiver.requests.length = 0;
});

describe("capture in Postgres (contract 1.2)", () => {
  test("installs one function and one table trigger per trigger and operation, in hdb_catalog", async () => {
    const { rows } = await project.pool.query<{ tgname: string; table: string; fn: string }>(
      `select t.tgname, c.relname as table, p.pronamespace::regnamespace::text || '.' || p.proname as fn
         from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_proc p on p.oid = t.tgfoid
        where not t.tgisinternal order by t.tgname`,
    );
    expect(rows).toEqual([
      { tgname: "notify_hasura_activity_logged_INSERT", table: "activity", fn: "hdb_catalog.notify_hasura_activity_logged_INSERT" },
      { tgname: "notify_hasura_subject_changed_DELETE", table: "subject", fn: "hdb_catalog.notify_hasura_subject_changed_DELETE" },
      { tgname: "notify_hasura_subject_changed_INSERT", table: "subject", fn: "hdb_catalog.notify_hasura_subject_changed_INSERT" },
      { tgname: "notify_hasura_subject_changed_UPDATE", table: "subject", fn: "hdb_catalog.notify_hasura_subject_changed_UPDATE" },
    ]);
  });

  test("an INSERT records old null, new the whole row and the transaction's session variables", async () => {
    await asSession(
      project.pool,
      { "x-hasura-role": "user", "x-hasura-user-id": "42" },
      "insert into subject (id, email_hash, meta, amount, created_at) values ($1, 'h1', '{\"a\": [1, 2]}', 12.50, '2024-05-09T08:03:05.409Z')",
      ["11111111-1111-4111-8111-111111111111"],
    );
    const [row] = await events(project.pool);
    expect(row.trigger_name).toBe("subject_changed");
    expect(row.payload).toEqual({
      op: "INSERT",
      data: {
        old: null,
        new: {
          id: "11111111-1111-4111-8111-111111111111",
          email_hash: "h1",
          status: "new",
          note: null,
          meta: { a: [1, 2] },
          amount: 12.5,
          created_at: "2024-05-09T08:03:05.409+00:00",
        },
      },
      session_variables: { "x-hasura-role": "user", "x-hasura-user-id": "42" },
      trace_context: null,
    });
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("a write from a client that set no session variables records session_variables null", async () => {
    await asSession(project.pool, null, "insert into subject (email_hash) values ('h-plain')");
    const [row] = await events(project.pool);
    expect(row.payload.session_variables).toBeNull();
  });

  test("an UPDATE fires only when a listed column changes value", async () => {
    await project.pool.query("insert into subject (id, email_hash) values ('22222222-2222-4222-8222-222222222222', 'h2')");
    await project.pool.query("delete from hdb_catalog.event_log");
    const id = "22222222-2222-4222-8222-222222222222";
    await project.pool.query("update subject set note = 'not listened', email_hash = 'h2b' where id = $1", [id]);
    await project.pool.query("update subject set status = 'new' where id = $1", [id]); // same value
    expect(await events(project.pool)).toEqual([]);

    await project.pool.query("update subject set status = 'verified' where id = $1", [id]);
    // json has no `<>` operator: the trigger must fall back to the binary comparison.
    await project.pool.query(`update subject set meta = '{"x": 1}' where id = $1`, [id]);
    await project.pool.query(`update subject set meta = '{"x": 1}' where id = $1`, [id]); // same bytes
    const rows = await events(project.pool);
    expect(rows.map((r) => r.payload.op)).toEqual(["UPDATE", "UPDATE"]);
    const first = rows[0].payload.data as { old: Record<string, unknown>; new: Record<string, unknown> };
    expect([first.old.status, first.new.status, first.old.note, first.new.email_hash]).toEqual(["new", "verified", "not listened", "h2b"]);
    const second = rows[1].payload.data as { old: Record<string, unknown>; new: Record<string, unknown> };
    expect([second.old.meta, second.new.meta]).toEqual([null, { x: 1 }]);
  });

  test("a NULL to NULL update of a listed column is no change; NULL to a value is", async () => {
    await project.pool.query("insert into subject (id, email_hash) values ('33333333-3333-4333-8333-333333333333', 'h3')");
    await project.pool.query("delete from hdb_catalog.event_log");
    await project.pool.query("update subject set meta = null where id = '33333333-3333-4333-8333-333333333333'");
    expect(await events(project.pool)).toEqual([]);
    await project.pool.query(`update subject set meta = '{"y": 2}' where id = '33333333-3333-4333-8333-333333333333'`);
    expect((await events(project.pool)).map((r) => r.payload.data)).toEqual([
      { old: expect.objectContaining({ meta: null }), new: expect.objectContaining({ meta: { y: 2 } }) },
    ]);
  });

  test("a DELETE records the old row and new null", async () => {
    await project.pool.query("insert into subject (id, email_hash) values ('44444444-4444-4444-8444-444444444444', 'h4')");
    await project.pool.query("delete from hdb_catalog.event_log");
    await project.pool.query("delete from subject where id = '44444444-4444-4444-8444-444444444444'");
    const [row] = await events(project.pool);
    expect(row.payload.op).toBe("DELETE");
    expect(row.payload.data.new).toBeNull();
    expect((row.payload.data.old as Record<string, unknown>).id).toBe("44444444-4444-4444-8444-444444444444");
  });

  test("payload columns restrict data.new to the listed columns", async () => {
    await project.pool.query("insert into activity (kind, detail) values ('login', 'not in payload')");
    const [row] = await events(project.pool, "activity_logged");
    expect(row.payload.data).toEqual({ old: null, new: { id: expect.any(Number), kind: "login" } });
  });

  test("created_at is stored in UTC even when the writing session uses another time zone", async () => {
    const before = (await project.pool.query<{ now: string }>("select to_char(now() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI') as now")).rows[0].now;
    await asSession(project.pool, null, "insert into subject (email_hash) values ('h-tz')", [], "Asia/Tokyo");
    const [row] = await events(project.pool);
    expect(row.created_utc.slice(0, 16) >= before).toBe(true);
    const after = (await project.pool.query<{ now: string }>("select to_char(now() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') as now")).rows[0].now;
    expect(row.created_utc <= after).toBe(true);
  });
});

describe("delivery payload and logs (contract 1.5, 1.6)", () => {
  test("POSTs Hasura's body with the configured headers and records the attempt", async () => {
    await asSession(
      project.pool,
      { "x-hasura-role": "conduit" },
      "insert into subject (id, email_hash, created_at) values ('55555555-5555-4555-8555-555555555555', 'h5', '2024-05-09T08:03:05Z')",
    );
    const [stored] = await events(project.pool);
    expect(await worker.runOnce()).toBe(1);
    const [req] = await receiver.waitFor(1);

    expect(req.path).toBe("/subject");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toBe("hasura-graphql-engine/v2.0.0-engine");
    expect(req.headers["x-handler-secret"]).toBe("s3cret-handler");
    expect(req.headers["x-static"]).toBe("static-v1");
    const body = req.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["created_at", "delivery_info", "event", "id", "table", "trigger"]);
    expect(body.id).toBe(stored.id);
    expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z$/);
    expect(new Date(body.created_at as string).getTime()).toBe(new Date(`${stored.created_utc}Z`).getTime());
    expect(body.trigger).toEqual({ name: "subject_changed" });
    expect(body.table).toEqual({ schema: "public", name: "subject" });
    expect(body.delivery_info).toEqual({ current_retry: 0, max_retries: 0 });
    expect(body.event).toEqual({
      op: "INSERT",
      session_variables: { "x-hasura-role": "conduit" },
      data: {
        old: null,
        new: {
          id: "55555555-5555-4555-8555-555555555555",
          email_hash: "h5",
          status: "new",
          note: null,
          meta: null,
          amount: null,
          created_at: "2024-05-09T08:03:05+00:00",
        },
      },
      trace_context: null,
    });

    const [after] = await events(project.pool);
    expect([after.delivered, after.error, after.tries, after.locked]).toEqual([true, false, 1, null]);
    const { rows: logs } = await project.pool.query("select trigger_name, event_id, status, request, response from hdb_catalog.event_invocation_logs");
    expect(logs).toHaveLength(1);
    expect(logs[0].trigger_name).toBe("subject_changed");
    expect(logs[0].event_id).toBe(stored.id);
    expect(logs[0].status).toBe(200);
    expect(logs[0].request).toEqual({
      version: "2",
      payload: body,
      headers: [
        { name: "Content-Type", value: "application/json" },
        { name: "User-Agent", value: "hasura-graphql-engine/v2.0.0-engine" },
        // env-sourced values are logged by variable name, never by value
        { name: "x-handler-secret", value_from_env: "HANDLER_SECRET" },
        { name: "x-static", value: "static-v1" },
      ],
    });
    expect(logs[0].response.version).toBe("2");
    expect(logs[0].response.type).toBe("webhook_response");
    expect(logs[0].response.data.status).toBe(200);
    expect(logs[0].response.data.body).toBe('{"ok":true}');
    expect(JSON.stringify(logs)).not.toContain("s3cret-handler");
  });

  test("a non-2xx answer is logged as client_error with the body as message, and with no retries left the event errors", async () => {
    receiver.setResponder(() => ({ status: 422, body: "bad row" }));
    try {
      await project.pool.query("insert into subject (email_hash) values ('h6')");
      await worker.runOnce();
      const [row] = await events(project.pool);
      expect([row.delivered, row.error, row.tries, row.locked]).toEqual([false, true, 1, null]);
      const { rows } = await project.pool.query("select status, response from hdb_catalog.event_invocation_logs");
      expect(rows).toEqual([{ status: 422, response: { version: "2", type: "client_error", data: { message: "bad row" } } }]);
    } finally {
      receiver.setResponder(() => ({ status: 200, body: '{"ok":true}' }));
    }
  });
});

describe("manual invocation (contract 1.2, pg_invoke_event_trigger)", () => {
  test("records a MANUAL event with old null, the given payload as new, and the caller's session", async () => {
    const { triggers } = prepareTriggers(project.triggers, fixtureEnv(receiver.url));
    const result = await invokeEventTrigger(project.pool, triggers, { name: "activity_logged", payload: { kind: "replay", n: 1 } }, { "x-hasura-role": "admin" });
    const [row] = await events(project.pool);
    expect(result).toEqual({ event_id: row.id });
    expect(row.payload).toEqual({
      op: "MANUAL",
      data: { old: null, new: { kind: "replay", n: 1 } },
      session_variables: { "x-hasura-role": "admin" },
      trace_context: null,
    });
    await worker.runOnce();
    const [req] = await receiver.waitFor(1);
    expect(req.path).toBe("/activity");
    expect((req.body as { event: { op: string } }).event.op).toBe("MANUAL");
  });

  test("refuses a trigger without enable_manual and an unknown trigger", async () => {
    const { triggers } = prepareTriggers(project.triggers, fixtureEnv(receiver.url));
    await expect(invokeEventTrigger(project.pool, triggers, { name: "subject_changed", payload: {} }, {})).rejects.toMatchObject({
      code: "not-supported",
      status: 400,
    });
    await expect(invokeEventTrigger(project.pool, triggers, { name: "nope", payload: {} }, {})).rejects.toBeInstanceOf(MetadataApiError);
    expect(await events(project.pool)).toEqual([]);
  });
});

describe("reinstalling after a metadata change (contract 1.2)", () => {
  test("drops the functions of a removed trigger, archives its pending events, and stops capturing", async () => {
    await project.pool.query("insert into activity (kind) values ('pending-one')");
    const kept = project.triggers.filter((t) => t.trigger.name !== "activity_logged");
    const result = await installEventTriggers(project.pool, kept);
    expect(result).toEqual({ removedTriggers: ["activity_logged"] });
    const { rows: fns } = await project.pool.query("select proname from pg_proc where proname like 'notify_hasura_activity%'");
    expect(fns).toEqual([]);
    const [pending] = await events(project.pool, "activity_logged");
    expect(pending.archived).toBe(true);
    await project.pool.query("insert into activity (kind) values ('after-drop')");
    expect(await events(project.pool, "activity_logged")).toHaveLength(1);
    // and back, as a reload with the trigger restored does
    expect(await installEventTriggers(project.pool, project.triggers)).toEqual({ removedTriggers: [] });
    await project.pool.query("insert into activity (kind) values ('restored')");
    expect(await events(project.pool, "activity_logged")).toHaveLength(2);
  });
});

describe("event log API (contract 1.6, 1.8)", () => {
  test("pg_redeliver_event resets an errored event, which is then delivered again", async () => {
    receiver.setResponder(() => ({ status: 500, body: "down" }));
    try {
      await project.pool.query("insert into subject (email_hash) values ('h-redeliver')");
      await worker.runOnce();
    } finally {
      receiver.setResponder(() => ({ status: 200, body: '{"ok":true}' }));
    }
    const [failed] = await events(project.pool);
    expect([failed.error, failed.tries]).toEqual([true, 1]);
    expect(await redeliverEvent(project.pool, { event_id: failed.id }, 1800)).toEqual({ message: "success" });
    const [reset] = await events(project.pool);
    expect([reset.delivered, reset.error, reset.tries]).toEqual([false, false, 0]);
    expect(await worker.runOnce()).toBe(1);
    const [done] = await events(project.pool);
    expect([done.delivered, done.tries]).toEqual([true, 1]);

    const byId = await getEventById(project.pool, { event_id: failed.id });
    expect(byId.event.id).toBe(failed.id);
    expect(byId.invocations.map((i) => i.status).sort()).toEqual([200, 500]);
    const logs = await getEventInvocationLogs(project.pool, { name: "subject_changed", limit: 1 });
    expect(logs).toHaveLength(1);
    expect(await getEventLogs(project.pool, { name: "subject_changed", status: "processed" })).toHaveLength(1);
    expect(await getEventLogs(project.pool, { name: "subject_changed", status: "pending" })).toHaveLength(0);
  });

  test("pg_redeliver_event refuses a locked event (busy) and an unknown id (not-exists)", async () => {
    await project.pool.query("insert into subject (email_hash) values ('h-busy')");
    const [row] = await events(project.pool);
    await project.pool.query("update hdb_catalog.event_log set locked = now() where id = $1", [row.id]);
    await expect(redeliverEvent(project.pool, { event_id: row.id }, 1800)).rejects.toMatchObject({ code: "busy", message: "event is already being processed" });
    await expect(redeliverEvent(project.pool, { event_id: "no-such-event" }, 1800)).rejects.toMatchObject({ code: "not-exists", message: "event not found" });
    await expect(getEventLogs(project.pool, { name: "subject_changed", limit: -1 })).rejects.toMatchObject({ code: "parse-failed", path: "$.args.limit" });
    await project.pool.query("update hdb_catalog.event_log set locked = null where id = $1", [row.id]);
  });
});
