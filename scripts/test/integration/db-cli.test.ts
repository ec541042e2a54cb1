import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "pg";
import { createTestDatabase } from "../../../test/helpers/pg";
import { parseDbArgs, runDbCommand } from "../../db";
import type { TestDatabase } from "../../../test/helpers/pg";

const ROOT = resolve(__dirname, "../../..");
const FIXTURE = join(ROOT, "scripts/test/fixtures/db-project");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx scripts/db.ts ...` exactly as the npm scripts do, bounded in time. */
function runDb(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/db.ts"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`db.ts ${args.join(" ")} did not finish within 30 s`));
    }, 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const cliState = async (url: string) => (await query<{ cli_state: unknown }>(url, "select cli_state from hdb_catalog.hdb_version"))[0]?.cli_state;
const tableExists = async (url: string) =>
  (await query<{ t: string | null }>(url, "select to_regclass('public.widget')::text as t"))[0].t === "widget";

describe("scripts/db.ts (npm run db:migrate / db:migrate:down / db:seed)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("dbcli");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("applies, reports, seeds and rolls back, recording cli_state as the Hasura CLI does", async () => {
    // The real CLI once, as `npm run db:migrate` runs it...
    const up = await runDb(["up", "--project", FIXTURE], { DATABASE_URL: db.url });
    expect(up).toMatchObject({ code: 0, stderr: "" });
    expect(up.stdout).toBe("[db] applied 2 migration(s): 1700000000000, 1700000100000\n");
    expect(await cliState(db.url)).toEqual({
      migrations: { default: { "1700000000000": false, "1700000100000": false } },
      settings: { migration_mode: "true" },
      isStateCopyCompleted: true,
    });
    const columns = await query<{ column_name: string }>(db.url, "select column_name from information_schema.columns where table_name = 'widget' order by ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(["id", "name", "color"]);

    // ...then the same command functions in-process (one node start-up per call is slow on a busy machine).
    const run = async (argv: string[]): Promise<{ code: number; lines: string[] }> => {
      const lines: string[] = [];
      const code = await runDbCommand(parseDbArgs([...argv, "--project", FIXTURE]), db.url, (line) => lines.push(line));
      return { code, lines };
    };
    expect(await run(["up"])).toEqual({ code: 0, lines: ["nothing to apply: database is up to date"] });
    expect(await run(["seed"])).toEqual({ code: 0, lines: ["applied 1 seed file(s): 001_widgets.sql"] });
    expect((await run(["seed"])).code).toBe(0);
    expect(await query(db.url, "select id, name, color from public.widget order by id")).toEqual([
      { id: 1, name: "first", color: "blue" },
      { id: 2, name: "second", color: "blue" },
    ]);
    expect(await run(["status"])).toEqual({ code: 0, lines: ["1700000000000  applied  create_widget", "1700000100000  applied  add_widget_color"] });

    expect(await run(["down"])).toEqual({ code: 0, lines: ["rolled back 1 migration(s): 1700000100000"] });
    expect(Object.keys(((await cliState(db.url)) as { migrations: { default: object } }).migrations.default)).toEqual(["1700000000000"]);

    expect(await run(["down", "--steps", "all"])).toEqual({ code: 0, lines: ["rolled back 1 migration(s): 1700000000000"] });
    expect(await cliState(db.url)).toMatchObject({ migrations: { default: {} } });
    expect(await tableExists(db.url)).toBe(false);
    expect(await run(["down"])).toEqual({ code: 0, lines: ["nothing to roll back"] });

    expect(await run(["up", "--target", "1700000000000"])).toEqual({ code: 0, lines: ["applied 1 migration(s): 1700000000000"] });
    expect(await run(["status"])).toEqual({ code: 0, lines: ["1700000000000  applied  create_widget", "1700000100000  pending  add_widget_color"] });
    expect(await run(["up"])).toEqual({ code: 0, lines: ["applied 1 migration(s): 1700000100000"] });
    expect(await run(["down", "--target", "1700000000000"])).toEqual({ code: 0, lines: ["rolled back 1 migration(s): 1700000100000"] });
  });

  it("stops at a failing migration with exit 1, keeps earlier ones and records nothing for it", async () => {
    const broken = await createTestDatabase("dbcli");
    try {
      const project = mkdtempSync(join(tmpdir(), "pp-dbcli-"));
      cpSync(join(FIXTURE, "migrations"), join(project, "migrations"), { recursive: true });
      const dir = join(project, "migrations/default/1700000200000_broken");
      mkdirSync(dir);
      writeFileSync(join(dir, "up.sql"), "create table public.gadget (id integer primary key);\nselect * from no_such_table;\n");
      const res = await runDb(["up", "--project", project], { DATABASE_URL: broken.url });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('[db] [common/migrate] up 1700000200000_broken failed: relation "no_such_table" does not exist\n');
      expect(res.stderr + res.stdout).not.toContain(broken.url);
      expect(Object.keys((await cliState(broken.url) as { migrations: { default: object } }).migrations.default)).toEqual(["1700000000000", "1700000100000"]);
      expect((await query<{ t: string | null }>(broken.url, "select to_regclass('public.gadget')::text as t"))[0].t).toBeNull();
    } finally {
      await broken.drop();
    }
  });

  it("exits 2 with a usage line on bad arguments or a missing DATABASE_URL", async () => {
    const noUrl = await runDb(["up", "--project", FIXTURE], {});
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toBe("[db] Invalid configuration: DATABASE_URL: is required (set DATABASE_URL to the database to migrate)\n");
    expect(() => parseDbArgs(["sideways"])).toThrow("usage: tsx scripts/db.ts <up|down|seed|status>");
    expect(() => parseDbArgs([])).toThrow("usage: tsx scripts/db.ts <up|down|seed|status>");
    expect(() => parseDbArgs(["down", "--steps=-3"])).toThrow("steps:");
    expect(() => parseDbArgs(["up", "--target", "latest"])).toThrow("target: must be a migration version (digits)");
    expect(() => parseDbArgs(["down", "--steps", "2", "--target", "1"])).toThrow("--target and --steps cannot be combined");
    expect(parseDbArgs(["down", "--steps", "all"])).toEqual({ command: "down", project: "hasura", database: "default", steps: "all" });
  });
});
