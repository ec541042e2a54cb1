/**
 * Cross-checks hasura/metadata against a migrated database, the way Hasura
 * reports inconsistent metadata, but as a build step: every problem is a line
 * that names the file's table (or action, cron trigger) and the dangling
 * reference.
 *
 * Checks: tracked tables exist; column_config covers exactly the table's
 * columns; relationships resolve to real foreign keys (or, for manual ones, to
 * real columns); permission columns, presets and BoolExp columns/relationships
 * exist; event trigger columns exist; cron schedules are valid five-field
 * expressions; actions.graphql parses, matches actions.yaml and custom_types,
 * and every type it uses resolves; no two root fields or type names collide.
 *
 * CLI: `DATABASE_URL=... npx tsx hasura/scripts/check-metadata.ts [projectDir]`
 * exits 1 and prints the problems when there are any.
 */
import { CronExpressionParser } from "cron-parser";
import { GraphQLError, Kind, parse, type DocumentNode, type TypeNode } from "graphql";
import {
  allTables,
  loadMetadata,
  type Columns,
  type Metadata,
  type Relationship,
  type TableMetadata,
} from "../../common/src/metadata";
import { catalogScalars, GRAPHQL_BUILT_IN_SCALARS, readCatalog, tableKey, type Catalog, type CatalogTable } from "./catalog";

