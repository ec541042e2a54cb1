/**
 * Runs one GraphQL request for one session (Hasura contract 5.4, 6.4):
 * parse and validate against the role's schema (graphql-js), compile each root
 * field to one SQL statement, run queries on the pool and all mutation fields of
 * the request in one transaction in document order (with `hasura.user` set, as
 * Hasura does), then let graphql-js shape the answer (aliases, __typename,
 * introspection) from the JSON Postgres built.
 */
import {
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { collectFields } from "graphql/execution/collectFields";
import { getVariableValues } from "graphql/execution/values";
import type { Pool, PoolClient } from "pg";
import { AliasGenerator, compileSql, sql, type Sql } from "../compile/sql";
import { aggregateQuery, byPkQuery, functionRootQuery, listQuery, rootStatement, rowJson, type CompileContext } from "../compile/select";
import {
  deleteSql,
  insertRowFromInput,
  insertSql,
  mutationResponseJson,
  pkCondition,
  updateSql,
  wrapMutation,
} from "../compile/mutation";
import { castValue, compileWhere, selectPermissionFilter } from "../compile/where";
import { getTable, type TableInfo, type TableModel } from "../schema/model";
import type { RootFieldInfo } from "../schema/build";
import { roleView, ADMIN_ROLE } from "../permissions/role-view";
import { graphqlErrorBody, HasuraError, isHasuraError, type GraphqlErrorBody } from "../errors";
import type { RequestSession } from "../extensions";
import { selectionOf, type FieldSelection, type SelectionEnv } from "./selection";
import { fromDatabaseError, fromValidationError } from "./errors";
import { preparedName, RAW_JSON_TYPES } from "./statements";

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export type GraphqlResponse = { data: unknown } | GraphqlErrorBody;

export interface ExecutorDeps {
  pool: Pool;
  model: TableModel;
  /** The schema of a role (cached by the caller). */
  schemaFor(role: string, backendOnly: boolean): GraphQLSchema;
  stringifyNumeric: boolean;
}

export interface ExecSession extends RequestSession {
  /** Admin secret + `x-hasura-use-backend-only-permissions: true`. */
  backendOnly: boolean;
}

/**
 * Executes a request. Always resolves: failures come back as Hasura's error
 * body; errors that are not HasuraErrors (our bugs) are rethrown for the HTTP
 * layer to mask with an error id.
 */
export async function executeGraphql(deps: ExecutorDeps, session: ExecSession, request: GraphqlRequest): Promise<GraphqlResponse> {
  try {
    return await run(deps, session, request, false);
  } catch (err: unknown) {
    if (isHasuraError(err)) return graphqlErrorBody(err);
    throw err;
  }
}

/**
 * Like executeGraphql, but answers with the response's JSON text. Queries
 * whose every root field is a table field compiled to SQL (no __typename, no
 * introspection, no action or other extension field) take the fast path: the
 * JSON each statement built in Postgres is spliced into the response as text,
 * skipping JSON.parse, graphql-js' result walk and JSON.stringify. Keys are
 * response keys and nothing else needs reshaping, so the bytes are the same
 * as the slow path's, except that numbers keep Postgres' own rendering (as
 * Hasura sends them).
 */
export async function executeGraphqlText(deps: ExecutorDeps, session: ExecSession, request: GraphqlRequest): Promise<string> {
  try {
    const out = await run(deps, session, request, true);
    return out instanceof RawResponse ? out.text : JSON.stringify(out);
  } catch (err: unknown) {
    if (isHasuraError(err)) return JSON.stringify(graphqlErrorBody(err));
    throw err;
  }
}

/** A response already serialized (the fast path of executeGraphqlText). */
class RawResponse {
  constructor(readonly text: string) {}
}

const TABLE_QUERY_KINDS = new Set<string>(["select", "select_aggregate", "select_by_pk", "function", "function_aggregate"]);

function mentionsTypename(field: FieldSelection): boolean {
  return field.children.some((c) => c.name === "__typename" || mentionsTypename(c));
}

/** Parsed and validated documents per role schema (services send the same few operations again and again). */
const documentCache = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();
const DOCUMENT_CACHE_SIZE = 500;

/** Parses and validates `query` against `schema`; throws HasuraError `validation-failed` like Hasura. */
function validDocument(schema: GraphQLSchema, query: string): DocumentNode {
  let cache = documentCache.get(schema);
  const hit = cache?.get(query);
  if (hit) return hit;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    throw new HasuraError("validation-failed", "not a valid graphql query", "$.query");
  }
  // graphql-js leaves a mutation against a schema without mutation_root to execution; Hasura rejects it up front (contract 6.3).
  if (document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === "mutation") && !schema.getMutationType()) {
    throw new HasuraError("validation-failed", "no mutations exist", "$");
  }
  const errors = validate(schema, document);
  if (errors.length > 0) throw fromValidationError(document, errors[0]);
  if (!cache) {
    cache = new Map();
    documentCache.set(schema, cache);
  }
  if (cache.size >= DOCUMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(query, document);
  return document;
}

