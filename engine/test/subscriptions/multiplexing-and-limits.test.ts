/**
 * Multiplexing (identical subscriptions share one statement per poll, counted
 * on a real pool), connection and operation limits, and shutdown (every
 * socket closed with 1012, pollers stopped).
 */
import { Pool, type QueryConfig } from "pg";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPollRegistry, multiplexedText } from "../../src/subscriptions/poller";
import { createSubscriptionServer, DEFAULT_SUBSCRIPTION_OPTIONS } from "../../src/subscriptions/websocket";
import { parseJwtConfig } from "../../src/auth/jwt-config";
import { ADMIN_SECRET, createBlogTemplate, JWT_SECRET, signJwt, startBlogEngine, type BlogEngine } from "../helpers/blog";
import { silentLogger } from "../../../common/src/logger";
import { FAST, serve, WsClient, type Served } from "./helpers";

/** The pool as the registry sees it, recording every statement it sends (the queries still run on the real pool). */
function recording(pool: Pool): { counting: Pool; texts: string[] } {
  const texts: string[] = [];
  const counting = new Proxy(pool, {
    get: (target, prop, receiver) => (prop === "query" ? (config: QueryConfig) => (texts.push(config.text), target.query(config)) : Reflect.get(target, prop, receiver)),
  });
  return { counting, texts };
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("poll registry", () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase("engine_mux");
    pool = new Pool({ connectionString: db.url, max: 4 });
    // Teardown drops the database with (force) while ended clients may still be closing: their error must not go unheard.
    pool.on("error", () => undefined);
  });
  /** Cleanups of the running test, run even when it fails. */
  const afterThis: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of afterThis.splice(0)) await cleanup();
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  test("subscribers with the same statement share one query per poll: cohorts (other parameters) fold into it; another statement has its own", async () => {
    const { counting, texts } = recording(pool);
    const registry = createPollRegistry(counting, { live: { refetchMs: 60_000, batchSize: 10 }, stream: { refetchMs: 60_000, batchSize: 10 } });
    afterThis.push(() => registry.close());
    const double = { text: "select ($1::int * 2)::text as root", values: [21] };
    const got: Record<string, string | null> = {};
    const listen = (name: string) => ({ result: (root: string | null) => (got[name] = root), error: (err: unknown) => (got[name] = `error ${String(err)}`) });
    const stops = [
      registry.subscribeLive("double", double, listen("a")),
      registry.subscribeLive("double", double, listen("b")),
      registry.subscribeLive("double", { ...double, values: [50] }, listen("c")),
      registry.subscribeLive("triple", { text: "select ($1::int * 3)::text as root", values: [21] }, listen("d")),
    ];
    expect(registry.stats()).toEqual({ pollers: 2, subscribers: 4 });
    await eventually(() => Object.keys(got).length === 4);
    expect(got).toEqual({ a: "42", b: "42", c: "100", d: "63" });
    expect(texts.sort()).toEqual([multiplexedText(double.text), "select ($1::int * 3)::text as root"].sort());
    for (const stop of stops) stop();
    expect(registry.stats()).toEqual({ pollers: 0, subscribers: 0 });
  });

  test("a statement with a parameter of inferred type is not folded: its cohorts run one statement each", async () => {
    const { counting, texts } = recording(pool);
    const registry = createPollRegistry(counting, { live: { refetchMs: 60_000, batchSize: 10 }, stream: { refetchMs: 60_000, batchSize: 10 } });
    afterThis.push(() => registry.close());
    const inferred = { text: "select ($1 + 1)::text as root", values: [1] };
    const got: Array<string | null> = [];
    const stops = [2, 3].map((v) => registry.subscribeLive("inferred", { ...inferred, values: [v] }, { result: (r) => got.push(r), error: () => got.push("error") }));
    await eventually(() => got.length === 2);
    expect([got.sort(), texts]).toEqual([["3", "4"], [inferred.text, inferred.text]]);
    for (const stop of stops) stop();
  });

  test("multiplexedText reads each cast parameter from the cohort, leaves quoted text alone, and refuses an uncast one", () => {
    expect(multiplexedText(`select ($1::int + $12::int)::text as root where 'x$2' = "a$3"`)).toBe(
      `select "__cohort"."ord" as "cohort", "__result".* from jsonb_array_elements($1::jsonb) with ordinality as "__cohort"("vars", "ord") cross join lateral (select (("__cohort"."vars" ->> 0)::int + ("__cohort"."vars" ->> 11)::int)::text as root where 'x$2' = "a$3") as "__result"`,
    );
    expect(multiplexedText("select $1 as root")).toBeNull();
  });

  test("a live subscriber hears a result only when it changes; a stream moves its cursor and skips empty batches", async () => {
    await pool.query("create table ticks (id int primary key, v int not null)");
    await pool.query("insert into ticks values (1, 1)");
    const registry = createPollRegistry(pool, { live: { refetchMs: 20, batchSize: 10 }, stream: { refetchMs: 20, batchSize: 10 } });
    afterThis.push(() => registry.close());
    const live: Array<string | null> = [];
    const stopLive = registry.subscribeLive("v", { text: "select (select v from ticks where id = 1)::text as root", values: [] }, { result: (r) => live.push(r), error: () => live.push("error") });
    const stream: string[] = [];
    const stopStream = registry.subscribeStream(
      "s",
      { text: "select (select coalesce(json_agg(id order by id), '[]') from ticks where id > $1::int)::text as root, (select max(id)::text from ticks where id > $1::int) as cursor", values: [null] },
      0,
      0,
      { result: (r) => stream.push(r), error: () => stream.push("error") },
    );
    await eventually(() => live.length === 1 && stream.length === 1);
    await new Promise((r) => setTimeout(r, 150));
    expect([live, stream]).toEqual([["1"], ["[1]"]]);
    await pool.query("update ticks set v = 2 where id = 1");
    await pool.query("insert into ticks values (2, 0), (3, 0)");
    await eventually(() => live.length === 2 && stream.length === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect([live, stream]).toEqual([
      ["1", "2"],
      ["[1]", "[2, 3]"],
    ]);
    stopLive();
    stopStream();
    expect(registry.stats()).toEqual({ pollers: 0, subscribers: 0 });
  });

  test("a failing poll reports Hasura's error to the subscriber", async () => {
    const registry = createPollRegistry(pool, { live: { refetchMs: 60_000, batchSize: 10 }, stream: { refetchMs: 60_000, batchSize: 10 } });
    afterThis.push(() => registry.close());
    const errors: unknown[] = [];
    const stop = registry.subscribeLive("boom", { text: "select (1 / $1::int)::text as root", values: [0] }, { result: () => undefined, error: (err) => errors.push(err) });
    await eventually(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: "data-exception", message: "division by zero", path: "$" });
    stop();
  });
});

