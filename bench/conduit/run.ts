/**
 * conduit benchmark (issue 5): signed Shopify customers/create webhooks from
 * autocannon at concurrency 64 for 10 s against conduit (its real stack:
 * embedded Postgres, the engine, conduit's main.ts, each in its own process),
 * then the same load against a bare Express handler that answers 200, the
 * ratio, and the stored rows counted against the 200s.
 *
 *   npx tsx bench/conduit/run.ts [--duration 10] [--connections 64]
 *
 * Goals: at least half the bare handler's throughput, p99 under 50 ms, every 200 stored.
 */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Client } from "pg";
import { generateKeyText, parseKeyRing } from "../../common/src/crypto";
import { applyMigrations } from "../../common/src/db/migrate";
import { findFreePort } from "../../common/src/db/embedded";
import { signShopify } from "../../conduit/src/integrations/shopify/signature";
import { createController, createIntegration } from "../../conduit/src/management/integrations";
import { createGraphqlManagementStore } from "../../conduit/src/management/store";
import { ownCpuMs, postgresCpuMs, startCpuMeter, treeCpuMs } from "../lib/cpu";
import { openBenchDatabase } from "../lib/database";
import { BenchProcesses, ROOT, waitForHealthy, waitForOutput } from "../lib/processes";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: "string", default: "10" }, connections: { type: "string", default: "64" } } });
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const database = await openBenchDatabase("bench_conduit");
  const children = new BenchProcesses();
  try {
    const dbUrl = database.databaseUrl;
    await applyMigrations(dbUrl, join(ROOT, "hasura", "migrations"), { database: "default" });

    const adminSecret = "bench-admin-secret";
    const enginePort = await findFreePort();
    const engineProc = children.start({ name: "engine", script: join(__dirname, "engine-child.ts"), args: [dbUrl, String(enginePort), adminSecret], output: "stderr" });
    await waitForOutput(engineProc, "ready");
    const endpoint = `http://127.0.0.1:${enginePort}/v1/graphql`;

    const keys = { jwe: `k1:${generateKeyText()}`, secrets: `s1:${generateKeyText()}`, pii: `1:${generateKeyText()}` };
    const conduitPort = await findFreePort();
    const baseUrl = `http://127.0.0.1:${conduitPort}`;
    const management = {
      store: createGraphqlManagementStore({ endpoint, adminSecret }),
      jweKeys: parseKeyRing(keys.jwe),
      secretKeys: parseKeyRing(keys.secrets),
      publicBaseUrl: baseUrl,
      now: () => new Date(),
    };
    const controller = await createController({ title: "Bench Org" }, management);
    const secret = "bench-shopify-secret";
    const integration = await createIntegration({ did: controller.did, dxKey: controller.dxKey, service: "shopify", name: "Bench shop", signingSecret: secret }, management);
    const url = new URL(integration.webhookUrl);

    const conduitProc = children.start({
      name: "conduit",
      script: join(ROOT, "conduit", "src", "main.ts"),
      output: "stderr",
      env: {
        HASURA_GRAPHQL_ENDPOINT: endpoint,
        HASURA_GRAPHQL_ADMIN_SECRET: adminSecret,
        CONDUIT_PORT: String(conduitPort),
        CONDUIT_PUBLIC_BASE_URL: baseUrl,
        CONDUIT_JWE_KEYS: keys.jwe,
        SECRETS_ENCRYPTION_KEYS: keys.secrets,
        PII_HASH_KEYS: keys.pii,
        RATE_LIMIT_MAX: "100000000",
        LOG_LEVEL: "warn",
      },
    });
    await waitForHealthy(`${baseUrl}/healthz`, { proc: conduitProc, timeoutMs: 20_000 });
    const barePort = await findFreePort();
    const bareProc = children.start({ name: "bare", script: join(__dirname, "bare-child.ts"), args: [String(barePort)], output: "stderr" });
    await waitForOutput(bareProc, "ready");

    // Every request is a distinct customer with its own event id, so each 200 must add a row.
    let n = 0;
    const request = {
      method: "POST",
      path: url.pathname + url.search,
      setupRequest: (req: { headers?: Record<string, string>; body?: string }) => {
        n += 1;
        const body = JSON.stringify({ id: 100000 + n, email: `bench${n}@example.com`, first_name: "Bench", last_name: `User${n}`, phone: "+1 415 555 2671" });
        return {
          ...req,
          body,
          headers: {
            "content-type": "application/json",
            "x-shopify-topic": "customers/create",
            "x-shopify-shop-domain": "bench.myshopify.com",
            "x-shopify-event-id": `bench-${n}`,
            "x-shopify-hmac-sha256": signShopify(body, secret),
          },
        };
      },
    };
    // Warm-up (JIT, pools, caches), not counted.
    await autocannon({ url: baseUrl, connections: 8, duration: 2, requests: [request] });
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    const countRows = async () =>
      Number((await db.query<{ n: string }>("select count(*) as n from webhook_intake where controller_id = $1", [controller.id])).rows[0].n);
    await new Promise((r) => setTimeout(r, 3000)); // let warm-up requests still in flight land first
    const before = await countRows();
    // CPU time of every process during each run (the load generator is this process).
    const pidOf = (p: { pid?: number }) => p.pid ?? -1;
    const conduitMeter = startCpuMeter({
      conduit: () => treeCpuMs(pidOf(conduitProc)),
      engine: () => treeCpuMs(pidOf(engineProc)),
      postgres: () => postgresCpuMs(database.dataDir),
      "load generator": ownCpuMs,
    });
    const conduit = await autocannon({ url: baseUrl, connections, duration, requests: [request] });
    const conduitCpu = conduitMeter.done();
    const bareMeter = startCpuMeter({ bare: () => treeCpuMs(pidOf(bareProc)), "load generator": ownCpuMs });
    const bare = await autocannon({ url: `http://127.0.0.1:${barePort}`, connections, duration, requests: [{ ...request, path: "/api/v1/integrations/shopify/event" }] });
    const bareCpu = bareMeter.done();

    // Requests in flight when autocannon stops counting still complete on the server: let them land.
    await new Promise((r) => setTimeout(r, 3000));
    const stored = (await countRows()) - before;
    await db.end();
    const ok200 = conduit["2xx"];
    const ratio = conduit.requests.average / bare.requests.average;
    const line = (name: string, r: Awaited<ReturnType<typeof autocannon>>) =>
      `${name.padEnd(8)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   2xx ${r["2xx"]}   non-2xx ${r.non2xx}   errors ${r.errors}`;
    process.stdout.write(
      [
        `conduit benchmark: signed Shopify customers/create, ${connections} connections, ${duration} s`,
        line("conduit", conduit),
        line("bare", bare),
        `ratio    ${(ratio * 100).toFixed(1)} % of the bare handler's throughput (goal >= 50 %)`,
        `p99      ${conduit.latency.p99} ms (goal < 50 ms)`,
        // Every 200 must have a row; extra rows (at most one per connection) are requests the
        // server completed after autocannon stopped counting at the end of the run.
        `stored   ${stored} rows for ${ok200} answers 200 (+${stored - ok200} completed after the cut-off, at most ${connections + conduit.errors}) -> ${
          stored >= ok200 && stored - ok200 <= connections + conduit.errors + conduit.timeouts ? "every 200 stored" : "MISMATCH"
        }`,
        cpuLine("conduit", conduitCpu, conduit.requests.total),
        cpuLine("bare", bareCpu, bare.requests.total),
        `load     ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")} (1/5/15-min load average on ${cpus().length} CPUs: other work on the machine skews both runs)`,
      ].join("\n") + "\n",
    );
  } finally {
    await children.stopAll();
    await database.close();
  }
}

/**
 * CPU milliseconds per request of each process in one run, their sum, and the
 * rate that sum allows when those processes have every CPU of the machine.
 */
function cpuLine(run: string, cpu: Record<string, number | undefined>, requests: number): string {
  const parts = Object.entries(cpu).filter((e): e is [string, number] => e[1] !== undefined);
  const perRequest = parts.map(([name, ms]) => [name, ms / Math.max(1, requests)] as const);
  const total = perRequest.reduce((sum, [, ms]) => sum + ms, 0);
  const ceiling = (cpus().length * 1000) / total;
  return `cpu      ${run.padEnd(8)} ${perRequest.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(", ")} ms/request; total ${total.toFixed(2)} ms -> at most ${ceiling.toFixed(0)} req/s on ${cpus().length} CPUs`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
