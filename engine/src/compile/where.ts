/**
 * Boolean expressions to SQL: the GraphQL `where` argument (keys are GraphQL
 * names, values already coerced) and permission rules from metadata (keys are
 * column names, values may name session variables, plus `_exists` and column
 * comparisons). Semantics: Hasura contract 5.3 and 6.2; docs:
 * api-reference/graphql-api/query (BoolExp), syntax-defs (BoolExp, ColumnExp).
 */
import { sql, sqlAnd, sqlOr, SQL_TRUE, SQL_FALSE, type Sql, type AliasGenerator } from "./sql";
import type { ColumnInfo, RelationshipInfo, TableInfo, TableModel } from "../schema/model";
import { computedFieldColumn, getTable } from "../schema/model";
import { functionCall } from "./functions";
import { HasuraError } from "../errors";
import type { SessionVariables } from "../extensions";
import { isSessionVariableName, sessionArray, sessionValue } from "../permissions/session";
import { roleView, type RoleOptions } from "../permissions/role-view";

export interface BoolContext {
  model: TableModel;
  session: SessionVariables;
  aliases: AliasGenerator;
  role: RoleOptions;
}

type Mode = "where" | "permission";

/** An error inside a `where` value, with the path below the argument; compileWhere makes it absolute. */
class WherePathError extends HasuraError {
  constructor(
    message: string,
    readonly segments: string[],
  ) {
    super("validation-failed", message);
  }
}

const COMPARE: Record<string, string> = {
  _eq: "=",
  _neq: "<>",
  _gt: ">",
  _lt: "<",
  _gte: ">=",
  _lte: "<=",
  _like: "like",
  _nlike: "not like",
  _ilike: "ilike",
  _nilike: "not ilike",
  _similar: "similar to",
  _nsimilar: "not similar to",
  _regex: "~",
  _nregex: "!~",
  _iregex: "~*",
  _niregex: "!~*",
  _contains: "@>",
  _contained_in: "<@",
};
const COLUMN_COMPARE: Record<string, string> = { _ceq: "=", _cne: "<>", _cneq: "<>", _cgt: ">", _clt: "<", _cgte: ">=", _clte: "<=" };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Metadata may spell operators with `$` instead of `_` (syntax-defs BoolExp). */
function normalizeOp(key: string): string {
  return key.startsWith("$") ? `_${key.slice(1)}` : key;
}

/** Compiles the role's select permission filter of `table` for rows aliased `alias`; true for admin. */
export function selectPermissionFilter(table: TableInfo, alias: string, ctx: BoolContext): Sql {
  const perm = roleView(table, ctx.role).select;
  if (!perm) throw new HasuraError("permission-error", `no select permission on "${table.name}"`);
  return compilePermission(table, alias, perm.filter, ctx);
}

export function compilePermission(table: TableInfo, alias: string, exp: Record<string, unknown>, ctx: BoolContext): Sql {
  return compileBool(table, alias, exp, ctx, "permission", alias);
}

/**
 * Compiles a GraphQL `where` value. `path` is the argument's JSON path
 * (`$.selectionSet.f.args.where`) so errors point where Hasura points.
 */
export function compileWhere(table: TableInfo, alias: string, exp: Record<string, unknown> | null | undefined, ctx: BoolContext, path = "$"): Sql {
  if (!exp) return SQL_TRUE;
  try {
    return compileBool(table, alias, exp, ctx, "where", alias);
  } catch (err: unknown) {
    if (err instanceof WherePathError) throw new HasuraError(err.code, err.message, [path, ...err.segments].join("."));
    throw err;
  }
}

/** Runs `fn`, prefixing the path of a WherePathError with `segment`. */
function under<T>(segment: string, fn: () => T): T {
  try {
    return fn();
  } catch (err: unknown) {
    if (err instanceof WherePathError) throw new WherePathError(err.message, [segment, ...err.segments]);
    throw err;
  }
}

