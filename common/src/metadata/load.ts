/**
 * Loads a Hasura CLI project (config v3) from disk: config.yaml, then the
 * metadata directory with its `!include` references resolved, validated with
 * the zod schemas in ./schemas.
 *
 * `"!include <path>"` strings (hasura-contract.md 7.2) are replaced by the parsed
 * content of the file they name, relative to the directory of the file that
 * holds them. Include cycles and missing files are errors that name the file.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import {
  ActionsFileSchema,
  CronTriggersFileSchema,
  DatabasesFileSchema,
  ProjectConfigSchema,
  type Action,
  type CronTrigger,
  type CustomTypes,
  type ProjectConfig,
  type Source,
} from "./schemas";

export class MetadataError extends Error {
  /** Each problem names the file and the path inside it. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`[common/metadata] invalid Hasura metadata:\n  ${problems.join("\n  ")}`);
    this.name = "MetadataError";
    this.problems = problems;
  }
}

export interface Metadata {
  /** Absolute path of the project directory (holding config.yaml). */
  projectDir: string;
  /** Absolute path of the metadata directory. */
  metadataDir: string;
  config: ProjectConfig;
  version: 3;
  sources: Source[];
  actions: Action[];
  customTypes: CustomTypes;
  /** The SDL of metadata/actions.graphql ("" when absent). */
  actionsGraphql: string;
  cronTriggers: CronTrigger[];
  /** Files we load but do not interpret (allow_list.yaml, network.yaml...), by base name. */
  other: Record<string, unknown>;
}

const INCLUDE = /^!include\s+(.+)$/;

/** Parses a YAML file and resolves every `!include` in it, recursively. */
export function readYamlWithIncludes(file: string, seen: readonly string[] = []): unknown {
  const absolute = resolve(file);
  if (seen.includes(absolute)) {
    throw new MetadataError([`${absolute}: include cycle through ${seen.map((s) => relative(process.cwd(), s)).join(" -> ")}`]);
  }
  if (!existsSync(absolute)) throw new MetadataError([`${absolute}: file not found`]);
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(absolute, "utf8"));
  } catch (err: unknown) {
    throw new MetadataError([`${absolute}: not valid YAML (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`]);
  }
  const trail = [...seen, absolute];
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") {
      const match = INCLUDE.exec(value.trim());
      return match ? readYamlWithIncludes(join(dirname(absolute), match[1].trim()), trail) : value;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    }
    return value;
  };
  return visit(parsed);
}

function check<S extends z.ZodType>(schema: S, value: unknown, file: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new MetadataError(
    result.error.issues.map((issue) => `${file}: ${issue.path.length ? `$.${issue.path.join(".")}` : "$"}: ${issue.message}`),
  );
}

function optionalYaml(file: string): unknown {
  return existsSync(file) ? readYamlWithIncludes(file) : undefined;
}

/** Duplicate names inside one list are errors Hasura reports as inconsistencies. */
function findDuplicates(names: string[]): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const n of names) (seen.has(n) ? dupes : seen).add(n);
  return [...dupes];
}

