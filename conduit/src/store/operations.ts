/**
 * Loads conduit's operation documents from graphql/operations/conduit/ (one
 * operation per file, STYLE.md §8), so the same files feed codegen and the
 * runtime, and a GraphQL client with the admin secret.
 */
import { join } from "node:path";
import type { z } from "zod";
import { createAdminClient, createOperationLoader, OPERATIONS_ROOT } from "../../../common/src/graphql/admin-client";

/** The text of graphql/operations/conduit/<name>.graphql (read once). */
export const operation = createOperationLoader(join(OPERATIONS_ROOT, "conduit"));

export interface AdminClientOptions {
  endpoint: string;
  adminSecret: string;
  timeoutMs?: number;
}

export type AdminRequest = <S extends z.ZodType>(schema: S, name: string, variables: Record<string, unknown>) => Promise<z.infer<S>>;

/** A typed request function: runs the named operation and parses the data with `schema`. */
export function createAdminRequest(options: AdminClientOptions): AdminRequest {
  const client = createAdminClient({ endpoint: options.endpoint, adminSecret: options.adminSecret, timeoutMs: options.timeoutMs ?? 5000 });
  return async (schema, name, variables) => schema.parse(await client.request<unknown>(operation(name), variables));
}
