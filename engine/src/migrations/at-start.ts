/**
 * Migrations at start (contract 7.5): with HASURA_GRAPHQL_MIGRATIONS_AT_START=true
 * or the `--migrate` flag, the engine applies the project's migrations before
 * it loads metadata, through common/src/db/migrate.ts, which records them in
 * hdb_catalog.hdb_version.cli_state exactly as the Hasura CLI (config v3) and
 * the cli-migrations image do, so the same database later works under real
 * Hasura. It then creates the hdb_catalog tables event and scheduled triggers
 * use, which are never part of the project's migrations (contract 1.2).
 */
import { isAbsolute, join } from "node:path";
import { Pool } from "pg";
import { z } from "zod";
import { booleanString, parseEnv } from "../../../common/src/config";
import { applyMigrations } from "../../../common/src/db/migrate";
import { silentLogger, type Logger } from "../../../common/src/logger";
import { loadProjectConfig } from "../../../common/src/metadata";
import { ensureScheduledCatalog } from "../crons/catalog";
import { ensureEventCatalog } from "../events/catalog";

const MigrationsEnvSchema = z.object({
  /** Apply migrations when the engine starts. */
  HASURA_GRAPHQL_MIGRATIONS_AT_START: booleanString(false),
  /** Where the migrations are; default `<project>/<migrations_directory>` from config.yaml. */
  HASURA_GRAPHQL_MIGRATIONS_DIR: z.string().min(1).optional(),
});

export interface MigrationsAtStart {
  enabled: boolean;
  migrationsDir: string;
}

/** Reads the flag (`--migrate` wins over the variable) and the migrations directory. */
export function migrationsAtStartConfig(env: Record<string, string | undefined>, argv: readonly string[], projectDir: string): MigrationsAtStart {
  const parsed = parseEnv(MigrationsEnvSchema, {
    HASURA_GRAPHQL_MIGRATIONS_AT_START: env.HASURA_GRAPHQL_MIGRATIONS_AT_START,
    HASURA_GRAPHQL_MIGRATIONS_DIR: env.HASURA_GRAPHQL_MIGRATIONS_DIR,
  });
  const enabled = argv.includes("--migrate") || parsed.HASURA_GRAPHQL_MIGRATIONS_AT_START;
  const configured = parsed.HASURA_GRAPHQL_MIGRATIONS_DIR;
  const migrationsDir = configured
    ? isAbsolute(configured)
      ? configured
      : join(process.cwd(), configured)
    : join(projectDir, loadProjectConfig(projectDir).migrations_directory);
  return { enabled, migrationsDir };
}

/**
 * Applies pending migrations of database `default` and prepares the catalog.
 * Returns the versions applied now. Throws MigrationError (naming the failed
 * version) and leaves that migration unapplied.
 */
export async function runMigrationsAtStart(databaseUrl: string, migrationsDir: string, logger: Logger = silentLogger()): Promise<string[]> {
  const applied = await applyMigrations(databaseUrl, migrationsDir, { database: "default" });
  logger.info({ applied: applied.length, versions: applied }, "migrations applied at start");
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await ensureEventCatalog(pool);
    await ensureScheduledCatalog(pool);
  } finally {
    await pool.end();
  }
  return applied;
}
