/**
 * Applies and rolls back hasura/migrations the way the Hasura CLI (config v3)
 * does, so a database migrated here is seen as migrated by a real Hasura CLI or
 * the cli-migrations image later (hasura-contract.md 7.5).
 *
 * Layout: `<migrationsDir>/<database>/<version>_<name>/{up.sql,down.sql}`, with
 * `<version>` a Unix timestamp that orders them. State: the one row of
 * `hdb_catalog.hdb_version`, column `cli_state`, shaped
 * `{"migrations": {"default": {"<version>": <dirty>}}, "settings": {...}, "isStateCopyCompleted": true}`.
 *
 * Each migration runs in one transaction together with its state update, so a
 * failed migration leaves neither half-applied SQL nor a dirty flag. A session
 * advisory lock serialises concurrent runners (two engines starting at once).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { z } from "zod";

/** Catalog version of the hdb_version row we create when none exists (Hasura v2.x). */
export const HASURA_CATALOG_VERSION = "48";

/** Arbitrary constant key for pg_advisory_lock, shared by every runner. */
const MIGRATION_LOCK_KEY = 727_274_001;

export interface MigrationFile {
  version: string;
  name: string;
  dir: string;
  upSql: string | null;
  downSql: string | null;
}

export interface MigrationOptions {
  /** Database name inside the Hasura project ("default"). */
  database?: string;
}

export interface MigrationStatus {
  version: string;
  name: string;
  applied: boolean;
  dirty: boolean;
}

const CliStateSchema = z
  .object({
    migrations: z.record(z.string(), z.record(z.string(), z.boolean())).default({}),
    settings: z.record(z.string(), z.unknown()).default({ migration_mode: "true" }),
    isStateCopyCompleted: z.boolean().default(true),
  })
  .passthrough();
type CliState = z.infer<typeof CliStateSchema>;

const VERSION_DIR = /^(\d+)_(.+)$/;

