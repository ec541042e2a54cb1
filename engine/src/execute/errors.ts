/**
 * Maps graphql-js validation errors and Postgres errors to Hasura's codes and
 * messages (Hasura contract 6.3, 6.4; repo: server/src-lib/Hasura/Base/Error.hs,
 * server/src-lib/Hasura/Backends/Postgres/Execute/Mutation.hs).
 */
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from "graphql";
import { HasuraError } from "../errors";

/** `$.selectionSet.<key>.args.<arg>...` of an AST node inside the document, as Hasura reports paths. */
export function hasuraPathOf(document: DocumentNode, target: ASTNode | undefined): string {
  if (!target) return "$";
  const stack: string[] = [];
  let found: string | null = null;
  visit(document, {
    enter(node) {
      if (found !== null) return false;
      if (node.kind === Kind.FIELD) stack.push(`selectionSet.${node.alias?.value ?? node.name.value}`);
      else if (node.kind === Kind.ARGUMENT) stack.push(`args.${node.name.value}`);
      else if (node.kind === Kind.OBJECT_FIELD) stack.push(node.name.value);
      else stack.push("");
      if (node === target) found = ["$", ...stack.filter((s) => s !== "")].join(".");
      return undefined;
    },
    leave() {
      stack.pop();
    },
  });
  return found ?? "$";
}

const CANNOT_QUERY = /^Cannot query field "([^"]+)" on type "([^"]+)"\./;
const UNKNOWN_ARG = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./;
const UNKNOWN_INPUT_FIELD = /^Field "([^"]+)" is not defined by type "([^"]+)"\./;
const MISSING_ARG = /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./;

/** One graphql-js validation error -> Hasura `validation-failed` with a Hasura-style message. */
export function fromValidationError(document: DocumentNode, error: GraphQLError): HasuraError {
  const node = error.nodes?.[0];
  const path = hasuraPathOf(document, node);
  let m = CANNOT_QUERY.exec(error.message);
  if (m) return new HasuraError("validation-failed", `field '${m[1]}' not found in type: '${m[2]}'`, path);
  m = UNKNOWN_ARG.exec(error.message);
  if (m) return new HasuraError("validation-failed", `'${m[3]}' has no argument named '${m[1]}'`, path);
  m = UNKNOWN_INPUT_FIELD.exec(error.message);
  if (m) return new HasuraError("validation-failed", `field '${m[1]}' not found in type: '${m[2]}'`, path);
  m = MISSING_ARG.exec(error.message);
  if (m) return new HasuraError("validation-failed", `missing required field '${m[2]}'`, path);
  if (/not configured to execute mutation/.test(error.message)) return new HasuraError("validation-failed", "no mutations exist", "$");
  if (/not configured to execute subscription/.test(error.message)) return new HasuraError("validation-failed", "no subscriptions exist", "$");
  return new HasuraError("validation-failed", error.message, path);
}

/** A Postgres error as pg reports it (the fields we read). */
interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
}

function isPgError(err: unknown): err is Error & PgErrorLike {
  return err instanceof Error && typeof (err as PgErrorLike).code === "string" && /^[0-9A-Z]{5}$/.test(String((err as PgErrorLike).code));
}

/**
 * A database error of a mutation or query -> Hasura error (contract 6.4).
 * `path` is where Hasura points (e.g. `$.selectionSet.insert_t.args.objects`).
 * Non-database errors are returned unchanged for the caller to mask.
 */
export function fromDatabaseError(err: unknown, path: string): unknown {
  if (!isPgError(err)) return err;
  const code = String(err.code);
  const message = String(err.message);
  if (code === "23505") return new HasuraError("constraint-violation", `Uniqueness violation. ${message}`, path);
  if (code === "23503") return new HasuraError("constraint-violation", `Foreign key violation. ${message}`, path);
  if (code === "23502") return new HasuraError("constraint-violation", `Not-NULL violation. ${message}`, path);
  if (code === "23514") return new HasuraError("permission-error", `Check constraint violation. ${message}`, path);
  if (code.startsWith("23")) return new HasuraError("constraint-violation", message, path);
  if (code.startsWith("22")) return new HasuraError("data-exception", message, path);
  if (code === "40001" || code === "40P01") return new HasuraError("unexpected", "serialization failure", path);
  return new HasuraError("unexpected", "database query error", path);
}