/** The operation `operationName` names, or the document's only one; Hasura's validation-failed otherwise (HTTP and WebSocket alike). */
export function chooseOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (chosen) return chosen;
  throw new HasuraError(
    "validation-failed",
    operationName ? `no such operation found in the document: "${operationName}"` : "exactly one operation has to be present in the document when operationName is not specified",
  );
}

/**
 * What compiling one operation of `session` needs: coerced variables and the
 * document's fragments (`env`) and a fresh compile context. Throws Hasura's
 * validation-failed for variables that do not coerce.
 */
export function operationScope(
  deps: Pick<ExecutorDeps, "model" | "stringifyNumeric">,
  session: ExecSession,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): { env: SelectionEnv; ctx: CompileContext } {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) throw new HasuraError("validation-failed", coerced.errors[0].message.replace(/^Variable "\$([^"]+)"/, "variable '$1'"), "$.variables");
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const ctx: CompileContext = {
    model: deps.model,
    session: session.variables,
    aliases: new AliasGenerator(),
    role: { role: session.role, backendOnly: session.backendOnly },
    stringifyNumeric: deps.stringifyNumeric,
  };
  return { env: { schema, fragments, variables: coerced.coerced }, ctx };
}

/** With `raw` false the answer is never pre-serialized. */
function run(deps: ExecutorDeps, session: ExecSession, request: GraphqlRequest, raw: false): Promise<GraphqlResponse>;
function run(deps: ExecutorDeps, session: ExecSession, request: GraphqlRequest, raw: boolean): Promise<GraphqlResponse | RawResponse>;
async function run(deps: ExecutorDeps, session: ExecSession, request: GraphqlRequest, raw: boolean): Promise<GraphqlResponse | RawResponse> {
  const schema = deps.schemaFor(session.role, session.backendOnly);
  const document = validDocument(schema, request.query);
  const operation = chooseOperation(document, request.operationName);
  if (operation.operation === "subscription") throw new HasuraError("not-supported", "subscriptions are not supported over HTTP POST", "$");
  const { env, ctx } = operationScope(deps, session, schema, document, operation, request.variables);
  const rootType = (operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType()) as GraphQLObjectType;
  const collected = [...collectFields(schema, env.fragments, env.variables, rootType, operation.selectionSet)];
  const fields = collected
    .filter(([, nodes]) => !nodes[0].name.value.startsWith("__"))
    .map(([key, nodes]) => ({ selection: selectionOf(env, rootType, key, nodes), info: rootType.getFields()[nodes[0].name.value]?.extensions.engine }));

  const results: Record<string, unknown> = {};
  const callCtx = { session, env, query: request.query };
  if (
    raw &&
    operation.operation === "query" &&
    fields.length === collected.length &&
    fields.every(({ selection, info }) => info !== undefined && TABLE_QUERY_KINDS.has(info.kind) && !mentionsTypename(selection))
  ) {
    const texts = await Promise.all(fields.map(({ selection, info }) => runQueryField(deps.pool, selection, info, ctx, callCtx, true)));
    return new RawResponse(`{"data":{${fields.map(({ selection }, i) => `${JSON.stringify(selection.key)}:${(texts[i] as string | null) ?? "null"}`).join(",")}}}`);
  }
  if (operation.operation === "mutation") {
    await inTransaction(deps.pool, session, async (client) => {
      for (const { selection, info } of fields) results[selection.key] = await runMutationField(client, selection, info, ctx, callCtx);
    });
  } else {
    const values = await Promise.all(fields.map(({ selection, info }) => runQueryField(deps.pool, selection, info, ctx, callCtx)));
    fields.forEach(({ selection }, i) => (results[selection.key] = values[i]));
  }
  const shaped = await execute({
    schema,
    document,
    rootValue: results,
    variableValues: request.variables ?? {},
    operationName: request.operationName ?? undefined,
    fieldResolver: (source, _args, _context, info) => (source as Record<string, unknown>)[String(info.path.key)],
  });
  if (shaped.errors && shaped.errors.length > 0) {
    const first: GraphQLError = shaped.errors[0];
    throw new HasuraError("unexpected", first.message, "$");
  }
  return { data: shaped.data };
}

