/**
 * Mutations to SQL: one data-modifying CTE whose rows feed `returning`,
 * `affected_rows` and the permission `check` in the same statement.
 * Semantics: Hasura contract 5.4 and 6.1; docs: api-reference/graphql-api/mutation.
 */
import { sql, sqlAnd, SQL_TRUE, type Sql } from "./sql";
import { castValue, compilePermission, compileWhere, encodeValue, selectPermissionFilter } from "./where";
import { jsonObject, rowJson, pkCondition, type CompileContext } from "./select";
import type { ColumnInfo, TableInfo } from "../schema/model";
import { roleView } from "../permissions/role-view";
import { isSessionVariableName, sessionValue } from "../permissions/session";
import type { FieldSelection } from "../execute/selection";
import { HasuraError } from "../errors";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Values of a preset (`set`) map: literals or session variables, cast to the column type (contract 6.1). */
export function presetValues(table: TableInfo, set: Record<string, unknown>, ctx: CompileContext): Map<string, Sql> {
  const out = new Map<string, Sql>();
  for (const [name, value] of Object.entries(set)) {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new HasuraError("not-found", `preset column "${name}" not found`);
    out.set(name, castValue(isSessionVariableName(value) ? sessionValue(ctx.session, value) : value, column));
  }
  return out;
}

/** One row to insert: column name -> SQL value. */
export type InsertRow = Map<string, Sql>;

/** Converts one GraphQL insert object (GraphQL names) into column values, presets applied last. */
export function insertRowFromInput(table: TableInfo, input: Record<string, unknown>, ctx: CompileContext): InsertRow {
  const row: InsertRow = new Map();
  for (const [key, value] of Object.entries(input)) {
    const column = table.columns.find((c) => c.gqlName === key);
    if (!column) continue; // relationship keys are handled by the nested insert
    row.set(column.name, castValue(value, column));
  }
  const perm = roleView(table, ctx.role).insert;
  for (const [name, value] of presetValues(table, perm?.set ?? {}, ctx)) row.set(name, value);
  return row;
}

function onConflictClause(table: TableInfo, alias: string, onConflict: unknown, ctx: CompileContext): Sql {
  if (!isRecord(onConflict)) return sql.raw("");
  const constraint = String(onConflict.constraint);
  const columns = Array.isArray(onConflict.update_columns) ? (onConflict.update_columns as string[]) : [];
  if (columns.length === 0) return sql` on conflict on constraint ${sql.ident(constraint)} do nothing`;
  const update = roleView(table, ctx.role).update;
  if (!update) throw new HasuraError("permission-error", `upsert is not allowed on "${table.name}"`);
  const sets = columns.map((c) => sql`${sql.ident(c)} = excluded.${sql.ident(c)}`);
  for (const [name, value] of presetValues(table, update.set, ctx)) sets.push(sql`${sql.ident(name)} = ${value}`);
  const where = sqlAnd([
    compilePermission(table, alias, update.filter, ctx),
    isRecord(onConflict.where) ? compileWhere(table, alias, onConflict.where, ctx) : SQL_TRUE,
  ]);
  return sql` on conflict on constraint ${sql.ident(constraint)} do update set ${sql.join(sets, ", ")} where ${where}`;
}

/** `insert into t as a (cols) values (...), (...) [on conflict ...] returning a.*`. */
export function insertSql(table: TableInfo, alias: string, rows: readonly InsertRow[], onConflict: unknown, ctx: CompileContext): Sql {
  const columns = [...new Set(rows.flatMap((r) => [...r.keys()]))];
  const target = sql`${sql.ident(table.schema, table.name)} as ${sql.ident(alias)}`;
  const conflict = onConflictClause(table, alias, onConflict, ctx);
  if (columns.length === 0) {
    // A row of only defaults: `default values` takes one row per statement (the executor splits them).
    if (rows.length !== 1) throw new Error("[engine/compile] insertSql of several rows without columns");
    return sql`insert into ${target} default values${conflict} returning ${sql.ident(alias)}.*`;
  }
  const values = rows.map((r) => sql`(${sql.join(columns.map((c) => r.get(c) ?? sql.raw("default")), ", ")})`);
  return sql`insert into ${target} (${sql.join(columns.map((c) => sql.ident(c)), ", ")}) values ${sql.join(values, ", ")}${conflict} returning ${sql.ident(alias)}.*`;
}

/**
 * Wraps a data-modifying statement: `with m as (<dml>) select <json> as root, <check> as check_ok, <rows> as rows`.
 * `shape` says how `root` is built from the returned rows.
 */
export function wrapMutation(
  table: TableInfo,
  dml: Sql,
  shape: { kind: "response"; field: FieldSelection; extraAffected?: number } | { kind: "single"; field: FieldSelection } | { kind: "rows" },
  check: Record<string, unknown> | null,
  ctx: CompileContext,
): Sql {
  const m = ctx.aliases.fresh("_m");
  const r = ctx.aliases.fresh();
  const checkSql = check
    ? sql`(select coalesce(bool_and(${compilePermission(table, r, check, ctx)}), true) from ${sql.ident(m)} as ${sql.ident(r)})`
    : sql.raw("true");
  const rowsSql = sql`(select coalesce(json_agg(row_to_json(${sql.ident(r)}.*)), '[]'::json) from ${sql.ident(m)} as ${sql.ident(r)})`;
  let root: Sql;
  if (shape.kind === "rows") root = sql.raw("null::json");
  else if (shape.kind === "single") {
    const r2 = ctx.aliases.fresh();
    root = sql`(select ${rowJson(table, r2, shape.field.children, ctx)} from ${sql.ident(m)} as ${sql.ident(r2)} where ${selectPermissionFilter(table, r2, ctx)} limit 1)`;
  } else root = mutationResponseJson(table, m, shape.field, ctx, shape.extraAffected ?? 0);
  return sql`with ${sql.ident(m)} as (${dml}) select ${root} as root, ${checkSql} as check_ok, ${rowsSql} as rows`;
}

