/**
 * Paths of the hasura/ project and a database migrated with its migrations,
 * shared by the hasura tests.
 */
import { join } from "node:path";
import { Client } from "pg";
import { applyMigrations } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";

export const HASURA_DIR = join(__dirname, "..", "..");
export const MIGRATIONS_DIR = join(HASURA_DIR, "migrations");
export const SEEDS_DIR = join(HASURA_DIR, "seeds");

/** A fresh database with every hasura/ migration applied. */
export async function createMigratedDatabase(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  await applyMigrations(db.url, MIGRATIONS_DIR, { database: "default" });
  return db;
}

/** Runs `fn` with a connected client and closes it afterwards. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
