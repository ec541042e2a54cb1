/**
 * `npm run db:migrate`, `db:migrate:down`, `db:seed` (and `tsx scripts/db.ts status`):
 * the Hasura CLI's migrate/seed commands for machines without it, over
 * common/src/db/migrate.ts. Applied versions are recorded in
 * hdb_catalog.hdb_version.cli_state exactly as the CLI (config v3) records
 * them, so a real Hasura CLI or the cli-migrations image later sees them as
 * applied (hasura-contract.md 7.5).
 *
 *   tsx scripts/db.ts up     [--target <version>]
 *   tsx scripts/db.ts down   [--steps <n>|all] [--target <version>]
 *   tsx scripts/db.ts seed
 *   tsx scripts/db.ts status
 *   common: [--project <dir>] (default hasura) [--database <name>] (default default)
 *
 * DATABASE_URL names the database. It is never printed (it holds a password).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError, parseEnv } from "../common/src/config";
import { applyMigrations, applySeeds, migrationStatus, rollbackMigrations } from "../common/src/db/migrate";

const EnvSchema = z.object({
  /** Postgres URL of the database to migrate. */
  DATABASE_URL: z.string().url(),
});

const VersionSchema = z.string().regex(/^\d+$/, "must be a migration version (digits)");

const ArgsSchema = z.object({
  command: z.enum(["up", "down", "seed", "status"]),
  project: z.string().min(1),
  database: z.string().regex(/^[A-Za-z0-9_-]+$/, "must be a Hasura database name"),
  target: VersionSchema.optional(),
  steps: z.union([z.literal("all"), z.coerce.number().int().positive()]).optional(),
});
export type DbArgs = z.infer<typeof ArgsSchema>;

const USAGE = "usage: tsx scripts/db.ts <up|down|seed|status> [--project hasura] [--database default] [--target <version>] [--steps <n>|all]";

/** Parses argv (without node and script); throws with a usage line on bad input. */
export function parseDbArgs(argv: string[]): DbArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      project: { type: "string", default: "hasura" },
      database: { type: "string", default: "default" },
      target: { type: "string" },
      steps: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new Error(USAGE);
  const parsed = ArgsSchema.safeParse({ command: positionals[0], ...values });
  if (!parsed.success) {
    throw new Error(`${parsed.error.issues.map((i) => `${i.path.join(".") || "command"}: ${i.message}`).join("; ")}\n${USAGE}`);
  }
  if (parsed.data.command === "down" && parsed.data.target !== undefined && parsed.data.steps !== undefined) {
    throw new Error(`--target and --steps cannot be combined\n${USAGE}`);
  }
  return parsed.data;
}

/** Runs one command; writes a human summary to `out`. Returns the process exit code. */
export async function runDbCommand(args: DbArgs, databaseUrl: string, out: (line: string) => void): Promise<number> {
  const project = resolve(args.project);
  const migrations = join(project, "migrations");
  const opts = { database: args.database };
  switch (args.command) {
    case "up": {
      const applied = await applyMigrations(databaseUrl, migrations, { ...opts, target: args.target });
      out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "nothing to apply: database is up to date");
      return 0;
    }
    case "down": {
      const steps = args.target === undefined ? (args.steps ?? 1) : undefined;
      const rolledBack = await rollbackMigrations(databaseUrl, migrations, { ...opts, steps, target: args.target });
      out(rolledBack.length ? `rolled back ${rolledBack.length} migration(s): ${rolledBack.join(", ")}` : "nothing to roll back");
      return 0;
    }
    case "seed": {
      const files = await applySeeds(databaseUrl, join(project, "seeds"), opts);
      out(files.length ? `applied ${files.length} seed file(s): ${files.join(", ")}` : "no seed files found");
      return 0;
    }
    case "status": {
      const rows = await migrationStatus(databaseUrl, migrations, opts);
      if (rows.length === 0) out("no migrations found");
      for (const row of rows) out(`${row.version}  ${row.applied ? (row.dirty ? "dirty  " : "applied") : "pending"}  ${row.name}`);
      return rows.some((r) => r.dirty) ? 1 : 0;
    }
    default: {
      const unreachable: never = args.command;
      throw new Error(`[scripts/db] unknown command ${String(unreachable)}`);
    }
  }
}

async function main(): Promise<void> {
  let args: DbArgs;
  let env: z.infer<typeof EnvSchema>;
  try {
    args = parseDbArgs(process.argv.slice(2));
    env = parseEnv(EnvSchema, process.env);
  } catch (err: unknown) {
    const hint = err instanceof ConfigError ? " (set DATABASE_URL to the database to migrate)" : "";
    process.stderr.write(`[db] ${err instanceof Error ? err.message : String(err)}${hint}\n`);
    process.exit(2);
  }
  try {
    process.exitCode = await runDbCommand(args, env.DATABASE_URL, (line) => process.stdout.write(`[db] ${line}\n`));
  } catch (err: unknown) {
    // MigrationError names the version and Postgres's reason; never the URL.
    process.stderr.write(`[db] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