/** `{affected_rows, returning}` over the rows of relation `source` (a CTE or a row set). */
export function mutationResponseJson(table: TableInfo, source: string | Sql, field: FieldSelection, ctx: CompileContext, extraAffected: number): Sql {
  const pairs: Array<[string, Sql]> = [];
  const from = typeof source === "string" ? sql.ident(source) : source;
  for (const f of field.children) {
    if (f.name === "affected_rows") pairs.push([f.key, sql`((select count(*) from ${from} as "_c") + ${sql.raw(String(extraAffected))})::int`]);
    else if (f.name === "returning") {
      const r = ctx.aliases.fresh();
      // Returned rows are what the role may select: the select permission's filter applies (as to any read).
      pairs.push([
        f.key,
        sql`(select coalesce(json_agg(${rowJson(table, r, f.children, ctx)}), '[]'::json) from ${from} as ${sql.ident(r)} where ${selectPermissionFilter(table, r, ctx)})`,
      ]);
    }
  }
  return jsonObject(pairs);
}

const JSONB_OPS = ["_append", "_prepend", "_delete_key", "_delete_elem", "_delete_at_path"] as const;
const UPDATE_OPERATORS = ["_set", "_inc", ...JSONB_OPS] as const;

/** The `set` list of an update from `_set`, `_inc` and the jsonb operators, plus presets (contract 5.1). */
export function updateAssignments(table: TableInfo, alias: string, args: Record<string, unknown>, ctx: CompileContext): Sql[] {
  const sets = new Map<string, Sql>();
  const column = (key: string): ColumnInfo => {
    const c = table.columns.find((x) => x.gqlName === key);
    if (!c) throw new HasuraError("validation-failed", `column "${key}" not found`);
    return c;
  };
  const current = (c: ColumnInfo): Sql => sets.get(c.name) ?? sql`${sql.ident(alias, c.name)}`;
  if (isRecord(args._set)) for (const [k, v] of Object.entries(args._set)) sets.set(column(k).name, castValue(v, column(k)));
  if (isRecord(args._inc)) for (const [k, v] of Object.entries(args._inc)) {
    const c = column(k);
    sets.set(c.name, sql`${current(c)} + ${castValue(v, c)}`);
  }
  for (const op of JSONB_OPS) {
    const value = args[op];
    if (!isRecord(value)) continue;
    for (const [k, v] of Object.entries(value)) {
      const c = column(k);
      const cur = current(c);
      switch (op) {
        case "_append":
          sets.set(c.name, sql`${cur} || ${encodeValue(v, c)}::jsonb`);
          break;
        case "_prepend":
          sets.set(c.name, sql`${encodeValue(v, c)}::jsonb || ${cur}`);
          break;
        case "_delete_key":
          sets.set(c.name, sql`${cur} - ${v}::text`);
          break;
        case "_delete_elem":
          sets.set(c.name, sql`${cur} - ${v}::int`);
          break;
        case "_delete_at_path":
          sets.set(c.name, sql`${cur} #- ${v}::text[]`);
          break;
        default: {
          const never: never = op;
          throw new Error(`[engine/compile] unknown jsonb operator ${String(never)}`);
        }
      }
    }
  }
  const perm = roleView(table, ctx.role).update;
  for (const [name, value] of presetValues(table, perm?.set ?? {}, ctx)) sets.set(name, value);
  return [...sets].map(([name, value]) => sql`${sql.ident(name)} = ${value}`);
}

/** `update t as a set ... where <where> and <update filter> returning a.*`, or null when nothing is set. */
export function updateSql(table: TableInfo, alias: string, args: Record<string, unknown>, condition: Sql, ctx: CompileContext): Sql | null {
  const perm = roleView(table, ctx.role).update;
  if (!perm) throw new HasuraError("permission-error", `no update permission on "${table.name}"`);
  const sets = updateAssignments(table, alias, args, ctx);
  const where = sqlAnd([condition, compilePermission(table, alias, perm.filter, ctx)]);
  if (sets.length === 0) {
    // No operator argument at all is an error; operators given but empty (`_set: {}`) change
    // nothing, and the matching rows are locked and returned as an update of no column would.
    if (!UPDATE_OPERATORS.some((op) => args[op] !== undefined && args[op] !== null)) return null;
    return sql`select ${sql.ident(alias)}.* from ${sql.ident(table.schema, table.name)} as ${sql.ident(alias)} where ${where} for update`;
  }
  return sql`update ${sql.ident(table.schema, table.name)} as ${sql.ident(alias)} set ${sql.join(sets, ", ")} where ${where} returning ${sql.ident(alias)}.*`;
}

export function deleteSql(table: TableInfo, alias: string, condition: Sql, ctx: CompileContext): Sql {
  const perm = roleView(table, ctx.role).delete;
  if (!perm) throw new HasuraError("permission-error", `no delete permission on "${table.name}"`);
  const where = sqlAnd([condition, compilePermission(table, alias, perm.filter, ctx)]);
  return sql`delete from ${sql.ident(table.schema, table.name)} as ${sql.ident(alias)} where ${where} returning ${sql.ident(alias)}.*`;
}

export { pkCondition };
