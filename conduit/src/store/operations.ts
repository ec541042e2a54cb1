/**
 * Loads conduit's operation documents from graphql/operations/conduit/ (one
 * operation per file, STYLE.md §8), so the same files feed codegen and the
 * runtime, and a GraphQL client with the admin secret.
 */
import { join } from "node:path";
import type { z } from "zod";
import type { OperationVariables } from "../../../graphql/generated/sdk";
import { createAdminClient, createOperationLoader, OPERATIONS_ROOT } from "../../../common/src/graphql/admin-client";

/** The text of graphql/operations/conduit/<name>.graphql (read once). */
export const operation = createOperationLoader(join(OPERATIONS_ROOT, "conduit"));

export interface AdminClientOptions {
  endpoint: string;
  adminSecret: string;
  timeoutMs?: number;
}

/**
 * Runs operation `name` with `variables` typed by codegen from its document and
 * graphql/schema.graphql (a wrong variable is a compile error) and parses the
 * data with `schema` at run time.
 */
export type AdminRequest = <S extends z.ZodType, N extends keyof OperationVariables>(schema: S, name: N, variables: OperationVariables[N]) => Promise<z.infer<S>>;

/** A typed request function: runs the named operation and parses the data with `schema`. */
export function createAdminRequest(options: AdminClientOptions): AdminRequest {
  const client = createAdminClient({ endpoint: options.endpoint, adminSecret: options.adminSecret, timeoutMs: options.timeoutMs ?? 5000 });
  return async (schema, name, variables) => schema.parse(await client.request<unknown>(operation(name), variables as Record<string, unknown>));
}
