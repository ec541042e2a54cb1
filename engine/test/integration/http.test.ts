/**
 * The HTTP surface of createEngine (Hasura contract 8.1, 8.2) on the blog
 * fixture: health and version, batches, request ids, body errors, the
 * metadata API with extension dispatch, extension root fields, backend-only
 * permissions, full introspection, session variables reaching Postgres and
 * numeric stringification.
 */
import { buildClientSchema, getIntrospectionQuery, GraphQLNonNull, GraphQLString, type IntrospectionQuery } from "graphql";
import { Client } from "pg";
import request from "supertest";
import type { TestDatabase } from "../../../test/helpers/pg";
import { ExtensionError, type EngineContext, type EngineExtension, type ExtensionFieldCall } from "../../src/extensions";
import { ADMIN_SECRET, createBlogTemplate, signJwt, startBlogEngine, type BlogEngine } from "../helpers/blog";

const admin = { "x-hasura-admin-secret": ADMIN_SECRET };
let template: TestDatabase;
let blog: BlogEngine;
const calls: ExtensionFieldCall[] = [];
const loaded: EngineContext[] = [];

const probe: EngineExtension = {
  name: "probe",
  metadataOperations: {
    probe_echo: async (args, _ctx, session) => ({ args, role: session.role }),
    probe_fail: async () => {
      throw new ExtensionError("already-exists", "probe says no", "$.args.name", 400);
    },
  },
  onMetadataLoaded: async (ctx) => {
    loaded.push(ctx);
  },
  rootFields: (role) =>
    role === "anonymous"
      ? {}
      : {
          query: {
            probeHello: {
              type: new GraphQLNonNull(GraphQLString),
              args: { name: { type: new GraphQLNonNull(GraphQLString) } },
              resolve: async (call) => {
                calls.push(call);
                return `hello ${String(call.args.name)} as ${call.session.variables["x-hasura-role"]}`;
              },
            },
          },
        },
};

beforeAll(async () => {
  template = await createBlogTemplate();
  blog = await startBlogEngine(template, { extensions: [probe] });
});
afterAll(async () => {
  await blog?.close();
  await template?.drop();
});

const post = (path: string) => request(blog.engine.app).post(path);

describe("GET /healthz and /v1/version", () => {
  test("answer OK and the Hasura-shaped version", async () => {
    const health = await request(blog.engine.app).get("/healthz");
    expect([health.status, health.text]).toEqual([200, "OK"]);
    const version = await request(blog.engine.app).get("/v1/version");
    expect([version.status, version.body]).toEqual([200, { version: "v2.48.3", server_type: "ce" }]);
  });
});

describe("CORS", () => {
  test("every origin is allowed by default (echoed with credentials); a preflight answers 204", async () => {
    const res = await post("/v1/graphql").set({ ...admin, origin: "https://app.example" }).send({ query: "{ __typename }" });
    expect([res.headers["access-control-allow-origin"], res.headers["access-control-allow-credentials"]]).toEqual(["https://app.example", "true"]);
    const pre = await request(blog.engine.app).options("/v1/graphql").set({ origin: "https://app.example", "access-control-request-headers": "content-type,authorization" });
    expect([pre.status, pre.headers["access-control-allow-headers"]]).toEqual([204, "content-type,authorization"]);
  });

  test("HASURA_GRAPHQL_CORS_DOMAIN limits origins, with * wildcards for a subdomain or a port", async () => {
    const own = await startBlogEngine(template, { corsDomains: ["https://*.example.com", "http://localhost:*"] });
    try {
      const origin = async (o: string) => (await request(own.engine.app).post("/v1/graphql").set({ ...admin, origin: o }).send({ query: "{ __typename }" })).headers["access-control-allow-origin"];
      expect([await origin("https://app.example.com"), await origin("http://localhost:5173"), await origin("https://evil.example.org"), await origin("https://a.b.example.com")]).toEqual([
        "https://app.example.com",
        "http://localhost:5173",
        undefined,
        undefined,
      ]);
    } finally {
      await own.close();
    }
  });
});

