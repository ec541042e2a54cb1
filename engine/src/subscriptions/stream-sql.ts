/**
 * `<t>_stream(batch_size, cursor, where)` to one SQL statement (Hasura docs:
 * subscriptions/postgres/streaming; repo: server/src-lib/Hasura/GraphQL/Schema/SubscriptionStream.hs,
 * Backends/Postgres/Translate/Select/Streaming.hs, Execute/Subscription/Poll/StreamingQuery.hs).
 *
 * One batch = the visible rows (select permission + `where`) whose cursor
 * column is after the cursor (`>` for ASC, `<` for DESC), in cursor order, at
 * most `batch_size` (and the permission's `limit`). The statement also returns
 * the batch's last cursor value, which becomes the next batch's cursor; an
 * empty batch keeps the cursor. The cursor is the statement's parameter at
 * `cursorIndex`, so the same text serves every poll and every subscriber.
 */
import { compileSql, sql, sqlAnd, type CompiledSql } from "../compile/sql";
import { rowJson, type CompileContext } from "../compile/select";
import { compileWhere, encodeValue, selectPermissionFilter } from "../compile/where";
import type { FieldSelection } from "../execute/selection";
import { roleView } from "../permissions/role-view";
import type { TableInfo } from "../schema/model";
import { HasuraError } from "../errors";

export interface StreamStatement {
  compiled: CompiledSql;
  /** Index in `compiled.values` of the cursor value. */
  cursorIndex: number;
  /** The client's initial_value, encoded as a parameter. */
  initialCursor: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Marks the cursor's placeholder while compiling; never reaches Postgres. */
const CURSOR_SLOT = Symbol("stream cursor");

/** Compiles a `select_stream` root field. Throws HasuraError `validation-failed` for a cursor Hasura refuses. */
export function streamStatement(table: TableInfo, field: FieldSelection, ctx: CompileContext): StreamStatement {
  const args = field.args;
  const argPath = `${field.path}.args`;
  // `cursor: [..._stream_cursor_input]!`: null entries drop out, each initial_value column is one cursor (SubscriptionStream.hs tableStreamArguments).
  const items = (Array.isArray(args.cursor) ? args.cursor : []).filter(isRecord).flatMap((c) => {
    const initial = isRecord(c.initial_value) ? c.initial_value : {};
    return Object.entries(initial).map(([name, value]) => ({ name, value, descending: c.ordering === "DESC" }));
  });
  if (items.length === 0) throw new HasuraError("validation-failed", "one streaming column field is expected", `${argPath}.cursor`);
  if (items.length > 1) throw new HasuraError("validation-failed", "multiple column cursors are not supported yet", `${argPath}.cursor`);
  const [{ name, value, descending }] = items;
  const column = table.columns.find((c) => c.gqlName === name);
  if (!column) throw new HasuraError("validation-failed", `field '${name}' not found in type: '${table.gqlName}_stream_cursor_value_input'`, `${argPath}.cursor`);
  const batchSize = typeof args.batch_size === "number" ? args.batch_size : -1;
  if (!Number.isInteger(batchSize) || batchSize < 0) throw new HasuraError("validation-failed", "expected a non-negative integer", `${argPath}.batch_size`);
  const permLimit = roleView(table, ctx.role).select?.limit ?? null;
  const limit = permLimit === null ? batchSize : Math.min(batchSize, permLimit);

  const a = ctx.aliases.fresh();
  const key = sql.ident(a, column.name);
  const after = descending ? sql.raw("<") : sql.raw(">");
  const direction = sql.raw(descending ? "desc" : "asc");
  const lastFirst = sql.raw(descending ? "asc" : "desc");
  const statement = sql`with "__stream_cursor" as (select ${CURSOR_SLOT}::${sql.raw(column.sqlType)} as "v"), "__stream_rows" as (select ${rowJson(table, a, field.children, ctx)} as "__j", ${key} as "__k" from ${sql.ident(table.schema, table.name)} as ${sql.ident(a)} cross join "__stream_cursor" where ${sqlAnd([
    sql`${key} ${after} "__stream_cursor"."v"`,
    selectPermissionFilter(table, a, ctx),
    compileWhere(table, a, isRecord(args.where) ? args.where : null, ctx, `${argPath}.where`),
  ])} order by ${key} ${direction} limit ${sql.raw(String(limit))}) select (select coalesce(json_agg("__j" order by "__k" ${direction}), '[]'::json) from "__stream_rows")::text as "root", (select "__k"::text from "__stream_rows" order by "__k" ${lastFirst} limit 1) as "cursor"`;
  const compiled = compileSql(statement);
  const cursorIndex = compiled.values.indexOf(CURSOR_SLOT);
  if (cursorIndex < 0) throw new Error("[engine/subscriptions] stream cursor placeholder missing");
  return { compiled, cursorIndex, initialCursor: encodeValue(value, column) };
}