function compileBool(table: TableInfo, alias: string, exp: Record<string, unknown>, ctx: BoolContext, mode: Mode, rootAlias: string): Sql {
  const parts: Sql[] = [];
  for (const [rawKey, value] of Object.entries(exp)) {
    under(rawKey, () => compileKey(rawKey, value));
  }
  return sqlAnd(parts);

  function compileKey(rawKey: string, value: unknown): void {
    const key = mode === "permission" ? normalizeOp(rawKey) : rawKey;
    if (key === "_and" || key === "_or") {
      // An object given where a list is expected is one element (contract 5.3).
      const items = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
      const compiled = items.filter(isRecord).map((item) => compileBool(table, alias, item, ctx, mode, rootAlias));
      parts.push(key === "_and" ? sqlAnd(compiled) : compiled.length === 0 ? SQL_TRUE : sqlOr(compiled));
      return;
    }
    if (key === "_not") {
      if (isRecord(value)) parts.push(sql`not (${compileBool(table, alias, value, ctx, mode, rootAlias)})`);
      return;
    }
    if (key === "_exists" && mode === "permission") {
      parts.push(compileExists(value, ctx, rootAlias));
      return;
    }
    const column = mode === "where" ? table.columns.find((c) => c.gqlName === key) : table.columns.find((c) => c.name === key);
    if (column) {
      const colSql = sql`${sql.ident(alias, column.name)}`;
      // In permissions a scalar (or session variable) stands for `_eq` (contract 6.2).
      const ops = mode === "permission" && !isRecord(value) ? { _eq: value } : value;
      if (!isRecord(ops)) throw new HasuraError("validation-failed", `expected an object for column "${key}"`);
      parts.push(compileComparison(colSql, column, ops, ctx, mode, table, alias, rootAlias));
      return;
    }
    const cf = table.computedFields.find((c) => c.name === key);
    if (cf) {
      // Computed fields without client arguments filter like columns (scalar) or like array relationships (SETOF table);
      // docs: queries/postgres/filters/using-computed-fields.
      const call = functionCall({ schema: cf.function.schema, name: cf.function.name, args: cf.args, rowAlias: alias, clientArgs: undefined, session: ctx.session, path: "$" });
      if (cf.returns.kind === "scalar") {
        const ops = mode === "permission" && !isRecord(value) ? { _eq: value } : value;
        if (!isRecord(ops)) throw new HasuraError("validation-failed", `expected an object for computed field "${key}"`);
        parts.push(compileComparison(call, computedFieldColumn(cf), ops, ctx, mode, table, alias, rootAlias));
      } else if (isRecord(value)) {
        const remote = getTable(ctx.model, cf.returns.table);
        const r = ctx.aliases.fresh();
        const perm = mode === "where" ? selectPermissionFilter(remote, r, ctx) : SQL_TRUE;
        const nested = compileBool(remote, r, value, ctx, mode, rootAlias);
        parts.push(sql`exists (select 1 from ${call} as ${sql.ident(r)} where ${sqlAnd([perm, nested])})`);
      }
      return;
    }
    const rel = table.relationships.find((r) => r.name === key);
    if (rel) {
      if (!isRecord(value)) return;
      parts.push(compileRelationship(table, alias, rel, value, ctx, mode, rootAlias));
      return;
    }
    if (mode === "where" && key.endsWith("_aggregate")) {
      const aggRel = table.relationships.find((r) => r.kind === "array" && `${r.name}_aggregate` === key);
      if (aggRel && isRecord(value)) {
        parts.push(compileAggregatePredicate(table, alias, aggRel, value, ctx));
        return;
      }
    }
    throw new WherePathError(`field '${key}' not found in type: '${table.gqlName}_bool_exp'`, []);
  }
}

/** `exists (select 1 from remote where join [and remote select permission] and nested)`. */
function compileRelationship(table: TableInfo, alias: string, rel: RelationshipInfo, exp: Record<string, unknown>, ctx: BoolContext, mode: Mode, rootAlias: string): Sql {
  const remote = getTable(ctx.model, rel.remote);
  const r = ctx.aliases.fresh();
  const join = relationshipJoin(alias, r, rel);
  // GraphQL filters see only rows the role may select; permission rules run as admin (contract 6.1).
  const perm = mode === "where" ? selectPermissionFilter(remote, r, ctx) : SQL_TRUE;
  const nested = compileBool(remote, r, exp, ctx, mode, rootAlias);
  return sql`exists (select 1 from ${sql.ident(remote.schema, remote.name)} as ${sql.ident(r)} where ${sqlAnd([join, perm, nested])})`;
}

