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
import { createProjectTemplate, fixtureDir } from "../conformance/projects";

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

describe("statements per request with SQL functions (library fixture)", () => {
  let libTemplate: TestDatabase;
  let libDb: TestDatabase;
  let libPool: RecordingPool;
  let libEngine: Engine;
  beforeAll(async () => {
    libTemplate = await createProjectTemplate("library");
    libDb = await createTestDatabase("engine_stmt_fn", libTemplate.name);
    libPool = new RecordingPool(libDb.url);
    libEngine = await createEngine({ pool: libPool, projectDir: fixtureDir("library"), adminSecret: ADMIN_SECRET });
  });
  afterAll(async () => {
    await libEngine?.close();
    await libPool?.end();
    await libDb?.drop();
    await libTemplate?.drop();
  });
  async function runLib(query: string, variables?: Record<string, unknown>): Promise<{ body: unknown; statements: Recorded[] }> {
    const before = libPool.statements.length;
    const res = await request(libEngine.app).post("/v1/graphql").set({ "x-hasura-admin-secret": ADMIN_SECRET }).send({ query, variables });
    return { body: res.body, statements: libPool.statements.slice(before) };
  }

  test("computed fields and function root fields compile into one parameterized statement per root field", async () => {
    const evil = `x'); drop table books; --`;
    const { body, statements } = await runLib(
      `query ($s: String!) {
        writers(where: {full_name: {_ilike: "%u%"}}, order_by: {total_pages: desc}) {
          full_name shelf_label(args: {prefix: $s}) books_matching(args: {search: $s}) { title writer { full_name } }
        }
        search_books(args: {search: $s}) { id }
        search_books_aggregate(args: {search: "e"}) { aggregate { count } }
      }`,
      { s: evil },
    );
    expect(body).toEqual({
      data: {
        writers: [
          { full_name: "Octavia Butler", shelf_label: `${evil}: Butler`, books_matching: [] },
          { full_name: "Ursula Le Guin", shelf_label: `${evil}: Le Guin`, books_matching: [] },
        ],
        search_books: [],
        search_books_aggregate: { aggregate: { count: 5 } },
      },
    });
    expect(statements).toHaveLength(3);
    for (const s of statements) expect(s.text).not.toContain("drop table");
    expect(statements.flatMap((s) => s.values).filter((v) => v === evil)).toHaveLength(3);
  });

  test("a VOLATILE function exposed as a mutation is one statement inside the transaction", async () => {
    const { body, statements } = await runLib("mutation { publish_book(args: {book_id: 4}) { id published } }");
    expect(body).toEqual({ data: { publish_book: [{ id: 4, published: true }] } });
    expect(statements.map((s) => (s.text.startsWith("select (") ? "function" : s.text))).toEqual([
      "begin",
      "select set_config('hasura.user', $1, true)",
      "function",
      "commit",
    ]);
    expect(statements[2].values).toEqual([4]);
  });
});
