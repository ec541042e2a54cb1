/**
 * The compilation contract of the issue: each root field is one SQL statement
 * that builds its JSON in Postgres (no N+1 round trips however deep the
 * selection), user input reaches Postgres only as parameters, and the
 * mutation fields of a request share one transaction that starts by setting
 * hasura.user.
 */
import { Pool, type QueryConfig } from "pg";
import request from "supertest";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type Engine } from "../../src/server";
import { ADMIN_SECRET, BLOG_PROJECT, createBlogTemplate } from "../helpers/blog";

interface Recorded {
  text: string;
  values: unknown[];
}

/** A pool that records every statement the engine sends. */
class RecordingPool extends Pool {
  readonly statements: Recorded[] = [];
  constructor(url: string) {
    super({ connectionString: url, max: 4 });
    this.on("connect", (client) => {
      const original = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | QueryConfig;
        const text = typeof first === "string" ? first : first.text;
        const values = (typeof first === "string" ? (args[1] as unknown[] | undefined) : first.values) ?? [];
        this.statements.push({ text, values });
        return original(...args);
      };
    });
  }
}

let template: TestDatabase;
let db: TestDatabase;
let engine: Engine;
let pool: RecordingPool;

beforeAll(async () => {
  template = await createBlogTemplate();
  db = await createTestDatabase("engine_stmt", template.name);
  pool = new RecordingPool(db.url);
  engine = await createEngine({ pool, projectDir: BLOG_PROJECT, adminSecret: ADMIN_SECRET });
});

afterAll(async () => {
  await engine?.close();
  await pool?.end();
  await db?.drop();
  await template?.drop();
});

async function run(query: string, variables?: Record<string, unknown>): Promise<{ body: unknown; statements: Recorded[] }> {
  const before = pool.statements.length;
  const res = await request(engine.app).post("/v1/graphql").set({ "x-hasura-admin-secret": ADMIN_SECRET }).send({ query, variables });
  return { body: res.body, statements: pool.statements.slice(before) };
}

describe("statements per request", () => {
  test("a query of two root fields with three levels of relationships and aggregates runs two statements", async () => {
    const { body, statements } = await run(`{
      authors(order_by: {id: asc}) { name articles { title comments { body author { name } } comments_aggregate { aggregate { count } } } }
      articles_aggregate { aggregate { count } nodes { author { name } } }
    }`);
    expect((body as { data: { authors: unknown[] } }).data.authors).toHaveLength(4);
    expect(statements).toHaveLength(2);
  });

  test("user input reaches Postgres only as parameters", async () => {
    const evil = `x'); drop table authors; --`;
    const { body, statements } = await run("query ($n: String!) { authors(where: {name: {_eq: $n}}) { id } }", { n: evil });
    expect(body).toEqual({ data: { authors: [] } });
    expect(statements).toHaveLength(1);
    expect(statements[0].text).not.toContain("drop table");
    expect(statements[0].values).toEqual([evil]);
  });

  test("two mutation fields run in one transaction that first sets hasura.user", async () => {
    const { body, statements } = await run(
      'mutation { a: update_authors_by_pk(pk_columns: {id: 1}, _inc: {followers: 1}) { followers } b: delete_remarks(where: {id: {_eq: 4}}) { affected_rows } }',
    );
    expect(body).toEqual({ data: { a: { followers: 1201 }, b: { affected_rows: 1 } } });
    expect(statements.map((s) => (s.text.startsWith("with ") ? "dml" : s.text))).toEqual([
      "begin",
      "select set_config('hasura.user', $1, true)",
      "dml",
      "dml",
      "commit",
    ]);
    expect(statements[1].values).toEqual(['{"x-hasura-role":"admin"}']);
  });
});
