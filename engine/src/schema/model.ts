/**
 * Table model: tracked tables of the metadata joined with the introspected
 * catalog, names resolved through the inflection module. Plain data; the
 * per-role GraphQL schemas and the SQL compiler read only this.
 */
import type { BoolExp, Relationship, TableMetadata } from "../../../common/src/metadata";
import type { EngineMetadata } from "../metadata";
import type { Catalog, CatalogColumn, CatalogTable } from "../introspection/catalog";
import { findCatalogTable } from "../introspection/catalog";
import { scalarForColumn, tableGraphqlName, ROOT_FIELD_KINDS, defaultRootFieldName, type RootFieldKind } from "./inflection";
import {
  ModelInconsistency,
  parseTrackedFunctions,
  resolveComputedField,
  resolveTrackedFunction,
  TrackedFunctionSchema,
  typeKind,
  type ColumnKind,
  type ComputedFieldInfo,
  type TrackedFunctionInfo,
} from "./functions";

export type { ColumnKind, ComputedFieldInfo, TrackedFunctionInfo };

export type QualifiedTable = { schema: string; name: string };
export type { BoolExp };

/** The tracked tables of the `default` source (or the first source). */
export function trackedTables(metadata: EngineMetadata): TableMetadata[] {
  const source = metadata.sources.find((s) => s.name === "default") ?? metadata.sources[0];
  return source ? source.tables : [];
}

export interface ColumnInfo {
  name: string;
  gqlName: string;
  description: string | null;
  sqlType: string;
  typeName: string;
  /** GraphQL scalar name of the column (element type for arrays). */
  scalar: string;
  kind: ColumnKind;
  isArray: boolean;
  nullable: boolean;
  hasDefault: boolean;
  /** Generated columns and identity always columns are never insertable or updatable. */
  writable: boolean;
}

export interface RelationshipInfo {
  name: string;
  kind: "object" | "array";
  remote: string;
  /** Pairs of (column on this table, column on the remote table). */
  mapping: Array<[string, string]>;
  /** For nested inserts of object relationships: whether the remote row is inserted first. */
  insertBeforeParent: boolean;
  description: string | null;
}

export interface SelectPermission {
  columns: string[];
  filter: BoolExp;
  limit: number | null;
  allowAggregations: boolean;
  /** Scalar computed fields the role may select (`computed_fields`; admin: all). */
  computedFields: string[];
  queryRootFields: string[] | null;
  /** `subscription_root_fields` (v2.8+): null exposes every subscription root field. */
  subscriptionRootFields: string[] | null;
}
export interface InsertPermission {
  check: BoolExp;
  columns: string[];
  set: Record<string, unknown>;
  backendOnly: boolean;
}
export interface UpdatePermission {
  columns: string[];
  filter: BoolExp;
  check: BoolExp | null;
  set: Record<string, unknown>;
  backendOnly: boolean;
}
export interface DeletePermission {
  filter: BoolExp;
  backendOnly: boolean;
}

export interface TableInfo {
  /** `schema.name`, the key of the model map. */
  key: string;
  schema: string;
  name: string;
  gqlName: string;
  description: string | null;
  rootFields: Record<RootFieldKind, string>;
  rootFieldComments: Partial<Record<RootFieldKind, string>>;
  columns: ColumnInfo[];
  primaryKey: string[] | null;
  /** Primary key and unique constraints (for `<t>_constraint`). */
  constraints: Array<{ name: string; columns: string[] }>;
  relationships: RelationshipInfo[];
  computedFields: ComputedFieldInfo[];
  select: Map<string, SelectPermission>;
  insert: Map<string, InsertPermission>;
  update: Map<string, UpdatePermission>;
  delete: Map<string, DeletePermission>;
}

export interface TableModel {
  tables: Map<string, TableInfo>;
  roles: string[];
  /** Tracked functions of the source (root fields). */
  functions: TrackedFunctionInfo[];
  /** HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS (default true): a role may call a function when it may select the returned table. */
  inferFunctionPermissions: boolean;
  /** Names set in the metadata (custom_root_fields, column custom names): a naming convention keeps them as written. */
  customNames: Set<string>;
}

/** One entry of Hasura's `inconsistent_objects` (metadata-api/manage-metadata: get_inconsistent_metadata). */
export interface InconsistentObject {
  definition: unknown;
  reason: string;
  type: string;
}

export interface ModelOptions {
  inferFunctionPermissions?: boolean;
  /**
   * When given, objects that do not fit the database are left out of the model
   * and recorded here (as Hasura drops inconsistent objects); otherwise the
   * first one throws.
   */
  inconsistencies?: InconsistentObject[];
}

function displayName(key: string): string {
  return key.startsWith("public.") ? key.slice("public.".length) : key;
}

