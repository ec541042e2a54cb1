/**
 * One operation received over a WebSocket, checked before anything runs
 * (Hasura's "pre-execution" phase: parse, validate, pick the operation,
 * coerce variables) and, for a subscription, compiled to the SQL its poller
 * re-runs. Queries and mutations go on to executeGraphql unchanged.
 *
 * Semantics: Hasura docs subscriptions/postgres (one root field per
 * subscription; live queries re-run the query and push changed results;
 * streaming subscriptions push rows after a cursor); contract 5.1, 6.3.
 */
import { executeSync, GraphQLError, parse, validate, type DocumentNode, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { collectFields } from "graphql/execution/collectFields";
import { compileSql, sql, type CompiledSql, type Sql } from "../compile/sql";
import { aggregateQuery, byPkQuery, functionRootQuery, listQuery } from "../compile/select";
import { fromValidationError } from "../execute/errors";
import { chooseOperation, operationScope, type ExecSession } from "../execute/execute";
import { selectionOf } from "../execute/selection";
import { HasuraError } from "../errors";
import { getTable, type TableModel } from "../schema/model";
import type { OperationRequest, ResultPayload } from "./protocol";
import { streamStatement } from "./stream-sql";

export interface OperationDeps {
  model: TableModel;
  schemaFor(role: string, backendOnly: boolean): GraphQLSchema;
  stringifyNumeric: boolean;
}

/** Turns the `root` text a poll returned into the client's payload (aliases, __typename). */
export type Shaper = (rootText: string | null) => ResultPayload;

export type PreparedOperation =
  | { kind: "execute" }
  /** A subscription whose only root field @skip/@include removed: nothing to poll (Hasura completes it). */
  | { kind: "empty" }
  | { kind: "live"; pollKey: string; compiled: CompiledSql; shape: Shaper }
  | { kind: "stream"; pollKey: string; compiled: CompiledSql; cursorIndex: number; initialCursor: unknown; shape: Shaper };

/**
 * Checks `request` for `session` and compiles a subscription. Throws
 * HasuraError for what Hasura rejects before execution (its codes and paths).
 */
export function prepareOperation(deps: OperationDeps, session: ExecSession, request: OperationRequest): PreparedOperation {
  const schema = deps.schemaFor(session.role, session.backendOnly);
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch {
    throw new HasuraError("validation-failed", "not a valid graphql query", "$.query");
  }
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, document);
  } catch (err: unknown) {
    // graphql-js' single-root-field rule evaluates root @include/@skip without the variables and throws.
    if (err instanceof GraphQLError) throw fromValidationError(document, err);
    throw err;
  }
  if (errors.length > 0) throw fromValidationError(document, errors[0]);
  const operation = chooseOperation(document, request.operationName);
  if (operation.operation !== "subscription") return { kind: "execute" };

  const { env, ctx } = operationScope(deps, session, schema, document, operation, request.variables);
  const rootType = schema.getSubscriptionType() as GraphQLObjectType;
  // Validation (single root field) leaves at most one entry.
  const collected = [...collectFields(schema, env.fragments, env.variables, rootType, operation.selectionSet)];
  if (collected.length === 0) return { kind: "empty" };
  const [[key, nodes]] = collected;
  const field = selectionOf(env, rootType, key, nodes);
  // The field as the client named it (field.name is the hasura-default name under a naming convention).
  const info = rootType.getFields()[nodes[0].name.value]?.extensions.engine;
  const shape = shaper(schema, document, operation, request, key);
  if (!info || info.kind === "placeholder" || info.kind === "extension") {
    throw new HasuraError("not-supported", `field '${field.name}' cannot be subscribed to`, field.path);
  }
  const table = getTable(deps.model, info.table);
  const live = (body: Sql): PreparedOperation => {
    // The root as text: a poll compares it with the last one sent without parsing (as Hasura hashes the bytes).
    const compiled = compileSql(sql`select (${body})::text as "root"`);
    return { kind: "live", pollKey: `live\u0000${session.role}\u0000${compiled.text}`, compiled, shape };
  };
  switch (info.kind) {
    case "select":
      return live(listQuery(table, field, ctx, null));
    case "select_aggregate":
      return live(aggregateQuery(table, field, ctx, null));
    case "select_by_pk":
      return live(byPkQuery(table, field, ctx));
    case "function":
    case "function_aggregate":
      return live(functionRootQuery(info.function, info.kind === "function_aggregate", field, ctx));
    case "select_stream": {
      const stream = streamStatement(table, field, ctx);
      return { kind: "stream", pollKey: `stream\u0000${session.role}\u0000${stream.compiled.text}`, ...stream, shape };
    }
    default:
      throw new HasuraError("validation-failed", `field '${field.name}' is not a subscription field`, field.path);
  }
}

/** graphql-js shapes the JSON Postgres built (response keys already) into the client's answer, adding __typename. */
function shaper(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, request: OperationRequest, key: string): Shaper {
  return (rootText) => {
    const shaped = executeSync({
      schema,
      document,
      rootValue: { [key]: rootText === null ? null : (JSON.parse(rootText) as unknown) },
      variableValues: request.variables ?? {},
      operationName: operation.name?.value,
      fieldResolver: (source, _args, _context, info) => (source as Record<string, unknown>)[String(info.path.key)],
    });
    if (shaped.errors && shaped.errors.length > 0) {
      const first: GraphQLError = shaped.errors[0];
      throw new HasuraError("unexpected", first.message, "$");
    }
    return { data: shaped.data };
  };
}