interface CallContext {
  session: ExecSession;
  env: SelectionEnv;
  query: string;
}

/** Runs `fn` in a transaction that first sets `hasura.user` (contract 1.2: every transaction, every time). */
export async function inTransaction<T>(pool: Pool, session: RequestSession, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('hasura.user', $1, true)", [JSON.stringify(session.variables)]);
    const out = await fn(client);
    await client.query("commit");
    return out;
  } catch (err: unknown) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function queryJson(db: Pool | PoolClient, statement: Sql, errorPath: string, raw = false): Promise<Record<string, unknown>> {
  const compiled = compileSql(statement);
  try {
    const result = await db.query<Record<string, unknown>>({
      text: compiled.text,
      values: compiled.values,
      name: preparedName(compiled.text),
      ...(raw ? { types: RAW_JSON_TYPES } : {}),
    });
    return result.rows[0] ?? {};
  } catch (err: unknown) {
    throw fromDatabaseError(err, errorPath);
  }
}

/** One query root field; with `raw`, a table field's JSON comes back as Postgres' text (or null). */
async function runQueryField(pool: Pool, field: FieldSelection, info: RootFieldInfo | undefined, ctx: CompileContext, call: CallContext, raw = false): Promise<unknown> {
  if (!info || info.kind === "placeholder") return null;
  if (info.kind === "extension") return callExtension(info, field, call);
  const table = getTable(ctx.model, info.table);
  const path = `$.selectionSet.${field.key}`;
  switch (info.kind) {
    case "select":
      return (await queryJson(pool, rootStatement(listQuery(table, field, ctx, null)), path, raw)).root;
    case "select_aggregate":
      return (await queryJson(pool, rootStatement(aggregateQuery(table, field, ctx, null)), path, raw)).root;
    case "select_by_pk":
      return (await queryJson(pool, rootStatement(byPkQuery(table, field, ctx)), path, raw)).root ?? null;
    case "function":
    case "function_aggregate":
      return (await queryJson(pool, rootStatement(functionRootQuery(info.function, info.kind === "function_aggregate", field, ctx)), path, raw)).root;
    default:
      throw new HasuraError("validation-failed", `field '${field.name}' is a mutation`, path);
  }
}

async function callExtension(info: Extract<RootFieldInfo, { kind: "extension" }>, field: FieldSelection, call: CallContext): Promise<unknown> {
  const value = await info.field.resolve({
    args: field.args,
    session: call.session,
    fieldNodes: field.nodes,
    fragments: call.env.fragments,
    variables: call.env.variables,
    query: call.query,
  });
  return rekey(value, field);
}

/** Turns a value keyed by field names (extension resolvers) into one keyed by response keys. */
export function rekey(value: unknown, field: FieldSelection): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => rekey(v, field));
  if (typeof value !== "object" || field.children.length === 0) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const child of field.children) if (child.name !== "__typename") out[child.key] = rekey(source[child.name], child);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

