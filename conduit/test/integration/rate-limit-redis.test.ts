/**
 * The shared Redis store of the 429 limit (RATE_LIMIT_REDIS_URL) against a real
 * redis-server: two conduit instances (two replicas) share one budget, and
 * when Redis goes down mid-run they fail open (requests are stored, the
 * failure is counted and logged) and limit again once Redis is back.
 */
import request from "supertest";
import type { Express } from "express";
import { Redis } from "ioredis";
import { createRedisRateLimitStore, type RedisRateLimitStore } from "../../src/http/redis-store";
import { createController, createIntegration, type CreatedController, type CreatedIntegration } from "../../src/management/integrations";
import { CUSTOM_DEFINITION } from "../fixtures/platforms";
import { findFreePort } from "../../../common/src/db/embedded";
import { startTestRedis, type TestRedis } from "../helpers/redis";
import { startStack, type Stack } from "../helpers/stack";

const MAX = 6;
let redis: TestRedis | undefined;
let stack: Stack;
const stores: RedisRateLimitStore[] = [];
let probe: Redis | undefined;
let controller: CreatedController;
let custom: CreatedIntegration;

beforeAll(async () => {
  // Fails the suite with the install command when redis-server is missing (helpers/redis.ts).
  redis = await startTestRedis();
  stack = await startStack();
  controller = await createController({ title: "Rate-limited org" }, stack.management);
  custom = await createIntegration({ did: controller.did, dxKey: controller.dxKey, service: "custom", name: "App", custom: CUSTOM_DEFINITION }, stack.management);
  probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // Its connection errors while Redis is stopped on purpose are expected.
  probe.on("error", () => undefined);
  await probe.connect();
}, 60_000);

afterAll(async () => {
  for (const s of stores) await s.close();
  probe?.disconnect();
  await redis?.stop();
  await stack?.close();
});

/** Two replicas: each its own app and its own Redis connection, one budget. */
async function twoReplicas(): Promise<[Express, Express]> {
  if (!redis) throw new Error("[test] redis is not running");
  const made: Express[] = [];
  for (let i = 0; i < 2; i++) {
    const s = await createRedisRateLimitStore(redis.url, { logger: stack.logger });
    stores.push(s);
    made.push(stack.app({ rateLimit: { max: MAX, windowMs: 60_000, store: s.store } }));
  }
  return [made[0], made[1]];
}

let sequence = 0;
/** A valid custom-integration webhook (API key + webhook secret), a new event each time. */
function send(app: Express) {
  const url = new URL(custom.webhookUrl);
  sequence += 1;
  const body = JSON.stringify({ event: "user.signup", triggeredAt: "2026-01-15T11:59:00Z", eventId: `rl-${sequence}`, email: `user${sequence}@example.org` });
  return request(app)
    .post(url.pathname + url.search)
    .set({ "content-type": "application/json", authorization: custom.webhookAuth ?? "", "x-webhook-secret": custom.webhookSecretHeader ?? "" })
    .send(body);
}

/** Sends `n` requests alternating between the replicas; the statuses in order. */
async function alternate(apps: readonly Express[], n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await send(apps[i % apps.length])).status);
  return statuses;
}

const storedCount = async () =>
  (await stack.pool.query<{ n: number }>("select count(*)::int as n from public.webhook_intake where data_processor_id = $1", [custom.processorId])).rows[0].n;

test("two replicas share one budget through Redis; memory stores would not", async () => {
  // Contrast: with their own memory stores two replicas let through twice the budget.
  const memory = [stack.app({ rateLimit: { max: MAX, windowMs: 60_000 } }), stack.app({ rateLimit: { max: MAX, windowMs: 60_000 } })];
  expect(await alternate(memory, 2 * MAX)).toEqual(Array(2 * MAX).fill(200));

  const replicas = await twoReplicas();
  const before = await storedCount();
  expect(await alternate(replicas, MAX)).toEqual(Array(MAX).fill(200));
  const limitedA = await send(replicas[0]);
  const limitedB = await send(replicas[1]);
  for (const res of [limitedA, limitedB]) {
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("60");
    expect(res.body).toEqual({ error: { code: "rate_limited", message: "Too many requests from this address; retry later", errorId: expect.any(String) } });
  }
  expect(await storedCount()).toBe(before + MAX);
  // One counter in Redis for the client address holds every hit of both replicas.
  if (!probe) throw new Error("[test] no probe");
  const keys = await probe.keys("conduit:rl:*");
  expect(keys).toHaveLength(1);
  expect(await probe.get(keys[0])).toBe(String(MAX + 2));
  for (const s of stores.splice(0)) await s.close();
});

test("Redis down mid-run: both replicas fail open (stored, counted, logged); back up: the shared limit holds again", async () => {
  if (!redis || !probe) throw new Error("[test] redis is not running");
  await probe.flushall();
  const replicas = await twoReplicas();
  expect(await alternate(replicas, MAX + 1)).toEqual([...Array(MAX).fill(200), 429]);

  await redis.stop();
  const before = await storedCount();
  // Past the budget, yet every request goes through: the store fails and the limiter lets it pass.
  expect(await alternate(replicas, 4)).toEqual([200, 200, 200, 200]);
  expect(await storedCount()).toBe(before + 4);
  const metrics = await request(replicas[0]).get("/metrics");
  expect(metrics.text).toContain('conduit_rate_limit_store_errors_total{service="conduit"} 2\n');
  const failures = stack.logLines.map((l) => JSON.parse(l) as { msg: string; reason?: string; level: number }).filter((l) => l.msg === "rate-limit store failed; letting requests through without a limit");
  // One line per replica; the second failure of each within a minute is only counted.
  expect(failures).toHaveLength(2);
  for (const line of failures) expect({ level: line.level, reason: typeof line.reason, leaksUrl: JSON.stringify(line).includes(redis.url) }).toEqual({ level: 50, reason: "string", leaksUrl: false });

  // Redis comes back empty; each replica's connection recovers by itself (bounded wait).
  await redis.start();
  const deadline = Date.now() + 15_000;
  for (const app of replicas) {
    for (;;) {
      // A request without credentials (401) shows the RateLimit header only when the store answered.
      const res = await request(app).post("/api/v1/integrations/custom/event").send("{}");
      if (res.headers["ratelimit"] !== undefined) break;
      if (Date.now() > deadline) throw new Error("[test] conduit did not reconnect to Redis in 15 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const connectionLines = stack.logLines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((m) => m.startsWith("rate-limit Redis connection"));
  expect(connectionLines.sort()).toEqual([
    "rate-limit Redis connection lost; reconnecting",
    "rate-limit Redis connection lost; reconnecting",
    "rate-limit Redis connection restored",
    "rate-limit Redis connection restored",
  ]);
  await probe.flushall();
  expect(await alternate(replicas, MAX + 2)).toEqual([...Array(MAX).fill(200), 429, 429]);
}, 60_000);

test("start-up refuses an unreachable Redis, naming host and port but not the URL's password", async () => {
  const port = await findFreePort();
  const failure = createRedisRateLimitStore(`redis://:do-not-print-me@127.0.0.1:${port}`);
  await expect(failure).rejects.toThrow(`cannot reach the rate-limit Redis at 127.0.0.1:${port} (RATE_LIMIT_REDIS_URL): connect ECONNREFUSED 127.0.0.1:${port}`);
  await expect(failure).rejects.not.toThrow("do-not-print-me");
});