/** Join condition between the parent alias and the remote alias of a relationship. */
export function relationshipJoin(parentAlias: string, remoteAlias: string, rel: RelationshipInfo): Sql {
  return sqlAnd(rel.mapping.map(([local, remote]) => sql`${sql.ident(parentAlias, local)} = ${sql.ident(remoteAlias, remote)}`));
}

function compileAggregatePredicate(table: TableInfo, alias: string, rel: RelationshipInfo, exp: Record<string, unknown>, ctx: BoolContext): Sql {
  const remote = getTable(ctx.model, rel.remote);
  const parts: Sql[] = [];
  const count = exp.count;
  if (isRecord(count)) {
    const r = ctx.aliases.fresh();
    const args = Array.isArray(count.arguments) ? (count.arguments as string[]) : [];
    const distinct = count.distinct === true;
    const counted =
      args.length === 0
        ? sql.raw("count(*)")
        : sql`count(${distinct ? sql.raw("distinct ") : sql.raw("")}(${sql.join(args.map((c) => sql.ident(r, c)), ", ")}))`;
    const filter = isRecord(count.filter) ? compileWhere(remote, r, count.filter, ctx) : SQL_TRUE;
    const sub = sql`(select ${counted} from ${sql.ident(remote.schema, remote.name)} as ${sql.ident(r)} where ${sqlAnd([
      relationshipJoin(alias, r, rel),
      selectPermissionFilter(remote, r, ctx),
      filter,
    ])})`;
    const intColumn: ColumnInfo = { ...remote.columns[0], scalar: "Int", sqlType: "integer", typeName: "int4", kind: "numeric", isArray: false };
    if (isRecord(count.predicate)) parts.push(compileComparison(sub, intColumn, count.predicate, ctx, "where", table, alias, alias));
  }
  return sqlAnd(parts);
}

function compileExists(value: unknown, ctx: BoolContext, rootAlias: string): Sql {
  if (!isRecord(value) || !isRecord(value._table) && typeof value._table !== "string")
    throw new HasuraError("validation-failed", "_exists needs _table and _where");
  const t = typeof value._table === "string" ? { schema: "public", name: value._table } : (value._table as Record<string, unknown>);
  const schema = typeof t.schema === "string" ? t.schema : "public";
  const name = String(t.name);
  const table = getTable(ctx.model, `${schema}.${name}`);
  const e = ctx.aliases.fresh();
  const where = isRecord(value._where) ? compileBool(table, e, value._where, ctx, "permission", rootAlias) : SQL_TRUE;
  return sql`exists (select 1 from ${sql.ident(table.schema, table.name)} as ${sql.ident(e)} where ${where})`;
}

/** A value for a column: a `$n` placeholder cast to the column's type. */
export function castValue(value: unknown, column: ColumnInfo): Sql {
  return sql`${encodeValue(value, column)}::${sql.raw(column.sqlType)}`;
}

/** Encodes a JS value for a parameter of the column's type (json as text, arrays as JS arrays). */
export function encodeValue(value: unknown, column: ColumnInfo): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === "json" || column.kind === "jsonb") {
    if (column.isArray && Array.isArray(value)) return value.map((v) => JSON.stringify(v));
    return JSON.stringify(value);
  }
  if (typeof value === "object" && !Array.isArray(value)) return JSON.stringify(value);
  return value;
}

function arrayType(column: ColumnInfo): Sql {
  return sql.raw(column.isArray ? column.sqlType : `${column.sqlType}[]`);
}