/** Where a relationship leads: the remote table and, for FK relationships, the constraint used. */
export interface ResolvedRelationship {
  name: string;
  kind: "object" | "array";
  remoteTable: string;
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set([
  "_eq", "_neq", "_gt", "_lt", "_gte", "_lte", "_in", "_nin", "_is_null",
  "_like", "_nlike", "_ilike", "_nilike", "_similar", "_nsimilar", "_regex", "_nregex", "_iregex", "_niregex",
  "_contains", "_contained_in", "_has_key", "_has_keys_any", "_has_keys_all",
]);
/** Column-to-column comparisons (hasura-contract.md 6.2). */
const COLUMN_OPERATORS: ReadonlySet<string> = new Set(["_ceq", "_cne", "_cgt", "_clt", "_cgte", "_clte"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/**
 * Resolves one relationship of `table` against the catalog. Returns the remote
 * table, or a problem text naming what is missing.
 */
export function resolveRelationship(
  table: CatalogTable,
  relationship: Relationship,
  kind: "object" | "array",
  catalog: Catalog,
): ResolvedRelationship | string {
  const using = relationship.using;
  if ("manual_configuration" in using) {
    const manual = using.manual_configuration;
    const remoteKey = tableKey(manual.remote_table);
    const remote = catalog.get(remoteKey);
    if (!remote) return `remote table ${remoteKey} does not exist`;
    for (const [local, remoteColumn] of Object.entries(manual.column_mapping)) {
      if (!table.columns.has(local)) return `column_mapping names column ${local}, which ${table.key} does not have`;
      if (!remote.columns.has(remoteColumn)) return `column_mapping names column ${remoteColumn}, which ${remoteKey} does not have`;
    }
    return { name: relationship.name, kind, remoteTable: remoteKey };
  }
  const on = using.foreign_key_constraint_on;
  if (typeof on === "string" || Array.isArray(on)) {
    // The foreign key sits on this table (object relationships).
    const columns = typeof on === "string" ? [on] : on;
    const fk = table.foreignKeys.find((f) => sameColumns(f.columns, columns));
    if (!fk) return `no foreign key on ${table.key} (${columns.join(", ")})`;
    return { name: relationship.name, kind, remoteTable: fk.refTable };
  }
  // The foreign key sits on the remote table and points here.
  const remoteKey = tableKey(on.table);
  const remote = catalog.get(remoteKey);
  if (!remote) return `remote table ${remoteKey} does not exist`;
  const columns = on.columns ?? (on.column === undefined ? [] : [on.column]);
  const fk = remote.foreignKeys.find((f) => sameColumns(f.columns, columns) && f.refTable === table.key);
  if (!fk) return `no foreign key on ${remoteKey} (${columns.join(", ")}) referencing ${table.key}`;
  return { name: relationship.name, kind, remoteTable: remoteKey };
}

/** Relationships of every tracked table, by table key then relationship name. */
export type RelationshipIndex = Map<string, Map<string, ResolvedRelationship>>;

/**
 * Resolves every relationship of every tracked table; unresolvable ones are
 * left out of the index and reported in `problems`.
 */
export function indexRelationships(metadata: Metadata, catalog: Catalog, problems: string[] = []): RelationshipIndex {
  const index: RelationshipIndex = new Map();
  for (const { table } of allTables(metadata)) {
    const key = tableKey(table.table);
    const own = new Map<string, ResolvedRelationship>();
    index.set(key, own);
    const catalogTable = catalog.get(key);
    if (!catalogTable) continue;
    const kinds: Array<["object" | "array", Relationship[]]> = [
      ["object", table.object_relationships ?? []],
      ["array", table.array_relationships ?? []],
    ];
    for (const [kind, relationships] of kinds) {
      for (const relationship of relationships) {
        const resolved = resolveRelationship(catalogTable, relationship, kind, catalog);
        if (typeof resolved === "string") problems.push(`table ${key}: ${kind} relationship ${relationship.name}: ${resolved}`);
        else own.set(relationship.name, resolved);
      }
    }
  }
  return index;
}

interface BoolExpContext {
  catalog: Catalog;
  relationships: RelationshipIndex;
  problems: string[];
}

/** Checks that every column, relationship and operator a BoolExp names exists. */
export function checkBoolExp(table: string, expression: unknown, where: string, ctx: BoolExpContext): void {
  if (!isRecord(expression)) {
    ctx.problems.push(`${where}: expected an object, got ${JSON.stringify(expression)}`);
    return;
  }
  const catalogTable = ctx.catalog.get(table);
  for (const [key, value] of Object.entries(expression)) {
    const path = `${where}.${key}`;
    if (key === "_and" || key === "_or") {
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => checkBoolExp(table, item, `${path}[${i}]`, ctx));
    } else if (key === "_not") {
      checkBoolExp(table, value, path, ctx);
    } else if (key === "_exists") {
      const exists = isRecord(value) ? value : {};
      const target = isRecord(exists._table) ? exists._table : {};
      const remote = `${typeof target.schema === "string" ? target.schema : "public"}.${String(target.name)}`;
      if (!ctx.catalog.has(remote)) ctx.problems.push(`${path}: _exists names table ${remote}, which does not exist`);
      else checkBoolExp(remote, exists._where ?? {}, `${path}._where`, ctx);
    } else if (catalogTable?.columns.has(key)) {
      checkComparison(catalogTable, value, path, ctx);
    } else {
      const relationship = ctx.relationships.get(table)?.get(key);
      if (relationship) checkBoolExp(relationship.remoteTable, value, path, ctx);
      else ctx.problems.push(`${path}: "${key}" is neither a column nor a relationship of ${table}`);
    }
  }
}

function checkComparison(table: CatalogTable, value: unknown, path: string, ctx: BoolExpContext): void {
  // A bare scalar means _eq (hasura-contract.md 6.2).
  if (!isRecord(value)) return;
  for (const [operator, operand] of Object.entries(value)) {
    if (COLUMN_OPERATORS.has(operator)) {
      const column = Array.isArray(operand) ? operand[operand.length - 1] : operand;
      if (typeof column !== "string" || !table.columns.has(column)) {
        ctx.problems.push(`${path}.${operator}: compares with column ${JSON.stringify(column)}, which ${table.key} does not have`);
      }
    } else if (!COMPARISON_OPERATORS.has(operator)) {
      ctx.problems.push(`${path}: unknown operator ${operator}`);
    }
  }
}

function checkColumns(table: CatalogTable, columns: Columns | undefined, where: string, problems: string[]): void {
  if (columns === undefined || columns === "*") return;
  for (const column of columns) {
    if (!table.columns.has(column)) problems.push(`${where}: column ${column} does not exist in ${table.key}`);
  }
}

function checkTable(table: TableMetadata, catalogTable: CatalogTable, ctx: BoolExpContext): void {
  const key = catalogTable.key;
  const problems = ctx.problems;
  const columnConfig = table.configuration?.column_config ?? {};
  for (const column of Object.keys(columnConfig)) {
    if (!catalogTable.columns.has(column)) problems.push(`table ${key}: column_config names column ${column}, which does not exist`);
  }
  for (const column of catalogTable.columns.keys()) {
    if (!columnConfig[column]?.custom_name) problems.push(`table ${key}: column ${column} has no column_config custom_name`);
  }
  for (const entry of table.select_permissions ?? []) {
    const where = `table ${key}: select permission of ${entry.role}`;
    checkColumns(catalogTable, entry.permission.columns, where, problems);
    checkBoolExp(key, entry.permission.filter, `${where}: filter`, ctx);
  }
  for (const entry of table.insert_permissions ?? []) {
    const where = `table ${key}: insert permission of ${entry.role}`;
    checkColumns(catalogTable, entry.permission.columns, where, problems);
    checkColumns(catalogTable, Object.keys(entry.permission.set ?? {}), `${where}: set`, problems);
    checkBoolExp(key, entry.permission.check, `${where}: check`, ctx);
  }
  for (const entry of table.update_permissions ?? []) {
    const where = `table ${key}: update permission of ${entry.role}`;
    checkColumns(catalogTable, entry.permission.columns, where, problems);
    checkColumns(catalogTable, Object.keys(entry.permission.set ?? {}), `${where}: set`, problems);
    checkBoolExp(key, entry.permission.filter, `${where}: filter`, ctx);
    if (entry.permission.check) checkBoolExp(key, entry.permission.check, `${where}: check`, ctx);
  }
  for (const entry of table.delete_permissions ?? []) {
    checkBoolExp(key, entry.permission.filter, `table ${key}: delete permission of ${entry.role}: filter`, ctx);
  }
  for (const trigger of table.event_triggers ?? []) {
    for (const op of ["insert", "update", "delete"] as const) {
      const spec = trigger.definition[op];
      if (!spec) continue;
      const where = `table ${key}: event trigger ${trigger.name} (${op})`;
      checkColumns(catalogTable, spec.columns, where, problems);
      checkColumns(catalogTable, spec.payload, `${where} payload`, problems);
    }
  }
  const columnNames = new Set(Object.values(columnConfig).map((c) => c.custom_name));
  for (const relationship of [...(table.object_relationships ?? []), ...(table.array_relationships ?? [])]) {
    if (columnNames.has(relationship.name)) {
      problems.push(`table ${key}: relationship ${relationship.name} has the GraphQL name of a column`);
    }
  }
}

/** The GraphQL root field names a table contributes (custom_root_fields only). */
function rootFieldNames(table: TableMetadata): string[] {
  return Object.values(table.configuration?.custom_root_fields ?? {}).flatMap((v) =>
    typeof v === "string" ? [v] : v.name ? [v.name] : [],
  );
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** What actions.graphql defines, split by kind, and the action fields by root. */
export interface ActionsSdl {
  objects: Map<string, Map<string, string>>;
  inputs: Set<string>;
  enums: Set<string>;
  scalars: Set<string>;
  /** Action fields by name, with the root they extend. */
  fields: Map<string, { root: "query" | "mutation" }>;
  /** Every (position, type name) pair used, for resolution. */
  uses: Array<{ where: string; type: string; position: "input" | "output" }>;
}

/** Reads actions.graphql into an ActionsSdl. @throws GraphQLError on a syntax error. */
export function readActionsSdl(sdl: string): ActionsSdl {
  const result: ActionsSdl = { objects: new Map(), inputs: new Set(), enums: new Set(), scalars: new Set(), fields: new Map(), uses: [] };
  if (!sdl.trim()) return result;
  const document: DocumentNode = parse(sdl);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
      const name = definition.name.value;
      if (name === "Query" || name === "Mutation") {
        for (const field of definition.fields ?? []) {
          result.fields.set(field.name.value, { root: name === "Query" ? "query" : "mutation" });
          for (const a of field.arguments ?? []) {
            result.uses.push({ where: `${name}.${field.name.value}(${a.name.value})`, type: namedType(a.type), position: "input" });
          }
          result.uses.push({ where: `${name}.${field.name.value}`, type: namedType(field.type), position: "output" });
        }
        continue;
      }
      const fields = new Map<string, string>();
      for (const field of definition.fields ?? []) {
        fields.set(field.name.value, namedType(field.type));
        result.uses.push({ where: `${name}.${field.name.value}`, type: namedType(field.type), position: "output" });
      }
      result.objects.set(name, fields);
    } else if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      result.inputs.add(definition.name.value);
      for (const field of definition.fields ?? []) {
        result.uses.push({ where: `${definition.name.value}.${field.name.value}`, type: namedType(field.type), position: "input" });
      }
    } else if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      result.enums.add(definition.name.value);
    } else if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) {
      result.scalars.add(definition.name.value);
    }
  }
  return result;
}

