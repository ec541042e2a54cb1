/**
 * Event-trigger delivery benchmark: events per second from INSERT to the
 * receiver's 2xx, and lag (receiver arrival minus event_log.created_at) p50/p99,
 * at Hasura's default settings and at tuned ones.
 *
 *   node --import tsx bench/events/bench.ts [--events 20000] [--rate 1500] [--seconds 10]
 *
 * Postgres: DATABASE_URL (a superuser URL; a scratch database is created and
 * dropped) or an embedded server in a temporary directory. The receiver runs in
 * a child process and answers 200 at once.
 *
 * Two runs per setting:
 *   backlog: `--events` rows inserted in one statement, then the worker drains
 *            them; throughput = events / (last arrival - insert commit);
 *   steady:  `--rate` events/s inserted in 20 ms slices for `--seconds`; lag
 *            percentiles over every event.
 */
import { fork, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Client, Pool } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../common/src/db/embedded";
import { loadMetadata } from "../../common/src/metadata";
import { collectEventTriggers } from "../../engine/src/events/definition";
import { installEventTriggers } from "../../engine/src/events/install";
import { prepareTriggers } from "../../engine/src/events/prepare";
import { DEFAULT_EVENT_SETTINGS, type EventSettings } from "../../engine/src/events/settings";
import { EventWorker } from "../../engine/src/events/worker";

const PROJECT = join(__dirname, "..", "..", "engine", "test", "fixtures", "events-project");

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU milliseconds used so far by the embedded Postgres: the postmaster (with
 * its reaped children) plus every live child process. Linux only; undefined
 * when the server is not ours or /proc is unavailable.
 */
function postgresCpuMs(dataDir: string | undefined): number | undefined {
  if (!dataDir || !existsSync(join(dataDir, "postmaster.pid"))) return undefined;
  const postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const stat = (pid: string): string[] | undefined => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      return text.slice(text.lastIndexOf(")") + 2).split(" ");
    } catch {
      return undefined;
    }
  };
  // Fields after the command: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
  const own = stat(String(postmaster));
  if (!own) return undefined;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const s = stat(pid);
    if (s && Number(s[1]) === postmaster) ticks += Number(s[11]) + Number(s[12]);
  }
  return (ticks * 1000) / USER_HZ;
}

interface CpuSample {
  worker: number;
  receiver: number;
  postgres: number | undefined;
}

async function cpuSample(receiver: ReceiverHandle, dataDir: string | undefined): Promise<CpuSample> {
  const own = process.cpuUsage();
  const { ms } = await receiver.request<{ ms: number }>("cpu", "cpu");
  return { worker: (own.user + own.system) / 1000, receiver: ms, postgres: postgresCpuMs(dataDir) };
}

interface ReceiverHandle {
  child: ChildProcess;
  url: string;
  request<T>(message: string, type: string): Promise<T>;
}

