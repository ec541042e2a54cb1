/**
 * The executor's two answers must agree: the fast path (executeGraphqlText,
 * Postgres' JSON text spliced into the response) and the general path
 * (executeGraphql, graphql-js shaping the parsed rows). Also: which requests
 * take the fast path, and that compiled statements are prepared under a
 * stable name.
 */
import { Pool, type QueryConfig } from "pg";
import request from "supertest";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type Engine } from "../../src/server";
import { executeGraphql, executeGraphqlText, type ExecSession, type GraphqlRequest } from "../../src/execute/execute";
import { ADMIN_SECRET, BLOG_PROJECT, createBlogTemplate } from "../helpers/blog";

let template: TestDatabase;
let db: TestDatabase;
let engine: Engine;
let pool: Pool;
const prepared: Array<{ text: string; name: string | undefined }> = [];

const admin: ExecSession = { role: "admin", variables: { "x-hasura-role": "admin" }, headers: {}, backendOnly: false };
const anonymous: ExecSession = { role: "anonymous", variables: { "x-hasura-role": "anonymous" }, headers: {}, backendOnly: false };

beforeAll(async () => {
  template = await createBlogTemplate("engine_fast_tpl");
  db = await createTestDatabase("engine_fast", template.name);
  pool = new Pool({ connectionString: db.url, max: 4 });
  // Teardown drops the database with (force) while ended clients may still be closing.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => {
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0] as string | QueryConfig;
      if (typeof first !== "string") prepared.push({ text: first.text, name: first.name });
      return original(...args);
    };
  });
  engine = await createEngine({ pool, projectDir: BLOG_PROJECT, adminSecret: ADMIN_SECRET, unauthorizedRole: "anonymous" });
});

afterAll(async () => {
  await engine?.close();
  await pool?.end();
  await db?.drop();
  await template?.drop();
});

function deps() {
  const state = engine.state();
  return { pool: engine.pool, model: state.model, schemaFor: state.schemaFor, stringifyNumeric: false };
}

/** Postgres' json_build_object writes `"key" : value`; JSON.stringify never puts a space there. */
const FROM_POSTGRES = /" : /;

/** [name, session, request, whether the answer holds an object Postgres rendered] */
const SAME_ANSWER: Array<[string, ExecSession, GraphqlRequest, boolean]> = [
  [
    "nested relationships, aggregates, aliases and order_by",
    admin,
    {
      query: `{
        a: authors(order_by: {id: asc}, limit: 3) { id name rating followers bio articles(order_by: {id: desc}) { title comments_aggregate { aggregate { count } } } }
        total: articles_aggregate { aggregate { count max { likes } sum { likes } } }
      }`,
    },
    true,
  ],
  ["by primary key, missing row", admin, { query: "query ($id: Int!) { authors_by_pk(id: $id) { id name } }", variables: { id: 999999 } }, false],
  ["by primary key, row found", admin, { query: "query ($id: Int!) { authors_by_pk(id: $id) { id name followers } }", variables: { id: 1 } }, true],
  [
    "@skip and @include, fragments, one field under two aliases",
    admin,
    {
      query: `query ($no: Boolean!) {
        authors(order_by: {id: asc}) { ...A x: name y: name rating @skip(if: $no) }
        skipped: articles @include(if: $no) { id }
      }
      fragment A on authors { id }`,
      variables: { no: true },
    },
    true,
  ],
  ["a role's permission filter and column list", anonymous, { query: "{ articles(order_by: {id: asc}) { id title } }" }, true],
];

describe("fast path", () => {
  test.each(SAME_ANSWER)("%s: the same answer on both paths, the fast one from Postgres' text", async (_name, session, req, rendered) => {
    const text = await executeGraphqlText(deps(), session, req);
    const general = await executeGraphql(deps(), session, req);
    expect("data" in general).toBe(true);
    expect(JSON.parse(text)).toEqual(general);
    if (rendered) expect(text).toMatch(FROM_POSTGRES);
  });

  test.each<[string, string]>([
    ["__typename", "{ authors(limit: 1) { __typename id } }"],
    ["root __typename", "{ __typename authors(limit: 1) { id } }"],
    ["introspection", '{ __type(name: "authors") { name } authors(limit: 1) { id } }'],
  ])("%s takes the general path and still answers in full", async (_name, query) => {
    const text = await executeGraphqlText(deps(), admin, { query });
    expect(text).not.toMatch(FROM_POSTGRES);
    expect(JSON.parse(text)).toEqual(await executeGraphql(deps(), admin, { query }));
  });

  test("errors keep Hasura's envelope", async () => {
    const text = await executeGraphqlText(deps(), admin, { query: "{ authors { nope } }" });
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: "field 'nope' not found in type: 'authors'", extensions: { path: "$.selectionSet.authors.selectionSet.nope", code: "validation-failed" } }],
    });
  });

  test("over HTTP, a batch answers an array in order with the JSON content type", async () => {
    const res = await request(engine.app)
      .post("/v1/graphql")
      .set({ "x-hasura-admin-secret": ADMIN_SECRET })
      .send([{ query: "{ authors_by_pk(id: 1) { id } }" }, { query: "{ authors_by_pk(id: 2) { __typename id } }" }]);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers.etag).toBeUndefined();
    expect(res.body).toEqual([{ data: { authors_by_pk: { id: 1 } } }, { data: { authors_by_pk: { __typename: "authors", id: 2 } } }]);
  });
});

describe("prepared statements", () => {
  test("the same document runs under one statement name; another document gets another", async () => {
    const q1 = "query ($id: Int!) { authors_by_pk(id: $id) { id name } }";
    const q2 = "query ($id: Int!) { authors_by_pk(id: $id) { id } }";
    const before = prepared.length;
    for (const id of [1, 2, 3]) await executeGraphqlText(deps(), admin, { query: q1, variables: { id } });
    await executeGraphqlText(deps(), admin, { query: q2, variables: { id: 1 } });
    const seen = prepared.slice(before);
    expect(seen).toHaveLength(4);
    expect(seen.every((s) => typeof s.name === "string" && s.name.startsWith("engine_"))).toBe(true);
    expect(new Set(seen.slice(0, 3).map((s) => s.name)).size).toBe(1);
    expect(seen[3].name).not.toBe(seen[0].name);
    expect(seen[3].text).not.toBe(seen[0].text);
  });
});
