/**
 * The PostGraphile v5 side of the engine benchmark: Node 22 and PostGraphile
 * from the cache (install.ts), then the row-level security of setup.sql on
 * the benchmark database and server.ts in its own process. Each step returns
 * a reason instead of a value when the comparison cannot run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { ensureNode22, ensurePostGraphile, type Outcome } from "./install";

const ROOT = join(__dirname, "..", "..", "..");

export interface PostGraphileOptions {
  databaseUrl: string;
  port: number;
  adminSecret: string;
  jwtKey: string;
  /** Pool size; the benchmark passes the engine's (HASURA_GRAPHQL_PG_CONNECTIONS default, 20). */
  poolMax: number;
}

/** A Node >= 22 and the PostGraphile install, ready to start. */
export interface PostGraphileRuntime {
  node: string;
  nodeVersion: string;
  /** For NODE_PATH. */
  modules: string;
}

export interface PostGraphileServer {
  process: ChildProcess;
  /** GraphQL endpoint, e.g. http://127.0.0.1:1234/graphql. */
  url: string;
}

/**
 * Fetches what is missing (install.ts); run before seeding, so that a failed
 * download is reported at once. `node22`: a path given with --node22.
 */
export async function preparePostGraphile(node22: string | undefined): Promise<Outcome<PostGraphileRuntime>> {
  const node = await ensureNode22(node22);
  if (!node.ok) return node;
  const modules = await ensurePostGraphile();
  if (!modules.ok) return modules;
  const nodeVersion = await new Promise<string>((resolve) => {
    const v = spawn(node.value, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    v.stdout.on("data", (d: Buffer) => (out += d.toString()));
    v.on("close", () => resolve(out.trim()));
  });
  return { ok: true, value: { node: node.value, nodeVersion, modules: modules.value } };
}

export async function startPostGraphile(runtime: PostGraphileRuntime, options: PostGraphileOptions): Promise<Outcome<PostGraphileServer>> {
  const db = new Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    await db.query(readFileSync(join(__dirname, "setup.sql"), "utf8"));
  } finally {
    await db.end();
  }

  // tsx from the project compiles server.ts; NODE_PATH lets its require()
  // calls find PostGraphile in the cache, while jose and zod come from the
  // project's node_modules as for every other file here.
  const proc = spawn(runtime.node, ["--import", "tsx", join(__dirname, "server.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      NODE_PATH: runtime.modules,
      BENCH_PGL_DATABASE_URL: options.databaseUrl,
      BENCH_PGL_PORT: String(options.port),
      BENCH_PGL_ADMIN_SECRET: options.adminSecret,
      BENCH_PGL_JWT_KEY: options.jwtKey,
      BENCH_PGL_POOL_MAX: String(options.poolMax),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${options.port}/graphql`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) return { ok: false, reason: `PostGraphile exited with ${proc.exitCode} before answering` };
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hasura-admin-secret": options.adminSecret },
        body: JSON.stringify({ query: "{ __typename }" }),
        signal: AbortSignal.timeout(5000),
      });
      if (res.ok) return { ok: true, value: { process: proc, url } };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill("SIGTERM");
  return { ok: false, reason: "PostGraphile never answered { __typename }" };
}