describe("GET / (GraphiQL)", () => {
  test("serves the GraphiQL page pointed at /v1/graphql only when the console is enabled", async () => {
    expect((await request(blog.engine.app).get("/")).status).toBe(404);
    const own = await startBlogEngine(template, { enableConsole: true });
    try {
      const page = await request(own.engine.app).get("/");
      expect([page.status, page.type, page.text.includes('new URL("/v1/graphql"')]).toEqual([200, "text/html", true]);
    } finally {
      await own.close();
    }
  });
});

describe("POST /v1/graphql", () => {
  test("a batch answers an array in order, and x-request-id is echoed", async () => {
    const res = await post("/v1/graphql")
      .set({ ...admin, "x-request-id": "req-123" })
      .send([{ query: "{ authors_by_pk(id: 1) { name } }" }, { query: "{ content_tags_by_pk(id: 3) { name } }" }]);
    expect(res.headers["x-request-id"]).toBe("req-123");
    expect(res.body).toEqual([{ data: { authors_by_pk: { name: "Ada" } } }, { data: { content_tags_by_pk: { name: "math" } } }]);
  });

  test("a body that is not JSON answers 400 parse-failed without internals", async () => {
    const res = await post("/v1/graphql").set(admin).set("content-type", "application/json").send("{nope");
    expect([res.status, res.body]).toEqual([400, { path: "$", error: "invalid JSON body", code: "parse-failed" }]);
  });

  test("a body without query is a parse-failed GraphQL error", async () => {
    const res = await post("/v1/graphql").set(admin).send({ variables: {} });
    expect(res.body).toEqual({ errors: [{ message: "the key 'query' was not present or is invalid", extensions: { path: "$", code: "parse-failed" } }] });
  });

  test("full introspection builds a client schema for admin and for a user", async () => {
    for (const headers of [admin, { authorization: `Bearer ${await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": "1" })}` }]) {
      const res = await post("/v1/graphql").set(headers).send({ query: getIntrospectionQuery() });
      const schema = buildClientSchema(res.body.data as IntrospectionQuery);
      expect(schema.getQueryType()?.name).toBe("query_root");
    }
  });

  test("an extension root field gets its arguments and the session, and answers through the selection", async () => {
    const res = await post("/v1/graphql")
      .set({ ...admin, "x-hasura-role": "user", "x-hasura-user-id": "9" })
      .send({ query: "query ($n: String!) { greeting: probeHello(name: $n) }", variables: { n: "Ada" } });
    expect(res.body).toEqual({ data: { greeting: "hello Ada as user" } });
    expect(calls.at(-1)?.session.variables).toEqual({ "x-hasura-role": "user", "x-hasura-user-id": "9" });
    expect(calls.at(-1)?.args).toEqual({ name: "Ada" });
  });

  test("backend_only insert permissions exist only with the admin secret and x-hasura-use-backend-only-permissions", async () => {
    const mutation = { query: 'mutation { insert_content_tags_one(object: {id: 10, name: "ops"}) { id name } }' };
    const without = await post("/v1/graphql").set({ ...admin, "x-hasura-role": "service" }).send(mutation);
    expect(without.body).toEqual({ errors: [{ message: "no mutations exist", extensions: { path: "$", code: "validation-failed" } }] });
    const withHeader = await post("/v1/graphql").set({ ...admin, "x-hasura-role": "service", "x-hasura-use-backend-only-permissions": "true" }).send(mutation);
    expect(withHeader.body).toEqual({ data: { insert_content_tags_one: { id: 10, name: "ops" } } });
  });

  test("mutations run with hasura.user set to the request's session variables, as event triggers read it", async () => {
    const pg = new Client({ connectionString: blog.db.url });
    await pg.connect();
    const start = Number((await pg.query<{ n: string }>("select coalesce(max(id), 0) as n from session_audit")).rows[0].n);
    const token = await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": "4" });
    const res = await post("/v1/graphql")
      .set({ authorization: `Bearer ${token}` })
      .send({ query: 'mutation { addRemark(object: {articleId: "00000000-0000-4000-8000-000000000002", body: "audit me"}) { body } }' });
    expect(res.body).toEqual({ data: { addRemark: { body: "audit me" } } });
    await post("/v1/graphql").set(admin).send({ query: 'mutation { addRemark(object: {articleId: "00000000-0000-4000-8000-000000000002", body: "as admin"}) { body } }' });
    try {
      const rows = await pg.query<{ s: string }>("select session_variables as s from session_audit where id > $1 order by id", [start]);
      expect(rows.rows.map((r) => JSON.parse(r.s) as unknown)).toEqual([{ "x-hasura-role": "user", "x-hasura-user-id": "4" }, { "x-hasura-role": "admin" }]);
      // Outside the engine's transactions the setting is not set at all.
      await pg.query("insert into comments (article_id, body) values ('00000000-0000-4000-8000-000000000002', 'psql')");
      const last = await pg.query<{ s: string | null }>("select session_variables as s from session_audit order by id desc limit 1");
      expect(last.rows[0].s).toBeNull();
    } finally {
      await pg.end();
    }
  });
});

