/**
 * Writes graphql/schema.graphql: the admin SDL the engine builds for hasura/.
 * Needs a Postgres server: DATABASE_URL (a superuser URL); the script creates a
 * scratch database there, applies hasura/migrations, prints, and drops it.
 *   DATABASE_URL=postgres://... npx tsx engine/scripts/write-schema.ts
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { applyMigrations } from "../../common/src/db/migrate";
import { projectSdl } from "../src/schema/sdl";

const ROOT = resolve(__dirname, "..", "..");

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("DATABASE_URL (a superuser URL of a Postgres server) is required");
  const name = `engine_sdl_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await applyMigrations(url.toString(), join(ROOT, "hasura", "migrations"));
    const sdl = await projectSdl({ databaseUrl: url.toString(), projectDir: join(ROOT, "hasura") });
    writeFileSync(join(ROOT, "graphql", "schema.graphql"), sdl);
    process.stdout.write(`wrote graphql/schema.graphql (${sdl.split("\n").length} lines)\n`);
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`write-schema: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