function readOptional(file: string): string | null {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

/** The migrations of one database in version order. Throws on duplicate versions. */
export function listMigrations(migrationsDir: string, options: MigrationOptions = {}): MigrationFile[] {
  const base = join(migrationsDir, options.database ?? "default");
  if (!existsSync(base)) return [];
  const found: MigrationFile[] = [];
  for (const entry of readdirSync(base)) {
    const dir = join(base, entry);
    const match = VERSION_DIR.exec(entry);
    if (!match || !statSync(dir).isDirectory()) continue;
    found.push({ version: match[1], name: match[2], dir, upSql: readOptional(join(dir, "up.sql")), downSql: readOptional(join(dir, "down.sql")) });
  }
  found.sort((a, b) => (BigInt(a.version) < BigInt(b.version) ? -1 : BigInt(a.version) > BigInt(b.version) ? 1 : 0));
  for (let i = 1; i < found.length; i++) {
    if (found[i].version === found[i - 1].version) {
      throw new Error(`[common/migrate] two migrations share version ${found[i].version}: ${found[i - 1].name}, ${found[i].name}`);
    }
  }
  return found;
}

async function withClient<T>(databaseUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    return await fn(client);
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** Creates hdb_catalog.hdb_version (Hasura v2's shape) with its single row when absent. */
export async function ensureCatalogStateTable(client: Client): Promise<void> {
  await client.query("create schema if not exists hdb_catalog");
  await client.query(`
    create table if not exists hdb_catalog.hdb_version (
      hasura_uuid uuid primary key default gen_random_uuid(),
      version text not null,
      upgraded_on timestamptz not null,
      cli_state jsonb not null default '{}'::jsonb,
      console_state jsonb not null default '{}'::jsonb
    )`);
  await client.query("create unique index if not exists hdb_version_one_row on hdb_catalog.hdb_version ((version is not null))");
  await client.query(
    "insert into hdb_catalog.hdb_version (version, upgraded_on) select $1, now() where not exists (select 1 from hdb_catalog.hdb_version)",
    [HASURA_CATALOG_VERSION],
  );
}

async function readCliState(client: Client): Promise<CliState> {
  const { rows } = await client.query<{ cli_state: unknown }>("select cli_state from hdb_catalog.hdb_version limit 1");
  return CliStateSchema.parse(rows[0]?.cli_state ?? {});
}

async function writeCliState(client: Client, state: CliState): Promise<void> {
  await client.query("update hdb_catalog.hdb_version set cli_state = $1::jsonb", [JSON.stringify(state)]);
}

function appliedVersions(state: CliState, database: string): Record<string, boolean> {
  return state.migrations[database] ?? {};
}

/** Applied, pending and dirty migrations of one database. */
export async function migrationStatus(databaseUrl: string, migrationsDir: string, options: MigrationOptions = {}): Promise<MigrationStatus[]> {
  const database = options.database ?? "default";
  const files = listMigrations(migrationsDir, options);
  return withClient(databaseUrl, async (client) => {
    await ensureCatalogStateTable(client);
    const applied = appliedVersions(await readCliState(client), database);
    return files.map((f) => ({ version: f.version, name: f.name, applied: f.version in applied, dirty: applied[f.version] === true }));
  });
}

/** Runs one migration's SQL and its state change in one transaction; failures become MigrationError. */
async function runStep(client: Client, database: string, file: MigrationFile, direction: "up" | "down"): Promise<void> {
  const version = file.version;
  const sql = (direction === "up" ? file.upSql : file.downSql) ?? "";
  await client.query("begin");
  try {
    if (sql.trim()) await client.query(sql);
    const state = await readCliState(client);
    const versions = { ...appliedVersions(state, database) };
    if (direction === "up") versions[version] = false;
    else delete versions[version];
    await writeCliState(client, { ...state, migrations: { ...state.migrations, [database]: versions } });
    await client.query("commit");
  } catch (err: unknown) {
    await client.query("rollback");
    throw new MigrationError(version, file.name, direction, err);
  }
}

export class MigrationError extends Error {
  readonly version: string;
  constructor(version: string, name: string, direction: "up" | "down", cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`[common/migrate] ${direction} ${version}_${name} failed: ${reason}`, { cause });
    this.name = "MigrationError";
    this.version = version;
  }
}

/**
 * Applies every pending migration up to `target` (inclusive; all when omitted)
 * in version order and returns the versions applied. A migration without
 * up.sql is recorded as applied, as the CLI does.
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
  options: MigrationOptions & { target?: string } = {},
): Promise<string[]> {
  const database = options.database ?? "default";
  const files = listMigrations(migrationsDir, options);
  return withClient(databaseUrl, async (client) => {
    await ensureCatalogStateTable(client);
    const applied = appliedVersions(await readCliState(client), database);
    const done: string[] = [];
    for (const file of files) {
      if (options.target !== undefined && BigInt(file.version) > BigInt(options.target)) break;
      if (file.version in applied) continue;
      await runStep(client, database, file, "up");
      done.push(file.version);
    }
    return done;
  });
}

/**
 * Rolls back applied migrations newest first: `steps` of them (default 1), or
 * every one newer than `target` (exclusive), or all with `steps: "all"`.
 * Returns the versions rolled back. Fails when a migration to undo has no down.sql.
 */
export async function rollbackMigrations(
  databaseUrl: string,
  migrationsDir: string,
  options: MigrationOptions & { steps?: number | "all"; target?: string } = {},
): Promise<string[]> {
  const database = options.database ?? "default";
  const files = listMigrations(migrationsDir, options);
  return withClient(databaseUrl, async (client) => {
    await ensureCatalogStateTable(client);
    const applied = appliedVersions(await readCliState(client), database);
    const candidates = files.filter((f) => f.version in applied).reverse();
    const chosen =
      options.target !== undefined
        ? candidates.filter((f) => BigInt(f.version) > BigInt(options.target as string))
        : options.steps === "all"
          ? candidates
          : candidates.slice(0, options.steps ?? 1);
    const done: string[] = [];
    for (const file of chosen) {
      if (file.downSql === null) throw new MigrationError(file.version, file.name, "down", new Error("no down.sql"));
      await runStep(client, database, file, "down");
      done.push(file.version);
    }
    return done;
  });
}

/**
 * Runs every `*.sql` file of `<seedsDir>/<database>` in name order, each in a
 * transaction. Seeds are not recorded (the Hasura CLI does not record them
 * either), so they must be written to be re-runnable (on conflict do nothing).
 */
export async function applySeeds(databaseUrl: string, seedsDir: string, options: MigrationOptions = {}): Promise<string[]> {
  const dir = join(seedsDir, options.database ?? "default");
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  return withClient(databaseUrl, async (client) => {
    for (const file of files) {
      await client.query("begin");
      try {
        await client.query(readFileSync(join(dir, file), "utf8"));
        await client.query("commit");
      } catch (err: unknown) {
        await client.query("rollback");
        throw new Error(`[common/migrate] seed ${file} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    return files;
  });
}
