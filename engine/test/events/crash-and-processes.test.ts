/**
 * At-least-once delivery across process death (hasura-contract.md 1.4): the
 * delivery worker runs as a separate process that the test kills between
 * claim and delivery, or stops with SIGTERM mid-delivery. Two whole engine
 * processes sharing one log: engine-processes.test.ts.
 */
import { eventually, startReceiver, type Receiver } from "./helpers/receiver";
import { spawnWorker, type WorkerProcess } from "./helpers/child";
import { setUpEventsProject, type EventsTestProject } from "./helpers/project";

let project: EventsTestProject;
let receiver: Receiver;
const spawned: WorkerProcess[] = [];

beforeAll(async () => {
  project = await setUpEventsProject("ev_proc");
  receiver = await startReceiver();
});

afterEach(async () => {
  for (const w of spawned.splice(0)) await w.kill();
});

afterAll(async () => {
  await receiver.close();
  await project.close();
});

beforeEach(async () => {
  receiver.requests.length = 0;
  await project.pool.query("delete from hdb_catalog.event_log; delete from hdb_catalog.event_invocation_logs");
});

function start(env: Record<string, string>): WorkerProcess {
  const w = spawnWorker({ DATABASE_URL: project.db.url, RECEIVER_URL: receiver.url, ...env });
  spawned.push(w);
  return w;
}

async function lockedCount(): Promise<number> {
  const { rows } = await project.pool.query<{ n: number }>("select count(*)::int as n from hdb_catalog.event_log where locked is not null");
  return rows[0].n;
}

test("events locked by a worker killed before delivering are delivered once the lock is stale", async () => {
  await project.pool.query("insert into activity (kind) select 'crash-' || g from generate_series(1, 5) g");
  const first = start({ PAUSE_AFTER_CLAIM: "1", STALE_LOCK_SECONDS: "2" });
  expect(await first.waitForLine("CLAIMED")).toBe("CLAIMED 5");
  expect(await lockedCount()).toBe(5);
  await first.kill();
  expect(receiver.requests).toHaveLength(0);

  const second = start({ STALE_LOCK_SECONDS: "2" });
  await second.waitForLine("READY");
  const requests = await receiver.waitFor(5, 15_000);
  const ids = requests.map((r) => (r.body as { id: string }).id);
  expect(new Set(ids).size).toBe(5);
  const delivered = await eventually(async () => {
    const { rows } = await project.pool.query<{ n: number }>("select count(*)::int as n from hdb_catalog.event_log where delivered");
    return rows[0].n === 5 ? rows[0].n : undefined;
  });
  expect(delivered).toBe(5);
  // The stale lock was taken over, not retried: first delivery attempt each.
  expect(requests.map((r) => (r.body as { delivery_info: { current_retry: number } }).delivery_info.current_retry)).toEqual([0, 0, 0, 0, 0]);
});

test("a worker stopped with SIGTERM finishes its in-flight delivery and releases the events it had not started", async () => {
  receiver.setResponder(() => ({ hang: true }));
  try {
    await project.pool.query("insert into activity (kind) select 'graceful-' || g from generate_series(1, 3) g");
    // One delivery at a time: one event in flight, two claimed and waiting.
    const w = start({ POOL_SIZE: "1", BATCH_SIZE: "3" });
    await receiver.waitFor(1);
    expect(await lockedCount()).toBe(3);
    await w.stop();
    expect(w.output()).toContain("STOPPED");
    // The in-flight one timed out (timeout_sec 1) and was scheduled for retry;
    // the other two were unlocked untouched.
    const { rows } = await project.pool.query<{ tries: number; locked: Date | null; retry: boolean }>(
      "select tries, locked, next_retry_at is not null as retry from hdb_catalog.event_log order by tries desc, id",
    );
    expect(rows).toEqual([
      { tries: 1, locked: null, retry: true },
      { tries: 0, locked: null, retry: false },
      { tries: 0, locked: null, retry: false },
    ]);
    expect(receiver.requests).toHaveLength(1);
  } finally {
    receiver.setResponder(() => ({ status: 200, body: "{}" }));
  }
});