function checkActions(metadata: Metadata, catalog: Catalog, problems: string[]): void {
  let sdl: ActionsSdl;
  try {
    sdl = readActionsSdl(metadata.actionsGraphql);
  } catch (err: unknown) {
    problems.push(`actions.graphql: ${err instanceof GraphQLError ? err.message : String(err)}`);
    return;
  }
  const tracked = allTables(metadata).map(({ table }) => table);
  const tableTypes = new Set(tracked.map((t) => t.configuration?.custom_name ?? t.table.name));
  const pgScalars = catalogScalars(catalog, tracked.map((t) => tableKey(t.table)));
  for (const use of sdl.uses) {
    const t = use.type;
    const isScalar = GRAPHQL_BUILT_IN_SCALARS.has(t) || sdl.scalars.has(t) || pgScalars.has(t) || sdl.enums.has(t);
    const ok =
      use.position === "input" ? isScalar || sdl.inputs.has(t) : isScalar || sdl.objects.has(t) || tableTypes.has(t);
    if (!ok) {
      const known = sdl.inputs.has(t) || sdl.objects.has(t) || tableTypes.has(t);
      problems.push(`actions.graphql: ${use.where} uses type ${t}, ${known ? `which cannot be used as ${use.position}` : "which is defined nowhere"}`);
    }
  }
  const yamlNames = new Set(metadata.actions.map((a) => a.name));
  for (const action of metadata.actions) {
    if (!sdl.fields.has(action.name)) problems.push(`actions.yaml: action ${action.name} has no field in actions.graphql`);
  }
  for (const name of sdl.fields.keys()) {
    if (!yamlNames.has(name)) problems.push(`actions.graphql: field ${name} has no action in actions.yaml`);
  }
  const declared = [
    ["enums", metadata.customTypes.enums, sdl.enums],
    ["input_objects", metadata.customTypes.input_objects, sdl.inputs],
    ["objects", metadata.customTypes.objects, new Set(sdl.objects.keys())],
    ["scalars", metadata.customTypes.scalars, sdl.scalars],
  ] as const;
  for (const [kind, listed, defined] of declared) {
    const names = new Set(listed.map((t) => t.name));
    for (const name of names) if (!defined.has(name)) problems.push(`actions.yaml: custom_types.${kind} lists ${name}, which actions.graphql does not define`);
    for (const name of defined) if (!names.has(name)) problems.push(`actions.yaml: custom_types.${kind} does not list ${name}, defined in actions.graphql`);
  }
  for (const object of metadata.customTypes.objects) {
    for (const relationship of object.relationships ?? []) {
      const where = `actions.yaml: custom type ${object.name} relationship ${relationship.name}`;
      const remoteKey = tableKey(relationship.remote_table);
      const remote = catalog.get(remoteKey);
      if (!remote || !tracked.some((t) => tableKey(t.table) === remoteKey)) {
        problems.push(`${where}: remote table ${remoteKey} is not a tracked table`);
        continue;
      }
      for (const [field, column] of Object.entries(relationship.field_mapping)) {
        if (!sdl.objects.get(object.name)?.has(field)) problems.push(`${where}: field ${field} is not a field of ${object.name}`);
        if (!remote.columns.has(column)) problems.push(`${where}: column ${column} does not exist in ${remoteKey}`);
      }
    }
  }
}