async function runMutationField(client: PoolClient, field: FieldSelection, info: RootFieldInfo | undefined, ctx: CompileContext, call: CallContext): Promise<unknown> {
  if (!info || info.kind === "placeholder") return null;
  if (info.kind === "extension") return callExtension(info, field, call);
  const table = getTable(ctx.model, info.table);
  const path = `$.selectionSet.${field.key}`;
  const args = field.args;
  switch (info.kind) {
    case "function":
      // A VOLATILE function exposed as a mutation: one statement on the request's transaction.
      return (await queryJson(client, rootStatement(functionRootQuery(info.function, false, field, ctx)), path)).root;
    case "insert":
    case "insert_one": {
      const objects = info.kind === "insert" ? (args.objects as Record<string, unknown>[]) : [args.object as Record<string, unknown>];
      const argPath = `${path}.args.${info.kind === "insert" ? "objects" : "object"}`;
      const mutation = new MutationRunner(client, ctx, argPath);
      if (objects.length === 0) {
        // Nothing to insert: Hasura answers affected_rows 0 and an empty returning.
        const none = sql`(select * from ${sql.ident(table.schema, table.name)} where false)`;
        return info.kind === "insert" ? (await queryJson(client, sql`select ${mutationResponseJson(table, none, field, ctx, 0)} as root`, argPath)).root : null;
      }
      const rows = objects.map((o) => insertRowFromInput(table, o, ctx));
      // One multi-row VALUES statement, unless nested inserts or rows of only defaults (which VALUES cannot express) need one statement per row.
      const flat = !objects.some((o) => hasRelationshipKeys(table, o)) && (rows.length === 1 || rows.some((r) => r.size > 0));
      if (flat) {
        const alias = ctx.aliases.fresh();
        const check = insertCheck(table, ctx);
        const shape = info.kind === "insert" ? { kind: "response" as const, field } : { kind: "single" as const, field };
        const out = await mutation.run(wrapMutation(table, insertSql(table, alias, rows, args.on_conflict, ctx), shape, check, ctx), "Check constraint violation. insert check constraint failed");
        return out.root ?? null;
      }
      const inserted = await mutation.insertObjects(table, objects, args.on_conflict, new Map());
      const source = sql`json_populate_recordset(null::${sql.ident(table.schema, table.name)}, ${JSON.stringify(inserted.rows)}::json)`;
      if (info.kind === "insert") {
        const statement = sql`select ${mutationResponseJson(table, source, field, ctx, inserted.affected - inserted.rows.length)} as root`;
        return (await queryJson(client, statement, argPath)).root;
      }
      const r = ctx.aliases.fresh();
      return (
        await queryJson(client, sql`select (select ${rowJson(table, r, field.children, ctx)} from ${source} as ${sql.ident(r)} where ${selectPermissionFilter(table, r, ctx)} limit 1) as root`, argPath)
      ).root ?? null;
    }
    case "update":
    case "update_by_pk": {
      const alias = ctx.aliases.fresh();
      const condition = info.kind === "update" ? compileWhere(table, alias, args.where as Record<string, unknown>, ctx, `${path}.args.where`) : pkCondition(table, alias, args.pk_columns as Record<string, unknown>);
      return (await runUpdate(client, table, alias, args, condition, info.kind === "update" ? { kind: "response", field } : { kind: "single", field }, ctx)).root ?? null;
    }
    case "update_many": {
      const updates = (args.updates as Record<string, unknown>[]) ?? [];
      const out: unknown[] = [];
      for (const [i, u] of updates.entries()) {
        const alias = ctx.aliases.fresh();
        const condition = compileWhere(table, alias, u.where as Record<string, unknown>, ctx, `${path}.args.updates[${i}].where`);
        out.push((await runUpdate(client, table, alias, u, condition, { kind: "response", field }, ctx)).root);
      }
      return out;
    }
    case "delete":
    case "delete_by_pk": {
      const alias = ctx.aliases.fresh();
      const condition = info.kind === "delete" ? compileWhere(table, alias, args.where as Record<string, unknown>, ctx, `${path}.args.where`) : pkCondition(table, alias, args);
      const shape = info.kind === "delete" ? { kind: "response" as const, field } : { kind: "single" as const, field };
      const mutation = new MutationRunner(client, ctx, "$");
      return (await mutation.run(wrapMutation(table, deleteSql(table, alias, condition, ctx), shape, null, ctx), "")).root ?? null;
    }
    default:
      throw new HasuraError("validation-failed", `field '${field.name}' is not a mutation`, path);
  }
}

