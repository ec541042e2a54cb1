/**
 * Per-file databases on the shared test server (see test/global-setup.ts).
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** Superuser URL of the shared test server; throws outside a jest run. */
export function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error("[test/helpers/pg] TEST_PG_ADMIN_URL is unset: run through jest");
  return url;
}

/** The URL of another database on the shared test server. */
export function databaseUrl(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a unique name (optionally a copy of
 * `template`) and returns its URL; `drop()` removes it, closing connections.
 */
export async function createTestDatabase(prefix = "t", template?: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin((c) =>
    c.query(`create database "${name}"${template ? ` template "${template}"` : ""}`),
  );
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
