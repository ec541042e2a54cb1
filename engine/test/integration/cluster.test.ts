/**
 * ENGINE_WORKERS=2 (engine/src/cluster.ts): two worker processes answer on one
 * port; a metadata reload or replace on one reaches the other; a worker that
 * dies is replaced (with the replaced metadata); SIGTERM stops everything with
 * exit code 0.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "../../../common/src/db/embedded";
import type { TestDatabase } from "../../../test/helpers/pg";
import { createTestDatabase } from "../../../test/helpers/pg";
import { spawnTs, type WorkerProcess } from "../events/helpers/child";
import { ADMIN_SECRET, BLOG_PROJECT, createBlogTemplate } from "../helpers/blog";

const MAIN = join(__dirname, "..", "..", "src", "main.ts");

let template: TestDatabase;
let db: TestDatabase;
let project: string;
let port: number;
let engine: WorkerProcess;

/** The cluster's workers: child processes of `pid` running main.ts (tsx also starts an esbuild child), read from /proc. */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the command name in parentheses, which may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("main.ts")) out.push(Number(entry));
    } catch {
      // The process ended while we read.
    }
  }
  return out;
}

/** One GraphQL request on a connection of its own, so the cluster may hand it to any worker. */
function graphql(query: string): Promise<unknown> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/v1/graphql", method: "POST", agent: false, headers: { "content-type": "application/json", "x-hasura-admin-secret": ADMIN_SECRET, connection: "close" } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(JSON.parse(text) as unknown));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function metadata(body: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/metadata`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hasura-admin-secret": ADMIN_SECRET },
    body: JSON.stringify(body),
  });
  return res.json();
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  template = await createBlogTemplate("engine_cluster_tpl");
  db = await createTestDatabase("engine_cluster", template.name);
  project = mkdtempSync(join(tmpdir(), "engine-cluster-"));
  cpSync(BLOG_PROJECT, project, { recursive: true });
  port = await findFreePort();
  engine = spawnTs(MAIN, ["--project", project, "--port", String(port)], {
    HASURA_GRAPHQL_DATABASE_URL: db.url,
    HASURA_GRAPHQL_ADMIN_SECRET: ADMIN_SECRET,
    HASURA_GRAPHQL_SERVER_HOST: "127.0.0.1",
    HASURA_GRAPHQL_ENABLE_CONSOLE: "false",
    HASURA_GRAPHQL_PG_CONNECTIONS: "4",
    ENGINE_WORKERS: "2",
    LOG_LEVEL: "info",
  });
  await engine.waitForText('"msg":"engine workers ready"', 60_000);
}, 90_000);

afterAll(async () => {
  await engine?.kill();
  for (const pid of engine?.child.pid ? childPids(engine.child.pid) : []) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (project) rmSync(project, { recursive: true, force: true });
  await db?.drop();
  await template?.drop();
});

describe("ENGINE_WORKERS=2", () => {
  test("two workers serve the port", async () => {
    expect(childPids(engine.child.pid as number)).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 6 }, () => graphql("{ authors_by_pk(id: 1) { name } }")));
    for (const a of answers) expect(a).toEqual({ data: { authors_by_pk: { name: expect.any(String) } } });
  });

  test("reload_metadata on one worker reaches the other", async () => {
    const file = join(project, "metadata", "databases", "default", "tables", "public_authors.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\nconfiguration:\n  custom_root_fields:\n    select_by_pk: writer\n`);
    const before = (await graphql("{ writer(id: 1) { id } }")) as { errors?: unknown[] };
    expect(before.errors).toHaveLength(1);
    expect(await metadata({ type: "reload_metadata", args: {} })).toEqual(expect.objectContaining({ message: "success" }));
    // Every fresh connection, whichever worker takes it, sees the new root field (the relay is asynchronous: bounded wait).
    await until(async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => graphql("{ writer(id: 1) { id } }")));
      return answers.every((a) => JSON.stringify(a) === JSON.stringify({ data: { writer: { id: 1 } } }));
    }, "both workers to serve the reloaded metadata");
  });

  test("a worker that dies is replaced and the port keeps answering", async () => {
    const [victim] = childPids(engine.child.pid as number);
    process.kill(victim, "SIGKILL");
    await until(() => {
      const pids = childPids(engine.child.pid as number);
      return pids.length === 2 && !pids.includes(victim);
    }, "a replacement worker");
    await until(async () => {
      // The replacement loads the project as it is on disk now (the previous test renamed authors_by_pk to writer).
      const answers = await Promise.all(Array.from({ length: 6 }, () => graphql("{ writer(id: 1) { id } }").catch(() => null)));
      return answers.every((a) => JSON.stringify(a) === JSON.stringify({ data: { writer: { id: 1 } } }));
    }, "every worker to answer");
  });

  test("replace_metadata on one worker reaches the other, and a replacement worker gets it too", async () => {
    const exported = (await metadata({ type: "export_metadata", args: {} })) as { sources: Array<{ tables: Array<{ table: { name: string }; configuration?: Record<string, unknown> }> }> };
    const authors = exported.sources[0].tables.find((t) => t.table.name === "authors");
    if (!authors) throw new Error("authors is not tracked");
    authors.configuration = { custom_root_fields: { select_by_pk: "author" } };
    expect(await metadata({ type: "replace_metadata", args: exported })).toEqual({ message: "success" });
    const served = async (): Promise<boolean> => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => graphql("{ author(id: 1) { id } }").catch(() => null)));
      return answers.every((a) => JSON.stringify(a) === JSON.stringify({ data: { author: { id: 1 } } }));
    };
    await until(served, "both workers to serve the replaced metadata");
    // The replaced metadata lives in memory only: the worker started in place of a dead one must get it from the primary.
    const [victim] = childPids(engine.child.pid as number);
    process.kill(victim, "SIGKILL");
    await until(() => {
      const pids = childPids(engine.child.pid as number);
      return pids.length === 2 && !pids.includes(victim);
    }, "a replacement worker");
    await until(served, "the replacement to serve the replaced metadata");
  });

  test("SIGTERM stops the workers and the primary exits 0", async () => {
    const pid = engine.child.pid as number;
    const workers = childPids(pid);
    const exit = new Promise<number | null>((resolve) => engine.child.once("exit", (code) => resolve(code)));
    engine.child.kill("SIGTERM");
    expect(await exit).toBe(0);
    for (const w of workers) expect(() => process.kill(w, 0)).toThrow();
  });
});