export function tableKey(t: QualifiedTable): string {
  return `${t.schema}.${t.name}`;
}

function columnKind(c: CatalogColumn): ColumnKind {
  return typeKind(c.typeName, c.typeCategory);
}

function expandColumns(cols: "*" | string[], table: CatalogTable): string[] {
  return cols === "*" ? table.columns.map((c) => c.name) : cols;
}

/**
 * Builds the table model. Throws (with the table and object named) when the
 * metadata references a table, column or foreign key the catalog lacks, as
 * Hasura reports an inconsistent object.
 */
export function buildTableModel(metadata: EngineMetadata, catalog: Catalog, options: ModelOptions = {}): TableModel {
  const entries = trackedTables(metadata);
  const source = metadata.sources.find((s) => s.name === "default") ?? metadata.sources[0];
  const sourceName = source?.name ?? "default";
  const tables = new Map<string, TableInfo>();
  const roles = new Set<string>();
  const catalogOf = new Map<string, CatalogTable>();
  /** Runs `fn`; in tolerant mode an inconsistency is recorded (with `definition`) and null returned. */
  const attempt = <T>(type: string, definition: () => unknown, fn: () => T): T | null => {
    try {
      return fn();
    } catch (err: unknown) {
      if (!options.inconsistencies || !(err instanceof Error)) throw err;
      const reason = err instanceof ModelInconsistency ? err.reason : err.message.replace(/^\[[^\]]+\]\s*/, "");
      options.inconsistencies.push({ definition: definition(), reason, type });
      return null;
    }
  };
  for (const entry of entries) {
    attempt(
      "table",
      () => entry.table,
      () => {
        const cat = findCatalogTable(catalog, entry.table.schema, entry.table.name);
        // Hasura's reason for a tracked table the database lacks (tests-py: replace_metadata_allow_inconsistent_inconsistent.yaml).
        if (!cat) throw new ModelInconsistency(`table "${tableKey(entry.table)}"`, `no such table/view exists in source: "${displayName(tableKey(entry.table))}"`);
        catalogOf.set(tableKey(entry.table), cat);
      },
    );
  }
  for (const entry of entries.filter((e) => catalogOf.has(tableKey(e.table)))) {
    const key = tableKey(entry.table);
    const cat = catalogOf.get(key) as CatalogTable;
    const config = entry.configuration ?? {};
    const gqlName = tableGraphqlName(entry.table.schema, entry.table.name, config.custom_name ?? null);
    const customNames: Record<string, string> = { ...(config.custom_column_names ?? {}) };
    for (const [col, cc] of Object.entries(config.column_config ?? {})) if (cc.custom_name) customNames[col] = cc.custom_name;
    const columns: ColumnInfo[] = cat.columns.map((c) => ({
      name: c.name,
      gqlName: customNames[c.name] ?? c.name,
      description: config.column_config?.[c.name]?.comment ?? c.description,
      sqlType: c.sqlType,
      typeName: c.typeName,
      scalar: scalarForColumn(c.typeName),
      kind: columnKind(c),
      isArray: c.isArray,
      nullable: c.nullable,
      hasDefault: c.hasDefault,
      writable: !c.isGenerated && !c.isIdentityAlways,
    }));
    const rootFields = {} as Record<RootFieldKind, string>;
    const rootFieldComments: Partial<Record<RootFieldKind, string>> = {};
    for (const kind of ROOT_FIELD_KINDS) {
      const custom = config.custom_root_fields?.[kind];
      const customName = typeof custom === "string" ? custom : (custom?.name ?? null);
      rootFields[kind] = customName ?? defaultRootFieldName(kind, gqlName);
      if (custom && typeof custom === "object" && custom.comment) rootFieldComments[kind] = custom.comment;
    }
    const constraints = [...(cat.primaryKey ? [cat.primaryKey] : []), ...cat.uniqueConstraints];
    const relationships: RelationshipInfo[] = [];
    const addRel = (kind: "object" | "array", rel: Relationship): void => {
      attempt(`${kind}_relation`, () => ({ ...rel, source: sourceName, table: entry.table }), () => addRelation(kind, rel));
    };
    const addRelation = (kind: "object" | "array", rel: Relationship): void => {
      const using = rel.using;
      const fail = (why: string): never => {
        throw new ModelInconsistency(`relationship "${rel.name}" of "${key}"`, why);
      };
      const notTracked = (remote: string): string => `table "${displayName(remote)}" is not tracked`;
      if ("manual_configuration" in using) {
        const m = using.manual_configuration;
        const remote = tableKey(m.remote_table);
        if (!catalogOf.has(remote)) fail(notTracked(remote));
        relationships.push({
          name: rel.name,
          kind,
          remote,
          mapping: Object.entries(m.column_mapping),
          insertBeforeParent: kind === "object" && m.insertion_order !== "after_parent",
          description: rel.comment ?? null,
        });
        return;
      }
      const fk = using.foreign_key_constraint_on;
      if (typeof fk === "string" || Array.isArray(fk)) {
        const cols = typeof fk === "string" ? [fk] : fk;
        const found = cat.foreignKeys.find((f) => f.columns.length === cols.length && f.columns.every((c, i) => c === cols[i]));
        if (!found) return fail(`no foreign key on (${cols.join(", ")})`);
        const remote = `${found.refSchema}.${found.refTable}`;
        if (!catalogOf.has(remote)) fail(notTracked(remote));
        relationships.push({
          name: rel.name,
          kind,
          remote,
          mapping: found.columns.map((c, i) => [c, found.refColumns[i]]),
          insertBeforeParent: true,
          description: rel.comment ?? null,
        });
        return;
      }
      const remote = tableKey(fk.table);
      const remoteCat = catalogOf.get(remote) ?? fail(notTracked(remote));
      const cols = fk.column !== undefined ? [fk.column] : (fk.columns ?? []);
      const found = remoteCat.foreignKeys.find(
        (f) =>
          f.refSchema === cat.schema &&
          f.refTable === cat.name &&
          f.columns.length === cols.length &&
          f.columns.every((c, i) => c === cols[i]),
      );
      if (!found) return fail(`no foreign key on "${remote}" (${cols.join(", ")}) to this table`);
      relationships.push({
        name: rel.name,
        kind,
        remote,
        mapping: found.columns.map((c, i) => [found.refColumns[i], c]),
        insertBeforeParent: false,
        description: rel.comment ?? null,
      });
    };
    for (const rel of entry.object_relationships ?? []) addRel("object", rel);
    for (const rel of entry.array_relationships ?? []) addRel("array", rel);
    const trackedKeys = new Set(catalogOf.keys());
    const computedFields: ComputedFieldInfo[] = [];
    for (const meta of entry.computed_fields ?? []) {
      const cf = attempt(
        "computed_field",
        () => ({ ...meta, source: sourceName, table: entry.table }),
        () => {
          const info = resolveComputedField(meta, key, gqlName, catalog, trackedKeys);
          // A computed field shares the namespace of columns and relationships (metadata-api/computed-field: add_computed_field).
          if (columns.some((c) => c.gqlName === info.name) || relationships.some((r) => r.name === info.name))
            throw new ModelInconsistency(`computed field "${info.name}" of "${key}"`, "clashes with a column or relationship of the same name");
          return info;
        },
      );
      if (cf) computedFields.push(cf);
    }

    /** Columns a permission names must exist (Hasura: an inconsistent `<kind>_permission`). */
    const checkColumns = (role: string, cols: readonly string[]): void => {
      for (const c of cols)
        if (!cat.columns.some((x) => x.name === c)) throw new ModelInconsistency(`permission of role "${role}" on "${key}"`, `no such column exists: "${c}"`);
    };
    const permission = <P extends { role: string }, T>(kind: string, entries: readonly P[] | undefined, build: (p: P) => T): Map<string, T> => {
      const out = new Map<string, T>();
      for (const p of entries ?? []) {
        const built = attempt(`${kind}_permission`, () => ({ ...p, source: sourceName, table: entry.table }), () => build(p));
        if (built === null) continue;
        roles.add(p.role);
        out.set(p.role, built);
      }
      return out;
    };
    const select = permission("select", entry.select_permissions, (p) => {
      const columns = expandColumns(p.permission.columns, cat);
      checkColumns(p.role, columns);
      for (const name of p.permission.computed_fields ?? []) {
        const cf = computedFields.find((c) => c.name === name);
        // Only scalar computed fields are listed; table ones follow the returned table's permission (Schema/Select.hs computedFieldPG).
        if (!cf || cf.returns.kind !== "scalar")
          throw new ModelInconsistency(`select permission of role "${p.role}" on "${key}"`, `no such scalar computed field exists: "${name}"`);
      }
      return {
        columns,
        filter: p.permission.filter,
        limit: p.permission.limit ?? null,
        allowAggregations: p.permission.allow_aggregations ?? false,
        computedFields: p.permission.computed_fields ?? [],
        queryRootFields: p.permission.query_root_fields ?? null,
        subscriptionRootFields: p.permission.subscription_root_fields ?? null,
      };
    });
    const insert = permission("insert", entry.insert_permissions, (p) => {
      const columns = expandColumns(p.permission.columns ?? [], cat);
      checkColumns(p.role, columns);
      return { check: p.permission.check, columns, set: p.permission.set ?? {}, backendOnly: p.permission.backend_only ?? false };
    });
    const update = permission("update", entry.update_permissions, (p) => {
      const columns = expandColumns(p.permission.columns, cat);
      checkColumns(p.role, columns);
      return {
        columns,
        filter: p.permission.filter,
        check: p.permission.check ?? null,
        set: p.permission.set ?? {},
        backendOnly: p.permission.backend_only ?? false,
      };
    });
    const del = permission("delete", entry.delete_permissions, (p) => ({ filter: p.permission.filter, backendOnly: p.permission.backend_only ?? false }));
    tables.set(key, {
      key,
      schema: entry.table.schema,
      name: entry.table.name,
      gqlName,
      description: config.comment ?? cat.description,
      rootFields,
      rootFieldComments,
      columns,
      primaryKey: cat.primaryKey ? cat.primaryKey.columns : null,
      constraints,
      relationships,
      computedFields,
      select,
      insert,
      update,
      delete: del,
    });
  }
  const trackedKeys = new Set(tables.keys());
  const functions: TrackedFunctionInfo[] = [];
  for (const [i, raw] of (source?.functions ?? []).entries()) {
    const fn = attempt(
      "function",
      () => ({ ...(typeof raw === "object" && raw !== null ? raw : { function: raw }), source: sourceName }),
      () => resolveTrackedFunction(parseTrackedFunctions([raw], sourceName, i)[0], catalog, trackedKeys),
    );
    if (fn) functions.push(fn);
  }
  // A function's root fields share query_root/mutation_root with the tables' (Hasura reports the clash as an inconsistency).
  const taken = new Set([...tables.values()].flatMap((t) => Object.values(t.rootFields)));
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i];
    const clash = attempt(
      "function",
      () => ({ function: { schema: fn.schema, name: fn.name }, source: sourceName }),
      () => {
        for (const name of [fn.rootFields.function, ...(fn.exposedAs === "query" ? [fn.rootFields.function_aggregate] : [])]) {
          if (taken.has(name)) throw new ModelInconsistency(`function "${fn.schema}.${fn.name}"`, `the root field "${name}" is already defined`);
          taken.add(name);
        }
        return false;
      },
    );
    if (clash === null) functions.splice(i--, 1);
  }
  for (const f of functions) for (const r of f.permissions) roles.add(r);
  const customNames = new Set<string>();
  for (const entry of entries) {
    const config = entry.configuration ?? {};
    for (const v of Object.values(config.custom_root_fields ?? {})) {
      const name = typeof v === "string" ? v : v?.name;
      if (name) customNames.add(name);
    }
    for (const v of Object.values(config.custom_column_names ?? {})) customNames.add(v);
    for (const cc of Object.values(config.column_config ?? {})) if (cc.custom_name) customNames.add(cc.custom_name);
  }
  for (const raw of source?.functions ?? []) {
    const parsed = TrackedFunctionSchema.safeParse(raw);
    for (const v of Object.values(parsed.success ? (parsed.data.configuration?.custom_root_fields ?? {}) : {})) {
      const name = typeof v === "string" ? v : v?.name;
      if (name) customNames.add(name);
    }
  }
  return { tables, roles: [...roles].sort(), functions, inferFunctionPermissions: options.inferFunctionPermissions ?? true, customNames };
}

