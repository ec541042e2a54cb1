/**
 * replace_metadata (v1 and v2), clear_metadata, get_inconsistent_metadata and
 * reload_metadata after a replace, on the library fixture (Hasura contract
 * 8.1, 8.2; docs: api-reference/metadata-api/manage-metadata; tests-py:
 * queries/v1/metadata/replace_metadata_allow_inconsistent_inconsistent.yaml).
 * The project directory is never written: Hasura keeps metadata in its catalog.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import type { TestDatabase } from "../../../test/helpers/pg";
import type { BlogEngine } from "../helpers/blog";
import { ADMIN_SECRET } from "../helpers/blog";
import { createProjectTemplate, fixtureDir, startProjectEngine } from "../conformance/projects";

const admin = { "x-hasura-admin-secret": ADMIN_SECRET };
const spec = { project: "library", env: {} };
let template: TestDatabase;

beforeAll(async () => {
  template = await createProjectTemplate("library");
});
afterAll(async () => {
  await template?.drop();
});

async function withEngine(fn: (engine: BlogEngine) => Promise<void>): Promise<void> {
  const engine = await startProjectEngine(spec, template);
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

const metadata = (engine: BlogEngine, body: unknown) => request(engine.engine.app).post("/v1/metadata").set(admin).send(body as object);
const graphql = (engine: BlogEngine, query: string) => request(engine.engine.app).post("/v1/graphql").set(admin).send({ query });

/** Every file of the project directory with its content, to show nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[path] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return out;
}

const SOURCE_CONFIG = { connection_info: { database_url: { from_env: "HASURA_GRAPHQL_DATABASE_URL" } } };
const WRITERS_ONLY = {
  version: 3,
  sources: [{ name: "default", kind: "postgres", configuration: SOURCE_CONFIG, tables: [{ table: { schema: "public", name: "writers" } }] }],
};
const INCONSISTENT = {
  version: 3,
  sources: [
    {
      name: "default",
      kind: "postgres",
      configuration: SOURCE_CONFIG,
      tables: [
        { table: { schema: "public", name: "ghosts" } },
        { table: { schema: "public", name: "books" }, object_relationships: [{ name: "author", using: { manual_configuration: { remote_table: { schema: "public", name: "authors" }, column_mapping: { writer_id: "id" } } } }] },
      ],
    },
  ],
};
const INCONSISTENT_OBJECTS = [
  { definition: { schema: "public", name: "ghosts" }, reason: 'no such table/view exists in source: "ghosts"', type: "table" },
  {
    definition: {
      name: "author",
      using: { manual_configuration: { remote_table: { schema: "public", name: "authors" }, column_mapping: { writer_id: "id" } } },
      source: "default",
      table: { schema: "public", name: "books" },
    },
    reason: 'table "authors" is not tracked',
    type: "object_relation",
  },
];

describe("replace_metadata", () => {
  test("v1 (args = the metadata) replaces what is served, in memory only; reload_metadata keeps it", async () => {
    const before = snapshot(fixtureDir("library"));
    await withEngine(async (engine) => {
      const res = await metadata(engine, { type: "replace_metadata", args: WRITERS_ONLY });
      expect([res.status, res.body]).toEqual([200, { message: "success" }]);
      const books = await graphql(engine, "{ books { id } }");
      expect(books.body).toEqual({ errors: [{ message: "field 'books' not found in type: 'query_root'", extensions: { path: "$.selectionSet.books", code: "validation-failed" } }] });
      const writers = await graphql(engine, "{ writers(order_by: {id: asc}, limit: 1) { last_name } }");
      expect(writers.body).toEqual({ data: { writers: [{ last_name: "Le Guin" }] } });
      const exported = await metadata(engine, { type: "export_metadata", args: {} });
      expect(exported.body.sources[0].tables).toEqual([{ table: { schema: "public", name: "writers" } }]);
      const reload = await metadata(engine, { type: "reload_metadata", args: {} });
      expect(reload.body).toEqual({ is_consistent: true, message: "success" });
      expect((await graphql(engine, "{ books { id } }")).body.errors[0].extensions.code).toBe("validation-failed");
    });
    expect(snapshot(fixtureDir("library"))).toEqual(before);
  });

  test("v2 with inconsistent objects and no allow_inconsistent_metadata: 400 unexpected, the objects under internal, nothing changed", async () => {
    await withEngine(async (engine) => {
      const res = await metadata(engine, { type: "replace_metadata", version: 2, args: { metadata: INCONSISTENT } });
      expect([res.status, res.body]).toEqual([400, { path: "$.args", error: "cannot continue due to inconsistent metadata", code: "unexpected", internal: INCONSISTENT_OBJECTS }]);
      const still = await graphql(engine, "{ search_books(args: {search: \"kindred\"}) { title } }");
      expect(still.body).toEqual({ data: { search_books: [{ title: "Kindred" }] } });
      const inconsistent = await metadata(engine, { type: "get_inconsistent_metadata", args: {} });
      expect(inconsistent.body).toEqual({ is_consistent: true, inconsistent_objects: [] });
    });
  });

  test("v2 with allow_inconsistent_metadata serves the consistent rest and lists the others (also in get_inconsistent_metadata and reload_metadata)", async () => {
    await withEngine(async (engine) => {
      const res = await metadata(engine, { type: "replace_metadata", args: { allow_inconsistent_metadata: true, metadata: INCONSISTENT } });
      expect([res.status, res.body]).toEqual([200, { is_consistent: false, inconsistent_objects: INCONSISTENT_OBJECTS }]);
      const books = await graphql(engine, "{ books(where: {id: {_eq: 3}}) { title } }");
      expect(books.body).toEqual({ data: { books: [{ title: "Kindred" }] } });
      const gone = await graphql(engine, "{ writers { id } }");
      expect(gone.body.errors[0].message).toBe("field 'writers' not found in type: 'query_root'");
      const inconsistent = await metadata(engine, { type: "get_inconsistent_metadata", args: {} });
      expect(inconsistent.body).toEqual({ is_consistent: false, inconsistent_objects: INCONSISTENT_OBJECTS });
      const reload = await metadata(engine, { type: "reload_metadata", args: {} });
      expect(reload.body).toEqual({ is_consistent: false, message: "success", inconsistent_objects: INCONSISTENT_OBJECTS });
    });
  });

  test("a consistent v2 replace answers is_consistent true; the legacy single-source format (tables, functions) is accepted", async () => {
    await withEngine(async (engine) => {
      const res = await metadata(engine, {
        type: "replace_metadata",
        args: { metadata: { version: 2, tables: [{ table: "books", select_permissions: [{ role: "reader", permission: { columns: ["id", "title"], filter: {} } }] }], functions: [{ function: { schema: "public", name: "search_books" } }] } },
      });
      expect([res.status, res.body]).toEqual([200, { is_consistent: true, inconsistent_objects: [] }]);
      const found = await graphql(engine, "{ search_books(args: {search: \"sower\"}) { title } }");
      expect(found.body).toEqual({ data: { search_books: [{ title: "Parable of the Sower" }] } });
    });
  });

  test("functions that do not fit (unknown, not returning table rows, root field taken) and computed fields that do not fit are inconsistent objects", async () => {
    await withEngine(async (engine) => {
      const writers = { table: { schema: "public", name: "writers" }, computed_fields: [{ name: "pages", definition: { function: { schema: "public", name: "writer_total_pages" }, table_argument: "nope" } }] };
      const res = await metadata(engine, {
        type: "replace_metadata",
        args: {
          allow_inconsistent_metadata: true,
          metadata: {
            version: 3,
            sources: [
              {
                name: "default",
                kind: "postgres",
                configuration: SOURCE_CONFIG,
                tables: [{ table: { schema: "public", name: "books" } }, writers],
                functions: [
                  { function: { schema: "public", name: "no_such_function" } },
                  { function: { schema: "public", name: "writer_full_name" } },
                  { function: { schema: "public", name: "search_books" }, configuration: { custom_name: "books" } },
                ],
              },
            ],
          },
        },
      });
      expect([res.status, res.body]).toEqual([
        200,
        {
          is_consistent: false,
          inconsistent_objects: [
            { definition: { ...writers.computed_fields[0], source: "default", table: writers.table }, reason: 'table argument "nope" not found', type: "computed_field" },
            { definition: { function: { schema: "public", name: "no_such_function" }, source: "default" }, reason: 'no such function exists: "no_such_function"', type: "function" },
            { definition: { function: { schema: "public", name: "writer_full_name" }, source: "default" }, reason: "the function must return a table row type (SETOF <table> or <table>)", type: "function" },
            { definition: { function: { schema: "public", name: "search_books" }, source: "default" }, reason: 'the root field "books" is already defined', type: "function" },
          ],
        },
      ]);
    });
  });

  test("metadata that does not parse is refused with parse-failed and its path", async () => {
    await withEngine(async (engine) => {
      const res = await metadata(engine, { type: "replace_metadata", args: { metadata: { version: 3, sources: [{ name: "default", tables: [{ table: { schema: "public", name: "books" }, select_permissions: [{ role: "x", permission: { filter: {} } }] }] }] } } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("parse-failed");
      expect(res.body.path).toBe("$.args.metadata.sources[0].configuration");
    });
  });
});

describe("resource_version", () => {
  test("export_metadata v2 reports it, a replace bumps it, a request naming a stale one is a 409 conflict that changes nothing", async () => {
    await withEngine(async (engine) => {
      const first = await metadata(engine, { type: "export_metadata", version: 2, args: {} });
      expect(first.body.resource_version).toBe(1);
      const ok = await metadata(engine, { type: "replace_metadata", version: 2, resource_version: 1, args: { metadata: WRITERS_ONLY } });
      expect([ok.status, ok.body]).toEqual([200, { is_consistent: true, inconsistent_objects: [] }]);
      const second = await metadata(engine, { type: "export_metadata", version: 2, args: {} });
      expect(second.body.resource_version).toBe(2);
      const stale = await metadata(engine, { type: "clear_metadata", resource_version: 1, args: {} });
      expect([stale.status, stale.body]).toEqual([409, { path: "$", error: "metadata resource version referenced (1) did not match current version", code: "conflict" }]);
      const still = await graphql(engine, "{ writers_by_pk(id: 2) { first_name } }");
      expect(still.body).toEqual({ data: { writers_by_pk: { first_name: "Octavia" } } });
      await metadata(engine, { type: "reload_metadata", args: {} });
      expect((await metadata(engine, { type: "export_metadata", version: 2, args: {} })).body.resource_version).toBe(2);
    });
  });
});

describe("clear_metadata", () => {
  test("leaves the default source with nothing tracked; export_metadata shows it; the schema has only the placeholder", async () => {
    await withEngine(async (engine) => {
      const res = await metadata(engine, { type: "clear_metadata", args: {} });
      expect([res.status, res.body]).toEqual([200, { message: "success" }]);
      const exported = await metadata(engine, { type: "export_metadata", args: {} });
      expect(exported.body).toEqual({
        version: 3,
        sources: [{ name: "default", kind: "postgres", configuration: { connection_info: { database_url: { from_env: "HASURA_GRAPHQL_DATABASE_URL" }, isolation_level: "read-committed" } }, tables: [], functions: [] }],
      });
      const q = await graphql(engine, "{ __schema { queryType { fields { name } } mutationType { name } } }");
      expect(q.body).toEqual({ data: { __schema: { queryType: { fields: [{ name: "no_queries_available" }] }, mutationType: null } } });
    });
  });
});
