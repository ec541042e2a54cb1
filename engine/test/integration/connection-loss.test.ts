/**
 * Postgres restarting (or an operator terminating backends) must not take the
 * engine down: the pool's idle connections die, the pool reports it, and the
 * next request gets a fresh connection.
 */
import { Client } from "pg";
import request from "supertest";
import { adminUrl, createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type Engine } from "../../src/server";
import { ADMIN_SECRET, BLOG_PROJECT, createBlogTemplate } from "../helpers/blog";

let template: TestDatabase;
let db: TestDatabase;
let engine: Engine;

beforeAll(async () => {
  template = await createBlogTemplate();
  db = await createTestDatabase("engine_connloss", template.name);
  engine = await createEngine({ databaseUrl: db.url, projectDir: BLOG_PROJECT, adminSecret: ADMIN_SECRET });
});

afterAll(async () => {
  await engine?.close();
  await db?.drop();
  await template?.drop();
});

const FIRST_AUTHOR = "query { authors(order_by: {id: asc}, limit: 1) { id name } }";

async function firstAuthor(): Promise<unknown> {
  const res = await request(engine.app).post("/v1/graphql").set({ "x-hasura-admin-secret": ADMIN_SECRET }).send({ query: FIRST_AUTHOR });
  return res.body;
}

describe("engine pool", () => {
  it("answers after every backend of its database was terminated while idle", async () => {
    expect(await firstAuthor()).toEqual({ data: { authors: [{ id: 1, name: "Ada" }] } });
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [db.name],
      );
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Let the terminated idle clients report their error to the pool.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await firstAuthor()).toEqual({ data: { authors: [{ id: 1, name: "Ada" }] } });
  });
});