function compileComparison(
  expr: Sql,
  column: ColumnInfo,
  ops: Record<string, unknown>,
  ctx: BoolContext,
  mode: Mode,
  table: TableInfo,
  alias: string,
  rootAlias: string,
): Sql {
  const parts: Sql[] = [];
  const scalarValue = (v: unknown): Sql => {
    if (mode === "permission" && isSessionVariableName(v)) return castValue(sessionValue(ctx.session, v), column);
    return castValue(v, column);
  };
  /** A list parameter; `asColumn` encodes items as values of the column (json as text), else as plain text. */
  const listValue = (v: unknown, elementType: Sql, asColumn = true): Sql => {
    if (mode === "permission" && isSessionVariableName(v)) return sql`${sessionArray(ctx.session, v)}::${elementType}`;
    if (!Array.isArray(v)) throw new HasuraError("validation-failed", "expected a list");
    const items = v.map((x) => (mode === "permission" && isSessionVariableName(x) ? sessionValue(ctx.session, x) : x));
    return sql`${asColumn ? items.map((x) => encodeValue(x, { ...column, isArray: false })) : items.map(String)}::${elementType}`;
  };
  for (const [rawOp, value] of Object.entries(ops)) {
    const op = mode === "permission" ? normalizeOp(rawOp) : rawOp;
    if (value === undefined) continue;
    if (value === null) {
      // Hasura v2 rejects null comparison values unless HASURA_GRAPHQL_V1_BOOLEAN_NULL_COLLAPSE (contract 5.3).
      throw new WherePathError(`unexpected null value for type ${JSON.stringify(column.scalar)}`, [rawOp]);
    }
    if (op === "_is_null") {
      parts.push(value === true ? sql`${expr} is null` : sql`${expr} is not null`);
      continue;
    }
    if (op === "_in" || op === "_nin") {
      if (column.isArray) {
        if (!Array.isArray(value)) throw new HasuraError("validation-failed", "expected a list of arrays");
        const eqs = value.map((v) => sql`${expr} = ${scalarValue(v)}`);
        parts.push(op === "_in" ? sqlOr(eqs) : sql`not ${eqs.length ? sqlOr(eqs) : SQL_FALSE}`);
      } else {
        const list = listValue(value, arrayType(column));
        parts.push(op === "_in" ? sql`${expr} = any(${list})` : sql`${expr} <> all(${list})`);
      }
      continue;
    }
    if (op === "_has_key") {
      parts.push(sql`${expr} ? ${mode === "permission" && isSessionVariableName(value) ? sessionValue(ctx.session, value) : value}::text`);
      continue;
    }
    if (op === "_has_keys_any" || op === "_has_keys_all") {
      const list = listValue(value, sql.raw("text[]"), false);
      parts.push(op === "_has_keys_any" ? sql`${expr} ?| ${list}` : sql`${expr} ?& ${list}`);
      continue;
    }
    if (op === "_cast") {
      if (!isRecord(value)) continue;
      for (const [target, inner] of Object.entries(value)) {
        if (target !== "String" || !isRecord(inner)) throw new HasuraError("validation-failed", `cannot cast to ${target}`);
        const textColumn: ColumnInfo = { ...column, scalar: "String", sqlType: "text", typeName: "text", kind: "string", isArray: false };
        parts.push(compileComparison(sql`(${expr})::text`, textColumn, inner, ctx, mode, table, alias, rootAlias));
      }
      continue;
    }
    const columnOp = COLUMN_COMPARE[op];
    if (columnOp && mode === "permission") {
      const [targetAlias, targetName] = Array.isArray(value) && value[0] === "$" ? [rootAlias, String(value[1])] : [alias, String(value)];
      parts.push(sql`${expr} ${sql.raw(columnOp)} ${sql.ident(targetAlias, targetName)}`);
      continue;
    }
    const cmp = COMPARE[op];
    if (cmp) {
      parts.push(sql`${expr} ${sql.raw(cmp)} ${scalarValue(value)}`);
      continue;
    }
    throw new HasuraError("validation-failed", `field '${op}' not found in type: '${column.scalar}_comparison_exp'`);
  }
  return sqlAnd(parts);
}