async function runUpdate(
  client: PoolClient,
  table: TableInfo,
  alias: string,
  args: Record<string, unknown>,
  condition: Sql,
  shape: { kind: "response"; field: FieldSelection } | { kind: "single"; field: FieldSelection },
  ctx: CompileContext,
): Promise<Record<string, unknown>> {
  const dml = updateSql(table, alias, args, condition, ctx);
  if (!dml) {
    throw new HasuraError("validation-failed", "at least any one of _set, _inc, _append, _prepend, _delete_key, _delete_elem, _delete_at_path operator is expected", "$");
  }
  const perm = roleView(table, ctx.role).update;
  const check = ctx.role.role === ADMIN_ROLE ? null : (perm?.check ?? null);
  return new MutationRunner(client, ctx, "$").run(wrapMutation(table, dml, shape, check, ctx), "Check constraint violation. insert/update check constraint failed");
}

function insertCheck(table: TableInfo, ctx: CompileContext): Record<string, unknown> | null {
  if (ctx.role.role === ADMIN_ROLE) return null;
  return roleView(table, ctx.role).insert?.check ?? null;
}

function hasRelationshipKeys(table: TableInfo, input: Record<string, unknown>): boolean {
  return Object.keys(input).some((k) => !table.columns.some((c) => c.gqlName === k) && table.relationships.some((r) => r.name === k));
}

/** Runs the statements of one mutation field on the transaction's client. */
class MutationRunner {
  constructor(
    private readonly client: PoolClient,
    private readonly ctx: CompileContext,
    private readonly path: string,
  ) {}

  async run(statement: Sql, checkMessage: string): Promise<Record<string, unknown>> {
    const row = await queryJson(this.client, statement, this.path);
    // A failed permission check fails the whole request; the transaction rolls back (contract 6.1).
    if (row.check_ok === false) throw new HasuraError("permission-error", checkMessage, checkMessage.includes("insert/update") ? "$" : this.path);
    return row;
  }

  /**
   * Nested insert (contract 5.4): object relationships inserted before the
   * parent (their key fills the parent's columns), array relationships after
   * (the parent's key fills theirs). Returns the root rows and the rows changed in total.
   */
  async insertObjects(
    table: TableInfo,
    objects: readonly Record<string, unknown>[],
    onConflict: unknown,
    fixed: Map<string, unknown>,
  ): Promise<{ rows: Record<string, unknown>[]; affected: number }> {
    const rows: Record<string, unknown>[] = [];
    let affected = 0;
    for (const input of objects) {
      const row = insertRowFromInput(table, input, this.ctx);
      const relInputs = table.relationships.filter((r) => isRecord(input[r.name]));
      for (const rel of relInputs.filter((r) => r.kind === "object" && r.insertBeforeParent)) {
        const value = input[rel.name] as Record<string, unknown>;
        const remote = getTable(this.ctx.model, rel.remote);
        const child = await this.insertObjects(remote, [value.data as Record<string, unknown>], value.on_conflict, new Map());
        affected += child.affected;
        const childRow = child.rows[0];
        if (!childRow) throw new HasuraError("not-supported", `nested insert of "${rel.name}" was skipped by on_conflict`, this.path);
        for (const [local, remoteCol] of rel.mapping) row.set(local, castValue(childRow[remoteCol], columnOf(table, local)));
      }
      for (const [name, value] of fixed) row.set(name, castValue(value, columnOf(table, name)));
      const alias = this.ctx.aliases.fresh();
      const out = await this.run(
        wrapMutation(table, insertSql(table, alias, [row], onConflict, this.ctx), { kind: "rows" }, insertCheck(table, this.ctx), this.ctx),
        "Check constraint violation. insert check constraint failed",
      );
      const inserted = (out.rows as Record<string, unknown>[])[0];
      if (!inserted) continue;
      rows.push(inserted);
      affected += 1;
      for (const rel of relInputs.filter((r) => r.kind === "array" || !r.insertBeforeParent)) {
        const value = input[rel.name] as Record<string, unknown>;
        const remote = getTable(this.ctx.model, rel.remote);
        const data = rel.kind === "array" ? (value.data as Record<string, unknown>[]) : [value.data as Record<string, unknown>];
        const childFixed = new Map(rel.mapping.map(([local, remoteCol]) => [remoteCol, inserted[local]] as [string, unknown]));
        affected += (await this.insertObjects(remote, data, value.on_conflict, childFixed)).affected;
      }
    }
    return { rows, affected };
  }
}

function columnOf(table: TableInfo, name: string) {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new Error(`[engine/execute] unknown column ${table.key}.${name}`);
  return c;
}
