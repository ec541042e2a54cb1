/**
 * `npm start` end to end: runs scripts/start.ts as a child process on free
 * ports with a temporary data directory, waits (bounded) for it to report
 * ready, checks every service it started answers /healthz and the mail
 * catcher catches mail, then sends SIGINT and checks a clean, bounded exit
 * with no Postgres left behind.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import nodemailer from "nodemailer";
import { Client } from "pg";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { findFreePort } from "../../../common/src/db/embedded";
import { listMigrations } from "../../../common/src/db/migrate";
import { createTestDatabase } from "../../../test/helpers/pg";

const ROOT = resolve(__dirname, "../../..");

/** Pids of processes whose command line mentions `needle` (reads /proc; Linux). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | string | "timeout"> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise(child.exitCode);
    const timer = setTimeout(() => resolvePromise("timeout"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolvePromise(code ?? signal ?? "unknown");
    });
  });
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("npm start (scripts/start.ts)", () => {
  let parent: string;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = "";

  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), "pp-start-"));
    chmodSync(parent, 0o755);
    dataDir = join(parent, "pg");
  });

  afterAll(() => {
    // Only if the test failed half-way: end what this test started.
    if (child && child.exitCode === null) child.kill("SIGKILL");
    const pidFile = join(dataDir, "postmaster.pid");
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      if (processesMentioning(dataDir).includes(pid)) process.kill(pid, "SIGQUIT");
    }
    rmSync(parent, { recursive: true, force: true });
  });

  it("starts Postgres, migrations, services and the mail catcher, then stops cleanly on SIGINT", async () => {
    const ports = {
      EMBEDDED_PG_PORT: await findFreePort(),
      ENGINE_PORT: await findFreePort(),
      HANDLERS_PORT: await findFreePort(),
      CONDUIT_PORT: await findFreePort(),
      MAIL_SMTP_PORT: await findFreePort(),
      MAIL_WEB_PORT: await findFreePort(),
    };
    child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/start.ts")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        EMBEDDED_PG_DATA_DIR: dataDir,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        START_READY_TIMEOUT_MS: "30000",
        START_DEGRADED_GRACE_MS: "2000",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proc = child;
    proc.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (output += d.toString()));

    // Bounded wait for the ready line (or an early exit).
    const ready = await new Promise<boolean>((resolvePromise) => {
      const deadline = setTimeout(() => resolvePromise(false), 50_000);
      const check = setInterval(() => {
        if (output.includes("[start] ready") || proc.exitCode !== null) {
          clearTimeout(deadline);
          clearInterval(check);
          resolvePromise(output.includes("[start] ready"));
        }
      }, 100);
    });
    expect({ ready, output: ready ? "" : output }).toEqual({ ready: true, output: "" });

    // Every service whose main.ts exists was started and answers /healthz.
    const expected = [
      ["engine", ports.ENGINE_PORT],
      ["handlers", ports.HANDLERS_PORT],
      ["conduit", ports.CONDUIT_PORT],
    ].filter(([name]) => existsSync(join(ROOT, `${name}/src/main.ts`))) as [string, number][];
    expect(expected.map(([name]) => name)).toContain("handlers");
    for (const [name, port] of expected) {
      expect(output).toContain(`http://127.0.0.1:${port}/healthz`);
      if (name === "engine") {
        // Hasura's contract: 200 with the plain text OK (hasura-contract.md 8.1).
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
        expect({ status: res.status, text: await res.text() }).toEqual({ status: 200, text: "OK" });
        continue;
      }
      const health = await getJson(`http://127.0.0.1:${port}/healthz`);
      // 503 only when a dependency the service checks is missing (conduit
      // while no engine runs); the answer still comes from that service.
      expect([200, 503]).toContain(health.status);
      expect(health.body).toMatchObject({ service: name });
    }
    expect(await getJson(`http://127.0.0.1:${ports.HANDLERS_PORT}/healthz`)).toEqual({ status: 200, body: { status: "ok", service: "handlers" } });

    // The mail catcher answers and catches what is sent to its SMTP port.
    expect(output).toContain(`smtp://127.0.0.1:${ports.MAIL_SMTP_PORT}`);
    expect(await getJson(`http://127.0.0.1:${ports.MAIL_WEB_PORT}/healthz`)).toEqual({ status: 200, body: { status: "ok", service: "mail" } });
    await nodemailer.createTransport(`smtp://127.0.0.1:${ports.MAIL_SMTP_PORT}`).sendMail({
      from: "dpo@controller.example",
      to: "subject@example.org",
      subject: "start test",
      text: "hello",
    });
    const mail = await getJson(`http://127.0.0.1:${ports.MAIL_WEB_PORT}/api/messages?to=subject@example.org`);
    expect(mail.body).toMatchObject({ total: 1, messages: [{ subject: "start test" }] });

    // Migrations are applied and recorded as the Hasura CLI records them.
    const db = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.EMBEDDED_PG_PORT}/privacy_platform` });
    await db.connect();
    try {
      const { rows } = await db.query<{ cli_state: { migrations: { default: Record<string, boolean> } } }>("select cli_state from hdb_catalog.hdb_version");
      const versions = listMigrations(join(ROOT, "hasura/migrations")).map((m) => m.version);
      expect(Object.keys(rows[0].cli_state.migrations.default).sort()).toEqual(versions.sort());
    } finally {
      await db.end();
    }
    expect(processesMentioning(dataDir).length).toBeGreaterThan(0);

    // Ctrl-C: clean exit within a bounded time, nothing left running.
    const started = Date.now();
    proc.kill("SIGINT");
    const exit = await waitForExit(proc, 30_000);
    expect({ exit, tail: exit === 0 ? "" : output.slice(-2000) }).toEqual({ exit: 0, tail: "" });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(output).toContain("[start] handlers exited (0)");
    expect(output).toContain("[start] postgres stopped");
    expect(output).toContain("[start] all stopped");
    expect(processesMentioning(dataDir)).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${ports.HANDLERS_PORT}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    // The data directory is persistent: it stays for the next `npm start`.
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
  }, 90_000);

  /** Runs start.ts to completion (bounded) with `env`; returns exit and output. */
  async function runStartToExit(env: Record<string, string>): Promise<{ exit: number | string; out: string }> {
    let out = "";
    const proc = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/start.ts")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const exit = await waitForExit(proc, 30_000);
    if (exit === "timeout") proc.kill("SIGKILL");
    return { exit, out };
  }

  it("with DATABASE_URL, SMTP_URL and a real Hasura set, starts no Postgres, catcher or engine, and exits 1 when a service dies", async () => {
    const db = await createTestDatabase("start");
    try {
      const { exit, out } = await runStartToExit({
        DATABASE_URL: db.url,
        SMTP_URL: "smtp://127.0.0.1:9/",
        HASURA_GRAPHQL_ENDPOINT: "http://127.0.0.1:9/v1/graphql",
        START_SERVICES: "handlers",
        HANDLERS_PORT: String(await findFreePort()),
        // Valid for start.ts, invalid for handlers: handlers exits 2 at start-up.
        HANDLERS_BODY_LIMIT_BYTES: "-1",
        START_READY_TIMEOUT_MS: "20000",
      });
      expect({ exit, out: exit === 1 ? "" : out }).toEqual({ exit: 1, out: "" });
      expect(out).toContain("[handlers] [handlers] Invalid configuration: HANDLERS_BODY_LIMIT_BYTES:");
      expect(out).toContain("[start] handlers exited unexpectedly (2); stopping everything");
      expect(out).toContain("[start] all stopped");
      expect(out).not.toContain("starting embedded Postgres");
      expect(out).not.toContain("[start] ready");
      // Migrations are left to the Hasura at HASURA_GRAPHQL_ENDPOINT: nothing was created.
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ t: string | null }>("select to_regclass('hdb_catalog.hdb_version')::text as t");
        expect(rows[0].t).toBeNull();
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  }, 60_000);

  it("refuses to start, naming the port, when a port it needs is taken", async () => {
    const blocker = createServer((_req, res) => res.end(JSON.stringify({ status: "ok", service: "handlers" })));
    await new Promise<void>((resolvePromise) => blocker.listen(0, "127.0.0.1", resolvePromise));
    const blockedPort = (blocker.address() as AddressInfo).port;
    try {
      const { exit, out } = await runStartToExit({
        DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/unused",
        SMTP_URL: "smtp://127.0.0.1:9/",
        HASURA_GRAPHQL_ENDPOINT: "http://127.0.0.1:9/v1/graphql",
        START_SERVICES: "handlers",
        HANDLERS_PORT: String(blockedPort),
      });
      expect(exit).toBe(1);
      expect(out).toBe(
        `[start] port(s) already in use: ${blockedPort} for handlers (HANDLERS_PORT). Stop what uses them or choose other ports.\n` +
          "[start] stopping (ports in use)...\n[start] all stopped\n",
      );
    } finally {
      await new Promise<void>((resolvePromise) => blocker.close(() => resolvePromise()));
    }
  }, 60_000);
});