function crossCheck(metadata: Omit<Metadata, "other">): void {
  const problems: string[] = [];
  for (const source of metadata.sources) {
    const tableKeys = source.tables.map((t) => `${t.table.schema}.${t.table.name}`);
    for (const d of findDuplicates(tableKeys)) problems.push(`source ${source.name}: table ${d} is tracked twice`);
    for (const t of source.tables) {
      const where = `table ${t.table.schema}.${t.table.name}`;
      const relNames = [...(t.object_relationships ?? []), ...(t.array_relationships ?? [])].map((r) => r.name);
      for (const d of findDuplicates(relNames)) problems.push(`${where}: relationship ${d} defined twice`);
      for (const kind of ["select", "insert", "update", "delete"] as const) {
        const roles = (t[`${kind}_permissions`] ?? []).map((p) => p.role);
        for (const d of findDuplicates(roles)) problems.push(`${where}: two ${kind} permissions for role ${d}`);
        if (roles.includes("admin")) problems.push(`${where}: admin needs no ${kind} permission (it bypasses them)`);
      }
    }
    const triggers = source.tables.flatMap((t) => (t.event_triggers ?? []).map((e) => e.name));
    for (const d of findDuplicates(triggers)) problems.push(`source ${source.name}: event trigger ${d} defined twice`);
  }
  for (const d of findDuplicates(metadata.sources.map((s) => s.name))) problems.push(`source ${d} defined twice`);
  for (const d of findDuplicates(metadata.cronTriggers.map((c) => c.name))) problems.push(`cron trigger ${d} defined twice`);
  for (const d of findDuplicates(metadata.actions.map((a) => a.name))) problems.push(`action ${d} defined twice`);
  if (problems.length) throw new MetadataError(problems);
}

/** Metadata files that carry features we load as opaque data. */
const OPAQUE_FILES = [
  "allow_list",
  "api_limits",
  "backend_configs",
  "graphql_schema_introspection",
  "inherited_roles",
  "metrics_config",
  "network",
  "opentelemetry",
  "query_collections",
  "remote_schemas",
  "rest_endpoints",
] as const;

/**
 * Loads and validates the metadata directory `metadataDir`. Throws MetadataError
 * with every problem found, each naming its file.
 */
export function loadMetadataDirectory(metadataDir: string, config: ProjectConfig, projectDir: string): Metadata {
  const dir = resolve(metadataDir);
  const versionFile = join(dir, "version.yaml");
  const version = check(z.object({ version: z.literal(3) }), readYamlWithIncludes(versionFile), versionFile);

  const databasesFile = join(dir, "databases", "databases.yaml");
  const sources = existsSync(databasesFile) ? check(DatabasesFileSchema, readYamlWithIncludes(databasesFile), databasesFile) : [];

  const actionsFile = join(dir, "actions.yaml");
  const actionsYaml = check(ActionsFileSchema, optionalYaml(actionsFile) ?? {}, actionsFile);
  const actionsGraphqlFile = join(dir, "actions.graphql");
  const actionsGraphql = existsSync(actionsGraphqlFile) ? readFileSync(actionsGraphqlFile, "utf8") : "";

  const cronFile = join(dir, "cron_triggers.yaml");
  const cronTriggers = check(CronTriggersFileSchema, optionalYaml(cronFile) ?? [], cronFile);

  const other: Record<string, unknown> = {};
  for (const name of OPAQUE_FILES) {
    const value = optionalYaml(join(dir, `${name}.yaml`));
    if (value !== undefined) other[name] = value;
  }

  const metadata: Metadata = {
    projectDir: resolve(projectDir),
    metadataDir: dir,
    config,
    version: version.version,
    sources,
    actions: actionsYaml.actions,
    customTypes: actionsYaml.custom_types,
    actionsGraphql,
    cronTriggers,
    other,
  };
  crossCheck(metadata);
  return metadata;
}

/** Reads `<projectDir>/config.yaml` (config v3). */
export function loadProjectConfig(projectDir: string): ProjectConfig {
  const file = join(resolve(projectDir), "config.yaml");
  return check(ProjectConfigSchema, readYamlWithIncludes(file), file);
}

/**
 * Loads a whole Hasura project: config.yaml, then its metadata directory.
 * Throws MetadataError naming each invalid file and path.
 */
export function loadMetadata(projectDir: string): Metadata {
  const config = loadProjectConfig(projectDir);
  return loadMetadataDirectory(join(resolve(projectDir), config.metadata_directory), config, projectDir);
}

/** Every tracked table of every source, with its source name. */
export function allTables(metadata: Metadata): Array<{ source: string; table: Source["tables"][number] }> {
  return metadata.sources.flatMap((s) => s.tables.map((table) => ({ source: s.name, table })));
}
