/**
 * The events and crons extensions inside a real engine (createEngine). The
 * fixture's every-minute cron trigger may call the receiver too, so requests
 * are picked by path. A
 * GraphQL mutation fires a trigger carrying the request's session variables,
 * /v1/metadata calls reach the extensions, and reload_metadata reinstalls.
 */
import request from "supertest";
import { createEngine, type Engine } from "../../src/server";
import { createCronsExtension } from "../../src/crons/extension";
import { createEventsExtension } from "../../src/events/extension";
import { eventually, startReceiver, type Receiver } from "./helpers/receiver";
import { EVENTS_PROJECT_DIR, fixtureEnv, setUpEventsProject, type EventsTestProject } from "./helpers/project";

const ADMIN_SECRET = "events-admin-secret";
let project: EventsTestProject;
let receiver: Receiver;
let engine: Engine;

beforeAll(async () => {
  project = await setUpEventsProject("ev_engine");
  receiver = await startReceiver();
  engine = await createEngine({
    pool: project.pool,
    projectDir: EVENTS_PROJECT_DIR,
    adminSecret: ADMIN_SECRET,
    env: fixtureEnv(receiver.url),
    extensions: [
      createEventsExtension({ settings: { fetchIntervalMs: 50 } }),
      createCronsExtension({ settings: { intervalMs: 100, poolSize: 4, batchSize: 100 } }),
    ],
  });
});

afterAll(async () => {
  await engine.close();
  await receiver.close();
  await project.close();
});

beforeEach(() => {
  receiver.requests.length = 0;
});

const metadata = (body: unknown) => request(engine.app).post("/v1/metadata").set("x-hasura-admin-secret", ADMIN_SECRET).send(body as object);

test("a GraphQL insert fires the trigger with the request's session variables", async () => {
  const res = await request(engine.app)
    .post("/v1/graphql")
    .set("x-hasura-admin-secret", ADMIN_SECRET)
    .set("x-hasura-role", "user")
    .set("x-hasura-user-id", "7")
    .send({ query: 'mutation { insert_subject_one(object: {email_hash: "gql-1"}) { id } }' });
  expect(res.body.errors).toBeUndefined();
  const id = res.body.data.insert_subject_one.id as string;
  const [req] = await receiver.waitForPath("/subject", 1);
  const body = req.body as { event: { op: string; session_variables: unknown; data: { new: { id: string } } }; trigger: unknown };
  expect(body.trigger).toEqual({ name: "subject_changed" });
  expect(body.event.op).toBe("INSERT");
  expect(body.event.session_variables).toEqual({ "x-hasura-role": "user", "x-hasura-user-id": "7" });
  expect(body.event.data.new.id).toBe(id);
  expect(req.headers["user-agent"]).toMatch(/^hasura-graphql-engine\/v2\./);
});

test("pg_invoke_event_trigger on /v1/metadata records and delivers a MANUAL event as admin", async () => {
  const res = await metadata({ type: "pg_invoke_event_trigger", args: { name: "activity_logged", source: "default", payload: { kind: "manual" } } });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  const [req] = await receiver.waitForPath("/activity", 1);
  expect(req.body).toMatchObject({ id: res.body.event_id, event: { op: "MANUAL", session_variables: { "x-hasura-role": "admin" }, data: { old: null, new: { kind: "manual" } } } });
});

test("metadata errors come back in Hasura's envelope", async () => {
  const res = await metadata({ type: "pg_invoke_event_trigger", args: { name: "subject_changed", payload: {} } });
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ path: "$.args", error: 'manual mode is not enabled for event trigger "subject_changed"', code: "not-supported" });
  const bad = await metadata({ type: "create_scheduled_event", args: { webhook: "http://x", schedule_at: 5 } });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ path: "$.args.schedule_at", code: "parse-failed" });
});

test("create_scheduled_event on /v1/metadata is delivered by the running processor", async () => {
  const res = await metadata({
    type: "create_scheduled_event",
    args: { webhook: "{{EVENTS_RECEIVER_URL}}/once", schedule_at: new Date(Date.now() - 1000).toISOString(), payload: { n: 1 } },
  });
  expect(res.body).toEqual({ message: "success", event_id: expect.any(String) });
  const [req] = await receiver.waitForPath("/once", 1, 5000);
  expect(req.path).toBe("/once");
  expect(req.body).toMatchObject({ id: res.body.event_id, payload: { n: 1 } });
  const delivered = await eventually(async () => {
    const listed = await metadata({ type: "get_scheduled_events", args: { type: "one_off", status: ["delivered"] } });
    return listed.status === 200 && listed.body.events.length === 1 ? listed.body.events : undefined;
  }, 5000, "the event to be marked delivered");
  expect(delivered[0]).toMatchObject({ id: res.body.event_id, status: "delivered", tries: 1 });
});

test("reload_metadata reinstalls trigger functions dropped behind the engine's back", async () => {
  await project.pool.query('drop function hdb_catalog."notify_hasura_subject_changed_INSERT"() cascade');
  const res = await metadata({ type: "reload_metadata", args: { recreate_event_triggers: true } });
  expect(res.body).toEqual({ is_consistent: true, message: "success" });
  await project.pool.query("insert into subject (email_hash) values ('after-reload')");
  const [req] = await receiver.waitForPath("/subject", 1);
  expect((req.body as { event: { data: { new: { email_hash: string } } } }).event.data.new.email_hash).toBe("after-reload");
});