export function getTable(model: TableModel, key: string): TableInfo {
  const t = model.tables.get(key);
  if (!t) throw new Error(`[engine/schema] unknown table ${key}`);
  return t;
}

export function getColumn(table: TableInfo, name: string): ColumnInfo {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new Error(`[engine/schema] unknown column ${table.key}.${name}`);
  return c;
}

/** A scalar computed field seen as a (read-only, nullable) column, so outputs, comparisons and ordering treat it alike. */
export function computedFieldColumn(cf: ComputedFieldInfo): ColumnInfo {
  if (cf.returns.kind !== "scalar") throw new Error(`[engine/schema] computed field ${cf.name} does not return a scalar`);
  const r = cf.returns;
  return {
    name: cf.name,
    gqlName: cf.name,
    description: cf.description,
    sqlType: r.sqlType,
    typeName: r.typeName,
    scalar: r.scalar,
    kind: r.valueKind,
    isArray: r.isArray,
    nullable: true,
    hasDefault: false,
    writable: false,
  };
}

/** Whether the client passes arguments to the function (computed fields with such arguments cannot appear in where/order_by). */
export function hasInputArgs(args: ReadonlyArray<{ role: string }>): boolean {
  return args.some((a) => a.role === "input");
}

/** Model options from the engine's env (HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS, default true; contract 8.3). */
export function modelOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): ModelOptions {
  const infer = env.HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS?.trim().toLowerCase();
  return { inferFunctionPermissions: !(infer === "false" || infer === "0") };
}
