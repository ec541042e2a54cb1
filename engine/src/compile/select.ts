/**
 * Queries to SQL. Every root field becomes one statement that builds its whole
 * JSON answer in Postgres (json_build_object / json_agg over correlated
 * subqueries), so nested relationships cost no extra round trips. JSON keys
 * are response keys (aliases); graphql-js later only reshapes and adds __typename.
 * Semantics: Hasura contract 5.1, 5.3, 5.4, 6.1; docs: api-reference/graphql-api/query.
 */
import { sql, sqlAnd, SQL_TRUE, type Sql, type AliasGenerator } from "./sql";
import { compileWhere, relationshipJoin, selectPermissionFilter, castValue, type BoolContext } from "./where";
import type { ColumnInfo, ComputedFieldInfo, TableInfo } from "../schema/model";
import { computedFieldColumn, getTable } from "../schema/model";
import type { TrackedFunctionInfo } from "../schema/functions";
import { functionCall } from "./functions";
import { roleView } from "../permissions/role-view";
import type { FieldSelection } from "../execute/selection";
import { HasuraError } from "../errors";
import { NUMERIC_AGGREGATES, ORDERED_AGGREGATES } from "../schema/inflection";

/** Aggregate function names allowed into SQL text (defence in depth: the schema already limits them). */
const AGGREGATE_FUNCTIONS = new Set<string>([...NUMERIC_AGGREGATES, ...ORDERED_AGGREGATES]);

function aggregateFunction(op: string): Sql {
  if (!AGGREGATE_FUNCTIONS.has(op)) throw new HasuraError("validation-failed", `unknown aggregate '${op}'`);
  return sql.raw(op);
}

export interface CompileContext extends BoolContext {
  aliases: AliasGenerator;
  /** HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES: bigint, numeric and float8 as JSON strings. */
  stringifyNumeric: boolean;
}