async function startReceiverProcess(): Promise<ReceiverHandle> {
  const child = fork(join(__dirname, "receiver.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.on("message", (m: { type: string; port?: number }) => {
      if (m.type === "listening" && m.port) resolve(m.port);
    });
  });
  const request = <T>(message: string, type: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type === type) {
          child.off("message", onMessage);
          resolve(m as T);
        }
      };
      child.on("message", onMessage);
      child.send(message);
    });
  return { child, url: `http://127.0.0.1:${port}`, request };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitForCount(receiver: ReceiverHandle, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count: got } = await receiver.request<{ count: number }>("count", "count");
    if (got >= count) return;
    if (Date.now() > deadline) throw new Error(`receiver got ${got} of ${count} events in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface RunResult {
  events: number;
  /** CPU ms per event spent by the worker process, the receiver and Postgres (backlog runs). */
  cpuPerEvent?: CpuSample;
  /** Seconds the INSERT (with its trigger) took, backlog runs only. */
  insertSeconds?: number;
  seconds: number;
  perSecond: number;
  lagP50: number;
  lagP99: number;
  duplicates: number;
}

async function lags(pool: Pool, receiver: ReceiverHandle): Promise<{ sorted: number[]; last: number; duplicates: number }> {
  const report = await receiver.request<{ arrivals: [string, number][]; duplicates: number }>("report", "report");
  const { rows } = await pool.query<{ id: string; ms: number }>(
    "select id, (extract(epoch from created_at) * 1000)::float8 as ms from hdb_catalog.event_log",
  );
  const created = new Map(rows.map((r) => [r.id, r.ms]));
  const values: number[] = [];
  let last = 0;
  for (const [id, at] of report.arrivals) {
    const c = created.get(id);
    if (c !== undefined) values.push(at - c);
    last = Math.max(last, at);
  }
  return { sorted: values.sort((a, b) => a - b), last, duplicates: report.duplicates };
}

async function reset(pool: Pool, receiver: ReceiverHandle): Promise<void> {
  await pool.query("truncate hdb_catalog.event_log, hdb_catalog.event_invocation_logs, activity restart identity cascade");
  await receiver.request("reset", "reset");
}

async function backlogRun(pool: Pool, receiver: ReceiverHandle, worker: EventWorker, events: number, dataDir: string | undefined): Promise<RunResult> {
  await reset(pool, receiver);
  const before = await cpuSample(receiver, dataDir);
  const started = Date.now();
  await pool.query("insert into activity (kind) select 'bench' from generate_series(1, $1::int)", [events]);
  const insertSeconds = (Date.now() - started) / 1000;
  worker.wake();
  await waitForCount(receiver, events, 300_000);
  const after = await cpuSample(receiver, dataDir);
  const cpuPerEvent: CpuSample = {
    worker: (after.worker - before.worker) / events,
    receiver: (after.receiver - before.receiver) / events,
    postgres: after.postgres !== undefined && before.postgres !== undefined ? (after.postgres - before.postgres) / events : undefined,
  };
  const { sorted, last, duplicates } = await lags(pool, receiver);
  const seconds = (last - started) / 1000;
  return { events, cpuPerEvent, insertSeconds, seconds, perSecond: events / seconds, lagP50: percentile(sorted, 50), lagP99: percentile(sorted, 99), duplicates };
}

async function steadyRun(pool: Pool, receiver: ReceiverHandle, rate: number, seconds: number): Promise<RunResult> {
  await reset(pool, receiver);
  const sliceMs = 20;
  const perSlice = Math.max(1, Math.round((rate * sliceMs) / 1000));
  const slices = Math.round((seconds * 1000) / sliceMs);
  const started = Date.now();
  for (let i = 0; i < slices; i++) {
    const due = started + i * sliceMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await pool.query("insert into activity (kind) select 'steady' from generate_series(1, $1::int)", [perSlice]);
  }
  const total = perSlice * slices;
  await waitForCount(receiver, total, 300_000);
  const { sorted, last, duplicates } = await lags(pool, receiver);
  const elapsed = (last - started) / 1000;
  return { events: total, seconds: elapsed, perSecond: total / elapsed, lagP50: percentile(sorted, 50), lagP99: percentile(sorted, 99), duplicates };
}

/**
 * CPU cost per event, and the rate the whole pipeline (Postgres, worker,
 * receiver) could sustain if it had every core of this machine to itself:
 * a figure that does not depend on what else the shared machine is running.
 */
function cpuLine(cpu: CpuSample | undefined): string {
  if (!cpu) return "  cpu: not measured";
  const total = cpu.worker + cpu.receiver + (cpu.postgres ?? 0);
  const pg = cpu.postgres === undefined ? "postgres not measured (external server)" : `postgres ${cpu.postgres.toFixed(3)} ms`;
  const projected = cpu.postgres === undefined ? "" : `; projected on ${cpus().length} idle CPUs: ${((cpus().length * 1000) / total).toFixed(0)} events/s`;
  return `  cpu per event: worker ${cpu.worker.toFixed(3)} ms, receiver ${cpu.receiver.toFixed(3)} ms, ${pg}${projected}`;
}

async function main(): Promise<void> {
  const events = flag("events", 20_000);
  const rate = flag("rate", 1500);
  const seconds = flag("seconds", 10);

  let server: EmbeddedServer | undefined;
  let dataParent: string | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataParent = mkdtempSync(join(tmpdir(), "bench-events-pg-"));
    chmodSync(dataParent, 0o755);
    dataDir = join(dataParent, "data");
    server = await startEmbeddedPostgres({ dataDir, persistent: false });
    adminUrl = server.adminUrl;
  }
  const dbName = `bench_events_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;

  const receiver = await startReceiverProcess();
  const pool = new Pool({ connectionString: url.toString(), max: 10 });
  // Connections the final drop database terminates must not crash the run.
  pool.on("error", () => undefined);
  try {
    await applyMigrations(url.toString(), join(PROJECT, "migrations"));
    const all = collectEventTriggers(loadMetadata(PROJECT).sources);
    await installEventTriggers(pool, all);
    // Only the activity trigger: its num_retries/timeouts do not matter when the receiver answers 200.
    const { triggers } = prepareTriggers(all.filter((t) => t.trigger.name === "activity_logged"), { ACTIVITY_WEBHOOK: `${receiver.url}/activity` });

    const settingsList: { label: string; settings: EventSettings }[] = [
      { label: "default (pool 100, batch 100, interval 1000 ms)", settings: DEFAULT_EVENT_SETTINGS },
      { label: "tuned (pool 64, batch 500, interval 50 ms)", settings: { ...DEFAULT_EVENT_SETTINGS, poolSize: 64, batchSize: 500, fetchIntervalMs: 50 } },
    ];
    const lines: string[] = [];
    for (const { label, settings } of settingsList) {
      const worker = new EventWorker({ pool, settings });
      worker.setTriggers(triggers);
      worker.start();
      try {
        const backlog = await backlogRun(pool, receiver, worker, events, dataDir);
        const steady = await steadyRun(pool, receiver, rate, seconds);
        lines.push(
          `${label}`,
          `  backlog ${backlog.events} events: ${backlog.perSecond.toFixed(0)} events/s from INSERT to last 2xx (${backlog.seconds.toFixed(2)} s, of which the INSERT ${backlog.insertSeconds?.toFixed(2)} s; delivery alone ${(backlog.events / (backlog.seconds - (backlog.insertSeconds ?? 0))).toFixed(0)} events/s), duplicates ${backlog.duplicates}`,
          cpuLine(backlog.cpuPerEvent),
          `  steady ${rate}/s for ${seconds} s (${steady.events} events): lag p50 ${steady.lagP50.toFixed(0)} ms, p99 ${steady.lagP99.toFixed(0)} ms, duplicates ${steady.duplicates}`,
        );
      } finally {
        await worker.stop();
      }
    }
    // The machine is shared: the load average says how much of it the run had.
    const load = loadavg().map((l) => l.toFixed(1)).join(" ");
    process.stdout.write(
      `engine/events delivery benchmark (${new Date().toISOString()}, node ${process.version}, ${cpus().length} CPUs, load average ${load})\n${lines.join("\n")}\n`,
    );
  } finally {
    await pool.end();
    receiver.child.kill();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    if (server) await server.stop();
    if (dataParent) rmSync(dataParent, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/events: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