/** Parses a Hasura cron schedule (five fields, UTC). Returns a problem text or null. */
export function cronScheduleProblem(schedule: string): string | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return `schedule "${schedule}" has ${fields.length} fields; Hasura takes five`;
  try {
    CronExpressionParser.parse(schedule, { tz: "UTC" });
    return null;
  } catch (err: unknown) {
    return `schedule "${schedule}" does not parse: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Every dangling reference or inconsistency between `metadata` and the
 * database `catalog`, one line each; empty when consistent.
 */
export function checkMetadata(metadata: Metadata, catalog: Catalog): string[] {
  const problems: string[] = [];
  const relationships = indexRelationships(metadata, catalog, problems);
  const ctx: BoolExpContext = { catalog, relationships, problems };
  for (const { table } of allTables(metadata)) {
    const key = tableKey(table.table);
    const catalogTable = catalog.get(key);
    if (!catalogTable) {
      problems.push(`table ${key} is tracked but does not exist in the database`);
      continue;
    }
    checkTable(table, catalogTable, ctx);
  }
  for (const cron of metadata.cronTriggers) {
    const problem = cronScheduleProblem(cron.schedule);
    if (problem) problems.push(`cron trigger ${cron.name}: ${problem}`);
  }
  checkActions(metadata, catalog, problems);

  // GraphQL names must be unique across the whole schema (tables and actions).
  const owners = new Map<string, string>();
  const claim = (name: string, owner: string): void => {
    const previous = owners.get(name);
    if (previous && previous !== owner) problems.push(`GraphQL name ${name} is used by both ${previous} and ${owner}`);
    else owners.set(name, owner);
  };
  for (const { table } of allTables(metadata)) {
    const owner = `table ${tableKey(table.table)}`;
    claim(table.configuration?.custom_name ?? table.table.name, owner);
    for (const field of rootFieldNames(table)) claim(field, owner);
  }
  for (const action of metadata.actions) claim(action.name, `action ${action.name}`);
  return problems;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write("[hasura/check-metadata] set DATABASE_URL to a migrated database\n");
    process.exit(2);
  }
  const metadata = loadMetadata(process.argv[2] ?? "hasura");
  const problems = checkMetadata(metadata, await readCatalog(databaseUrl));
  for (const problem of problems) process.stdout.write(`${problem}\n`);
  process.stdout.write(problems.length ? `${problems.length} problem(s)\n` : "metadata is consistent with the database\n");
  process.exit(problems.length ? 1 : 0);
}

if (require.main === module) void main();