const STRINGIFIED = new Set(["int8", "numeric", "float8"]);
const DIRECTIONS: Record<string, string> = {
  asc: "asc nulls last",
  asc_nulls_first: "asc nulls first",
  asc_nulls_last: "asc nulls last",
  desc: "desc nulls first",
  desc_nulls_first: "desc nulls first",
  desc_nulls_last: "desc nulls last",
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `json_build_object(k1, v1, ...)`. Postgres caps a function at 100 arguments,
 * so wide selections are built as jsonb pieces and concatenated.
 */
export function jsonObject(pairs: ReadonlyArray<[string, Sql]>): Sql {
  const args = (ps: ReadonlyArray<[string, Sql]>): Sql => sql.join(ps.map(([k, v]) => sql`${sql.literal(k)}, ${v}`), ", ");
  if (pairs.length <= 50) return sql`json_build_object(${args(pairs)})`;
  const chunks: Sql[] = [];
  for (let i = 0; i < pairs.length; i += 50) chunks.push(sql`jsonb_build_object(${args(pairs.slice(i, i + 50))})`);
  return sql`(${sql.join(chunks, " || ")})::json`;
}

/** Output expression of a column, honouring `path` on json columns and numeric stringification. */
function columnExpr(alias: string, column: ColumnInfo, args: Record<string, unknown>, ctx: CompileContext, value?: Sql): Sql {
  const ref = value ?? sql.ident(alias, column.name);
  if ((column.kind === "json" || column.kind === "jsonb") && typeof args.path === "string") {
    return sql`${ref} #> ${parseJsonPath(args.path)}::text[]`;
  }
  if (ctx.stringifyNumeric && STRINGIFIED.has(column.typeName)) {
    return column.isArray ? sql`${ref}::text[]` : sql`${ref}::text`;
  }
  return ref;
}

/** Hasura's JSON select path (`$.a.b[0]`, `a.b`, `["a"]`) as a Postgres text[] path. */
export function parseJsonPath(path: string): string[] {
  let rest = path.trim();
  if (rest.startsWith("$")) rest = rest.slice(1);
  const out: string[] = [];
  const re = /^(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['((?:[^'\\]|\\.)*)'\])/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) throw new HasuraError("validation-failed", `parse json path error: ${path}`, "$.args.path");
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** The JSON object of one row of `table` (aliased `alias`) for the selection `fields`. */
export function rowJson(table: TableInfo, alias: string, fields: readonly FieldSelection[], ctx: CompileContext): Sql {
  const pairs: Array<[string, Sql]> = [];
  for (const f of fields) {
    if (f.name === "__typename") continue;
    const column = table.columns.find((c) => c.gqlName === f.name);
    if (column) {
      pairs.push([f.key, columnExpr(alias, column, f.args, ctx)]);
      continue;
    }
    const rel = table.relationships.find((r) => r.name === f.name);
    if (rel) {
      const remote = getTable(ctx.model, rel.remote);
      if (rel.kind === "object") {
        const r = ctx.aliases.fresh();
        pairs.push([
          f.key,
          sql`(select ${rowJson(remote, r, f.children, ctx)} from ${sql.ident(remote.schema, remote.name)} as ${sql.ident(r)} where ${sqlAnd([
            relationshipJoin(alias, r, rel),
            selectPermissionFilter(remote, r, ctx),
          ])} limit 1)`,
        ]);
      } else {
        pairs.push([f.key, sql`(${listQuery(remote, f, ctx, (r) => relationshipJoin(alias, r, rel))})`]);
      }
      continue;
    }
    const aggRel = table.relationships.find((r) => r.kind === "array" && `${r.name}_aggregate` === f.name);
    if (aggRel) {
      const remote = getTable(ctx.model, aggRel.remote);
      pairs.push([f.key, sql`(${aggregateQuery(remote, f, ctx, (r) => relationshipJoin(alias, r, aggRel))})`]);
      continue;
    }
    const cf = table.computedFields.find((c) => c.name === f.name);
    if (cf) {
      const call = computedFieldCall(cf, alias, f.args.args, ctx, `${f.path}.args.args`);
      if (cf.returns.kind === "scalar") {
        pairs.push([f.key, sql`(${columnExpr(alias, computedFieldColumn(cf), f.args, ctx, call)})`]);
      } else {
        // Rows of a set-returning computed field obey the returned table's select permission (Schema/Select.hs computedFieldPG).
        const remote = getTable(ctx.model, cf.returns.table);
        pairs.push([f.key, sql`(${listQuery(remote, f, ctx, null, call)})`]);
      }
      continue;
    }
    throw new HasuraError("validation-failed", `field '${f.name}' not found in type: '${table.gqlName}'`);
  }
  return jsonObject(pairs);
}

interface RowSource {
  /** `from <table> as <alias> where ... order by ... limit ... offset ...` plus the keys projected. */
  alias: string;
  from: Sql;
  where: Sql;
  distinct: Sql;
  orderKeys: Sql[];
  orderDirs: string[];
  limit: number | null;
  offset: number | null;
}

/** Shared by list, aggregate and relationship fields: filters, permission, order, limits. */
/** `fn(row, args...)` of a computed field on the row aliased `alias`. */
export function computedFieldCall(cf: ComputedFieldInfo, alias: string, clientArgs: unknown, ctx: CompileContext, path: string): Sql {
  return functionCall({ schema: cf.function.schema, name: cf.function.name, args: cf.args, rowAlias: alias, clientArgs, session: ctx.session, path });
}

/**
 * `source`, when given, replaces the table as the FROM item (a function call
 * returning rows of `table`); filters, permissions, order and limits apply alike.
 */
function rowSource(table: TableInfo, field: FieldSelection, ctx: CompileContext, join: ((alias: string) => Sql) | null, source?: Sql): RowSource {
  const alias = ctx.aliases.fresh();
  const args = field.args;
  const perm = roleView(table, ctx.role).select;
  if (!perm) throw new HasuraError("permission-error", `no select permission on "${table.name}"`);
  const where = sqlAnd([
    join ? join(alias) : SQL_TRUE,
    selectPermissionFilter(table, alias, ctx),
    compileWhere(table, alias, isRecord(args.where) ? args.where : null, ctx, `${field.path}.args.where`),
  ]);
  const orderKeys: Sql[] = [];
  const orderDirs: string[] = [];
  const orderColumns: Array<string | null> = [];
  const orderBy = Array.isArray(args.order_by) ? args.order_by : isRecord(args.order_by) ? [args.order_by] : [];
  for (const item of orderBy) {
    if (!isRecord(item)) continue;
    collectOrderBy(table, alias, item, ctx, orderKeys, orderDirs, orderColumns);
  }
  let distinct = sql.raw("");
  const distinctOn = Array.isArray(args.distinct_on) ? (args.distinct_on as string[]) : [];
  if (distinctOn.length > 0) {
    // "distinct_on" columns must match initial "order_by" columns (contract 5.4).
    if (orderColumns.length > 0) {
      const prefix = orderColumns.slice(0, distinctOn.length);
      const ok = prefix.length === distinctOn.length && distinctOn.every((c) => prefix.includes(c));
      if (!ok) throw new HasuraError("validation-failed", '"distinct_on" columns must match initial "order_by" columns', `${field.path}.args`);
    }
    distinct = sql`distinct on (${sql.join(distinctOn.map((c) => sql.ident(alias, c)), ", ")}) `;
  }
  let limit = typeof args.limit === "number" ? args.limit : null;
  if (perm.limit !== null) limit = limit === null ? perm.limit : Math.min(limit, perm.limit);
  const offset = typeof args.offset === "number" ? args.offset : null;
  return { alias, from: sql`${source ?? sql.ident(table.schema, table.name)} as ${sql.ident(alias)}`, where, distinct, orderKeys, orderDirs, limit, offset };
}

function collectOrderBy(
  table: TableInfo,
  alias: string,
  item: Record<string, unknown>,
  ctx: CompileContext,
  keys: Sql[],
  dirs: string[],
  columns: Array<string | null>,
): void {
  for (const [name, value] of Object.entries(item)) {
    if (value === null || value === undefined) continue;
    const column = table.columns.find((c) => c.gqlName === name);
    if (column && typeof value === "string") {
      keys.push(sql`${sql.ident(alias, column.name)}`);
      dirs.push(DIRECTIONS[value]);
      columns.push(column.name);
      continue;
    }
    const cf = table.computedFields.find((c) => c.name === name && c.returns.kind === "scalar");
    if (cf && typeof value === "string") {
      keys.push(computedFieldCall(cf, alias, undefined, ctx, "$"));
      dirs.push(DIRECTIONS[value]);
      columns.push(null);
      continue;
    }
    const rel = table.relationships.find((r) => r.name === name && r.kind === "object");
    if (rel && isRecord(value)) {
      const remote = getTable(ctx.model, rel.remote);
      const r = ctx.aliases.fresh();
      const nestedKeys: Sql[] = [];
      const nestedDirs: string[] = [];
      collectOrderBy(remote, r, value, ctx, nestedKeys, nestedDirs, []);
      nestedKeys.forEach((k, i) => {
        keys.push(
          sql`(select ${k} from ${sql.ident(remote.schema, remote.name)} as ${sql.ident(r)} where ${sqlAnd([
            relationshipJoin(alias, r, rel),
            selectPermissionFilter(remote, r, ctx),
          ])} limit 1)`,
        );
        dirs.push(nestedDirs[i]);
        columns.push(null);
      });
      continue;
    }
    const aggRel = table.relationships.find((r) => r.kind === "array" && `${r.name}_aggregate` === name);
    if (aggRel && isRecord(value)) {
      const remote = getTable(ctx.model, aggRel.remote);
      for (const [op, spec] of Object.entries(value)) {
        const r = ctx.aliases.fresh();
        const from = sql`from ${sql.ident(remote.schema, remote.name)} as ${sql.ident(r)} where ${sqlAnd([
          relationshipJoin(alias, r, aggRel),
          selectPermissionFilter(remote, r, ctx),
        ])}`;
        if (op === "count" && typeof spec === "string") {
          keys.push(sql`(select count(*) ${from})`);
          dirs.push(DIRECTIONS[spec]);
          columns.push(null);
        } else if (isRecord(spec)) {
          for (const [colName, dir] of Object.entries(spec)) {
            const c = remote.columns.find((x) => x.gqlName === colName);
            if (!c || typeof dir !== "string") continue;
            keys.push(sql`(select ${aggregateFunction(op)}(${sql.ident(r, c.name)}) ${from})`);
            dirs.push(DIRECTIONS[dir]);
            columns.push(null);
          }
        }
      }
      continue;
    }
    throw new HasuraError("validation-failed", `field '${name}' not found in type: '${table.gqlName}_order_by'`);
  }
}

/**
 * `select ... from (<rows with __j and order keys>) s`. `project` lists extra
 * columns of the inner select; the caller aggregates over `s`.
 */
function innerSelect(src: RowSource, projections: Sql[]): Sql {
  const keys = src.orderKeys.map((k, i) => sql`${k} as ${sql.ident(`__o${i}`)}`);
  const order =
    src.orderKeys.length > 0 ? sql` order by ${sql.join(src.orderKeys.map((_, i) => sql`${sql.ident(`__o${i}`)} ${sql.raw(src.orderDirs[i])}`), ", ")}` : sql.raw("");
  const limit = src.limit !== null ? sql` limit ${sql.raw(String(Math.max(0, Math.trunc(src.limit))))}` : sql.raw("");
  const offset = src.offset !== null ? sql` offset ${sql.raw(String(Math.max(0, Math.trunc(src.offset))))}` : sql.raw("");
  const cols = [...projections, ...keys];
  return sql`select ${src.distinct}${cols.length > 0 ? sql.join(cols, ", ") : sql.raw("1")} from ${src.from} where ${src.where}${order}${limit}${offset}`;
}

function aggOrder(src: RowSource, s: string): Sql {
  if (src.orderKeys.length === 0) return sql.raw("");
  return sql` order by ${sql.join(src.orderKeys.map((_, i) => sql`${sql.ident(s, `__o${i}`)} ${sql.raw(src.orderDirs[i])}`), ", ")}`;
}

/** `coalesce(json_agg(row order by keys), '[]')` of a list field (root or array relationship). */
export function listQuery(table: TableInfo, field: FieldSelection, ctx: CompileContext, join: ((alias: string) => Sql) | null, source?: Sql): Sql {
  const src = rowSource(table, field, ctx, join, source);
  const s = ctx.aliases.fresh("_s");
  const inner = innerSelect(src, [sql`${rowJson(table, src.alias, field.children, ctx)} as "__j"`]);
  return sql`select coalesce(json_agg(${sql.ident(s, "__j")}${aggOrder(src, s)}), '[]'::json) from (${inner}) as ${sql.ident(s)}`;
}

/** The `<t>_aggregate` object: aggregate functions and nodes over the same filtered, limited rows. */
export function aggregateQuery(table: TableInfo, field: FieldSelection, ctx: CompileContext, join: ((alias: string) => Sql) | null, source?: Sql): Sql {
  const src = rowSource(table, field, ctx, join, source);
  const s = ctx.aliases.fresh("_s");
  const projections: Sql[] = [sql`${sql.ident(src.alias)}.*`];
  const pairs: Array<[string, Sql]> = [];
  let nodeIndex = 0;
  for (const f of field.children) {
    if (f.name === "__typename") continue;
    if (f.name === "nodes") {
      const col = `__j${nodeIndex++}`;
      projections.push(sql`${rowJson(table, src.alias, f.children, ctx)} as ${sql.ident(col)}`);
      pairs.push([f.key, sql`coalesce(json_agg(${sql.ident(s, col)}${aggOrder(src, s)}), '[]'::json)`]);
    } else if (f.name === "aggregate") {
      pairs.push([f.key, aggregateFieldsJson(table, s, f.children, ctx)]);
    }
  }
  return sql`select ${jsonObject(pairs)} from (${innerSelect(src, projections)}) as ${sql.ident(s)}`;
}

function aggregateFieldsJson(table: TableInfo, s: string, fields: readonly FieldSelection[], ctx: CompileContext): Sql {
  const pairs: Array<[string, Sql]> = [];
  for (const f of fields) {
    if (f.name === "__typename") continue;
    if (f.name === "count") {
      const cols = Array.isArray(f.args.columns) ? (f.args.columns as string[]) : [];
      const distinct = f.args.distinct === true ? sql.raw("distinct ") : sql.raw("");
      // Without columns every row counts once, distinct or not (rows of a table with a key are distinct).
      if (cols.length === 0) pairs.push([f.key, sql.raw("count(*)")]);
      else if (cols.length === 1) pairs.push([f.key, sql`count(${distinct}${sql.ident(s, cols[0])})`]);
      else
        pairs.push([
          f.key,
          sql`count(${distinct}row(${sql.join(cols.map((c) => sql.ident(s, c)), ", ")})) filter (where ${sql.join(cols.map((c) => sql`${sql.ident(s, c)} is not null`), " and ")})`,
        ]);
      continue;
    }
    const op = f.name;
    const colPairs: Array<[string, Sql]> = [];
    for (const c of f.children) {
      if (c.name === "__typename") continue;
      const column = table.columns.find((x) => x.gqlName === c.name);
      if (!column) throw new HasuraError("validation-failed", `field '${c.name}' not found in type: '${table.gqlName}_${op}_fields'`);
      const agg = sql`${aggregateFunction(op)}(${sql.ident(s, column.name)})`;
      const numericOut = ctx.stringifyNumeric && (op === "sum" || op === "max" || op === "min") && STRINGIFIED.has(column.typeName);
      colPairs.push([c.key, numericOut ? sql`${agg}::text` : agg]);
    }
    pairs.push([f.key, jsonObject(colPairs)]);
  }
  return jsonObject(pairs);
}

/** `<t>_by_pk(pk...)`: the row's JSON or null. */
export function byPkQuery(table: TableInfo, field: FieldSelection, ctx: CompileContext): Sql {
  const alias = ctx.aliases.fresh();
  const pkMatch = pkCondition(table, alias, field.args);
  return sql`select ${rowJson(table, alias, field.children, ctx)} from ${sql.ident(table.schema, table.name)} as ${sql.ident(alias)} where ${sqlAnd([
    pkMatch,
    selectPermissionFilter(table, alias, ctx),
  ])}`;
}

/** `pk1 = $1 and pk2 = $2` from arguments keyed by the PK columns' GraphQL names. */
export function pkCondition(table: TableInfo, alias: string, args: Record<string, unknown>): Sql {
  return sqlAnd(
    (table.primaryKey ?? []).map((name) => {
      const column = table.columns.find((c) => c.name === name) as ColumnInfo;
      return sql`${sql.ident(alias, name)} = ${castValue(args[column.gqlName], column)}`;
    }),
  );
}

/**
 * A tracked function's root field (`<fn>` or `<fn>_aggregate`): the function
 * call is the FROM item, the returned table's select permission filters its
 * rows (docs: schema/postgres/custom-functions, "permissions").
 */
export function functionRootQuery(fn: TrackedFunctionInfo, aggregate: boolean, field: FieldSelection, ctx: CompileContext): Sql {
  const table = getTable(ctx.model, fn.returnTable);
  const call = functionCall({ schema: fn.schema, name: fn.name, args: fn.args, rowAlias: null, clientArgs: field.args.args, session: ctx.session, path: `${field.path}.args.args` });
  if (aggregate) return aggregateQuery(table, field, ctx, null, call);
  if (fn.returnsSet) return listQuery(table, field, ctx, null, call);
  // A function returning one row (not SETOF) answers that row or null; Postgres gives an all-null row when the function found none.
  return sql`(${listQuery(table, field, ctx, (alias) => sql`not (${sql.ident(alias)} is null)`, call)}) -> 0`;
}

/** Wraps a root query so that it returns one row with one json column `root`. */
export function rootStatement(body: Sql): Sql {
  return sql`select (${body}) as root`;
}