describe("POST /v1/metadata", () => {
  test("export_metadata returns the project as Hasura exports it (v2 wraps it with resource_version)", async () => {
    const res = await post("/v1/metadata").set(admin).send({ type: "export_metadata", args: {} });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(3);
    expect((res.body.sources as Array<{ tables: Array<{ table: unknown }> }>)[0].tables.map((t) => t.table)).toEqual([
      { schema: "public", name: "authors" },
      { schema: "public", name: "articles" },
      { schema: "public", name: "comments" },
      { schema: "content", name: "tags" },
    ]);
    const v2 = await post("/v1/metadata").set(admin).send({ type: "export_metadata", version: 2, args: {} });
    expect(v2.body.resource_version).toBe(1);
    expect(v2.body.metadata.version).toBe(3);
  });

  test("reload_metadata reloads and tells extensions; bulk answers a list", async () => {
    const before = loaded.length;
    const res = await post("/v1/metadata").set(admin).send({ type: "bulk", args: [{ type: "reload_metadata", args: {} }, { type: "probe_echo", args: { a: 1 } }] });
    expect([res.status, res.body]).toEqual([200, [{ is_consistent: true, message: "success" }, { args: { a: 1 }, role: "admin" }]]);
    expect(loaded.length).toBe(before + 1);
  });

  test("extension errors, unknown commands and non-admin callers get the metadata error envelope", async () => {
    const fail = await post("/v1/metadata").set(admin).send({ type: "probe_fail", args: {} });
    expect([fail.status, fail.body]).toEqual([400, { path: "$.args.name", error: "probe says no", code: "already-exists" }]);
    const unknown = await post("/v1/metadata").set(admin).send({ type: "no_such_thing", args: {} });
    expect([unknown.status, unknown.body]).toEqual([400, { path: "$.type", error: 'unknown metadata command "no_such_thing"', code: "parse-failed" }]);
    const anonymous = await post("/v1/metadata").send({ type: "export_metadata", args: {} });
    expect([anonymous.status, anonymous.body]).toEqual([400, { path: "$", error: "restricted access : admin only", code: "access-denied" }]);
    const wrong = await post("/v1/metadata").set({ "x-hasura-admin-secret": "nope" }).send({ type: "export_metadata", args: {} });
    expect([wrong.status, wrong.body]).toEqual([401, { path: "$", error: "invalid x-hasura-admin-secret/x-hasura-access-key", code: "access-denied" }]);
  });
});

describe("HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES", () => {
  test("bigint and numeric come back as strings, int stays a number", async () => {
    const own = await startBlogEngine(template, { stringifyNumeric: true });
    try {
      const res = await request(own.engine.app).post("/v1/graphql").set(admin).send({ query: "{ authors_by_pk(id: 2) { id followers rating } authors_aggregate { aggregate { sum { followers } } } }" });
      expect(res.body).toEqual({ data: { authors_by_pk: { id: 2, followers: "3000000000", rating: "4.9" }, authors_aggregate: { aggregate: { sum: { followers: "3000001242" } } } } });
    } finally {
      await own.close();
    }
  });
});