describe("limits and shutdown", () => {
  let template: TestDatabase;
  let blog: BlogEngine;
  let served: Served;
  const ADMIN = { "x-hasura-admin-secret": ADMIN_SECRET };
  beforeAll(async () => {
    template = await createBlogTemplate("engine_wsl_tpl");
    blog = await startBlogEngine(template, { corsDomains: ["http://app.example"], subscriptions: { ...FAST, keepAliveMs: 50, maxConnections: 2, maxOperationsPerConnection: 1 } });
    served = await serve(blog.engine);
  });
  afterAll(async () => {
    await served?.close();
    await blog?.close();
    await template?.drop();
  });

  test("keep-alives repeat every keepAliveMs; an origin outside HASURA_GRAPHQL_CORS_DOMAIN is refused; a metadata reload closes sockets with 1012", async () => {
    await expect(WsClient.open(served.url, "graphql-ws", { Origin: "http://evil.example" })).rejects.toThrow("upgrade refused: 400");
    const client = await WsClient.open(served.url, "graphql-ws", { Origin: "http://app.example" });
    await client.init(ADMIN);
    await eventually(() => client.keepAlives.length >= 3);
    expect(client.keepAlives.slice(0, 3)).toEqual([{ type: "ka" }, { type: "ka" }, { type: "ka" }]);
    await blog.engine.reload();
    expect(await client.closed()).toEqual({ code: 1012, reason: "Server state changed, restarting the server" });
  });

  test("clients that leave right after subscribing leave no connection, operation or poller behind", async () => {
    // A transport of its own over the same engine state, to read its counters.
    const transport = createSubscriptionServer({
      pool: blog.engine.pool,
      state: () => blog.engine.state(),
      auth: { adminSecret: ADMIN_SECRET, jwt: await parseJwtConfig(JWT_SECRET), unauthorizedRole: null },
      stringifyNumeric: false,
      cors: { domains: null, disabled: false },
      logger: silentLogger(),
      options: { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...FAST },
    });
    const server = createServer();
    transport.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`;
      // JWT verification is asynchronous, so a socket may go while connection_init is still being handled.
      const token = await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": "1" });
      for (let i = 0; i < 10; i++) {
        const client = await WsClient.open(url, "graphql-transport-ws");
        client.send({ type: "connection_init", payload: { headers: { Authorization: `Bearer ${token}` } } });
        client.send({ type: "subscribe", id: "1", payload: { query: `subscription { authors { id } }` } });
        client.ws.terminate();
      }
      await eventually(() => transport.stats().connections === 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(transport.stats()).toEqual({ connections: 0, operations: 0, pollers: 0 });
    } finally {
      await transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("operations past the per-connection limit answer start-failed; connections past the limit are refused with 503; close() ends every socket with 1012", async () => {
    const first = await WsClient.open(served.url, "graphql-transport-ws");
    await first.init(ADMIN);
    first.send({ type: "subscribe", id: "1", payload: { query: `subscription { authors_by_pk(id: 1) { name } }` } });
    expect(await first.next()).toEqual({ type: "next", id: "1", payload: { data: { authors_by_pk: { name: "Ada" } } } });
    first.send({ type: "subscribe", id: "2", payload: { query: `subscription { authors_by_pk(id: 2) { name } }` } });
    expect(await first.take(2)).toEqual([
      { type: "error", id: "2", payload: [{ message: "too many operations on this connection (at most 1)", extensions: { path: "$", code: "start-failed" } }] },
      { type: "complete", id: "2" },
    ]);
    // Queries and mutations do not count: they end at once.
    first.send({ type: "subscribe", id: "3", payload: { query: `{ authors_by_pk(id: 3) { name } }` } });
    expect((await first.take(2)).map((m) => m.type)).toEqual(["next", "complete"]);

    const second = await WsClient.open(served.url, "graphql-ws");
    await expect(WsClient.open(served.url)).rejects.toThrow("upgrade refused: 503");

    await blog.engine.closeWebSockets();
    expect(await first.closed()).toEqual({ code: 1012, reason: "shutting server down" });
    expect(await second.closed()).toEqual({ code: 1012, reason: "shutting server down" });
    await expect(WsClient.open(served.url)).rejects.toThrow("upgrade refused: 503");
  });
});
