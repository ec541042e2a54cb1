/**
 * graphql/schema.graphql must equal the admin SDL the engine builds for
 * hasura/ on its migrated database. When the metadata or migrations change,
 * regenerate it with engine/scripts/write-schema.ts and commit both.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyMigrations } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { projectSdl } from "../../src/schema/sdl";

const ROOT = join(__dirname, "..", "..", "..");
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("engine_sdl");
  await applyMigrations(db.url, join(ROOT, "hasura", "migrations"));
});
afterAll(async () => {
  await db?.drop();
});

describe("graphql/schema.graphql", () => {
  test("equals the admin SDL the engine builds for hasura/ (regenerate with engine/scripts/write-schema.ts)", async () => {
    const committed = readFileSync(join(ROOT, "graphql", "schema.graphql"), "utf8");
    const built = await projectSdl({ databaseUrl: db.url, projectDir: join(ROOT, "hasura") });
    expect(built).toBe(committed);
  });
});
