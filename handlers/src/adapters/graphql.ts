/**
 * GraphQL access for handlers: the operation documents of
 * graphql/operations/handlers/ (one per file, STYLE.md section 8) run as admin
 * over graphql-request. Responses are `unknown` until the SDK (sdk.ts) parses
 * them with zod. Built once in main.ts (or a test) and passed down.
 */
import { join } from "node:path";
import { ClientError } from "graphql-request";
import { createAdminClient, createOperationLoader as createLoader, OPERATIONS_ROOT } from "../../../common/src/graphql/admin-client";

const OPERATIONS_DIR = join(OPERATIONS_ROOT, "handlers");

/** Runs the named operation with its variables and resolves with the raw `data`. */
export type RunOperation = (name: string, variables: Record<string, unknown>) => Promise<unknown>;

export interface GraphqlClientOptions {
  /** HASURA_GRAPHQL_ENDPOINT. */
  endpoint: string;
  /** HASURA_GRAPHQL_ADMIN_SECRET, sent as x-hasura-admin-secret. */
  adminSecret: string;
  /** Per-request timeout; default 10 s (well inside Hasura's 60 s delivery timeout). */
  timeoutMs?: number;
}

/** Reads graphql/operations/handlers/<name>.graphql once per process. */
export function createOperationLoader(dir: string = OPERATIONS_DIR): (name: string) => string {
  return createLoader(dir);
}

/** A RunOperation over graphql-request; GraphQL errors and transport failures reject (the delivery is retried). */
export function createGraphqlRunner(options: GraphqlClientOptions): RunOperation {
  const client = createAdminClient({ endpoint: options.endpoint, adminSecret: options.adminSecret, timeoutMs: options.timeoutMs ?? 10_000 });
  const load = createOperationLoader();
  return async (name, variables) => {
    try {
      return await client.request<unknown>(load(name), variables);
    } catch (err: unknown) {
      throw toOperationError(name, err);
    }
  };
}

/**
 * A failed operation, carrying only the operation's name and the server's
 * error codes and messages. graphql-request's own error embeds the request
 * variables (identifier hashes, addresses of new users), which must not reach
 * the logs (STYLE.md section 6).
 */
export class GraphqlOperationError extends Error {
  readonly operation: string;
  readonly codes: string[];
  constructor(operation: string, message: string, codes: string[]) {
    super(`[handlers/graphql] ${operation} failed: ${message}`);
    this.name = "GraphqlOperationError";
    this.operation = operation;
    this.codes = codes;
  }
}

function toOperationError(operation: string, err: unknown): GraphqlOperationError {
  if (err instanceof ClientError) {
    const errors = err.response.errors ?? [];
    const codes = errors.map((e) => String((e.extensions as { code?: unknown } | undefined)?.code ?? "unknown"));
    const messages = errors.map((e) => e.message).join("; ");
    return new GraphqlOperationError(operation, messages || `HTTP ${err.response.status}`, codes);
  }
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
  return new GraphqlOperationError(operation, reason, []);
}
