/**
 * Retries, their spacing, Retry-After and timeouts (hasura-contract.md 1.6),
 * with the worker running its own loop against a real receiver.
 */
import { prepareTriggers } from "../../src/events/prepare";
import { DEFAULT_EVENT_SETTINGS } from "../../src/events/settings";
import { EventWorker } from "../../src/events/worker";
import { eventually, startReceiver, type Receiver } from "./helpers/receiver";
import { fixtureEnv, setUpEventsProject, type EventsTestProject } from "./helpers/project";

let project: EventsTestProject;
let receiver: Receiver;
let worker: EventWorker;

interface Attempt {
  status: number | null;
  type: string;
  message: string | null;
}

async function attemptsOf(eventId: string): Promise<Attempt[]> {
  const { rows } = await project.pool.query<Attempt>(
    `select status, response->>'type' as type, response->'data'->>'message' as message
       from hdb_catalog.event_invocation_logs where event_id = $1 order by created_at`,
    [eventId],
  );
  return rows;
}

async function eventState(eventId: string): Promise<{ delivered: boolean; error: boolean; tries: number; locked: Date | null; next_retry_at: Date | null }> {
  const { rows } = await project.pool.query("select delivered, error, tries, locked, next_retry_at from hdb_catalog.event_log where id = $1", [eventId]);
  return rows[0];
}

async function insertActivity(kind: string): Promise<string> {
  await project.pool.query("insert into activity (kind) values ($1)", [kind]);
  const { rows } = await project.pool.query<{ id: string }>(
    "select id from hdb_catalog.event_log where payload->'data'->'new'->>'kind' = $1",
    [kind],
  );
  return rows[0].id;
}

/** Settles once the event is delivered or errored. */
function settled(eventId: string): Promise<{ delivered: boolean; error: boolean; tries: number }> {
  return eventually(async () => {
    const state = await eventState(eventId);
    return state.delivered || state.error ? state : undefined;
  }, 20_000, `event ${eventId} to settle`);
}

beforeAll(async () => {
  project = await setUpEventsProject("ev_retry");
  receiver = await startReceiver();
  // activity_logged: num_retries 2, interval_sec 1, timeout_sec 1 (fixture).
  const { triggers } = prepareTriggers(project.triggers, fixtureEnv(receiver.url));
  worker = new EventWorker({ pool: project.pool, settings: { ...DEFAULT_EVENT_SETTINGS, fetchIntervalMs: 50, poolSize: 8, batchSize: 20 } });
  worker.setTriggers(triggers);
  worker.start();
});

afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await project.close();
});

beforeEach(() => {
  receiver.requests.length = 0;
});

test("a receiver that fails twice then succeeds gets three calls about interval_sec apart, current_retry 0, 1, 2", async () => {
  receiver.setResponder((_req, i) => (i < 2 ? { status: 503, body: "down" } : { status: 200, body: "{}" }));
  const id = await insertActivity("flaky");
  const state = await settled(id);
  expect(state).toMatchObject({ delivered: true, error: false, tries: 3 });
  const calls = receiver.requests.filter((r) => (r.body as { id: string }).id === id);
  expect(calls.map((c) => (c.body as { delivery_info: unknown }).delivery_info)).toEqual([
    { current_retry: 0, max_retries: 2 },
    { current_retry: 1, max_retries: 2 },
    { current_retry: 2, max_retries: 2 },
  ]);
  // The body is identical on every retry except current_retry (contract 1.5).
  const strip = (b: unknown) => ({ ...(b as Record<string, unknown>), delivery_info: null });
  expect(strip(calls[1].body)).toEqual(strip(calls[0].body));
  for (const gap of [calls[1].at - calls[0].at, calls[2].at - calls[1].at]) {
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(2500);
  }
  expect((await attemptsOf(id)).map((a) => a.status)).toEqual([503, 503, 200]);
});

test("with retries used up the event is marked error after num_retries + 1 attempts", async () => {
  receiver.setResponder(() => ({ status: 500, body: "still down" }));
  const id = await insertActivity("always-failing");
  const state = await settled(id);
  expect(state).toMatchObject({ delivered: false, error: true, tries: 3 });
  expect(await attemptsOf(id)).toEqual([
    { status: 500, type: "client_error", message: "still down" },
    { status: 500, type: "client_error", message: "still down" },
    { status: 500, type: "client_error", message: "still down" },
  ]);
  const after = await eventState(id);
  expect([after.locked, after.next_retry_at]).toEqual([null, null]);
});

test("Retry-After in seconds sets the next attempt, overriding interval_sec", async () => {
  receiver.setResponder((_req, i) => (i === 0 ? { status: 429, headers: { "retry-after": "3" }, body: "slow down" } : { status: 200, body: "{}" }));
  const id = await insertActivity("rate-limited");
  await settled(id);
  const calls = receiver.requests.filter((r) => (r.body as { id: string }).id === id);
  expect(calls).toHaveLength(2);
  // interval_sec is 1: a gap of 3 s can only come from Retry-After.
  expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(2950);
  expect(calls[1].at - calls[0].at).toBeLessThan(4500);
});

test("Retry-After as an HTTP date is ignored and interval_sec applies", async () => {
  receiver.setResponder((_req, i) =>
    i === 0 ? { status: 503, headers: { "retry-after": "Wed, 21 Oct 2037 07:28:00 GMT" }, body: "" } : { status: 200, body: "{}" },
  );
  const id = await insertActivity("date-retry-after");
  await settled(id);
  const calls = receiver.requests.filter((r) => (r.body as { id: string }).id === id);
  expect(calls).toHaveLength(2);
  expect(calls[1].at - calls[0].at).toBeLessThan(2500);
});

test("a receiver slower than timeout_sec counts as a failed attempt with no status", async () => {
  receiver.setResponder((_req, i) => (i === 0 ? { hang: true } : { status: 200, body: "{}" }));
  const id = await insertActivity("slow-receiver");
  const state = await settled(id);
  expect(state).toMatchObject({ delivered: true, tries: 2 });
  const attempts = await attemptsOf(id);
  expect(attempts.map((a) => [a.status, a.type])).toEqual([
    [null, "client_error"],
    [200, "webhook_response"],
  ]);
  expect(attempts[0].message).toBe("timeout: no complete response within 1000 ms");
});

test("a refused connection is a failed attempt with no status, retried", async () => {
  const closed = await startReceiver();
  const deadUrl = closed.url;
  await closed.close();
  const { triggers } = prepareTriggers(project.triggers, { ...fixtureEnv(receiver.url), ACTIVITY_WEBHOOK: `${deadUrl}/activity` });
  worker.setTriggers(triggers);
  try {
    const id = await insertActivity("refused");
    const state = await settled(id);
    expect(state).toMatchObject({ delivered: false, error: true, tries: 3 });
    const attempts = await attemptsOf(id);
    expect(attempts.map((a) => a.status)).toEqual([null, null, null]);
    expect(attempts[0].message).toMatch(/^ECONNREFUSED/);
  } finally {
    worker.setTriggers(prepareTriggers(project.triggers, fixtureEnv(receiver.url)).triggers);
  }
});
