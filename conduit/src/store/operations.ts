/**
 * Loads conduit's operation documents from graphql/operations/conduit/ (one
 * operation per file, STYLE.md §8), so the same files feed codegen and the
 * runtime, and a GraphQL client with the admin secret.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GraphQLClient } from "graphql-request";
import type { z } from "zod";

const OPERATIONS_DIR = join(__dirname, "..", "..", "..", "graphql", "operations", "conduit");
const loaded = new Map<string, string>();

/** The text of graphql/operations/conduit/<name>.graphql (read once). */
export function operation(name: string): string {
  let text = loaded.get(name);
  if (text === undefined) {
    text = readFileSync(join(OPERATIONS_DIR, `${name}.graphql`), "utf8");
    loaded.set(name, text);
  }
  return text;
}

export interface AdminClientOptions {
  endpoint: string;
  adminSecret: string;
  timeoutMs?: number;
}

export type AdminRequest = <S extends z.ZodType>(schema: S, name: string, variables: Record<string, unknown>) => Promise<z.infer<S>>;

/** A typed request function: runs the named operation and parses the data with `schema`. */
export function createAdminRequest(options: AdminClientOptions): AdminRequest {
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = new GraphQLClient(options.endpoint, {
    headers: { "x-hasura-admin-secret": options.adminSecret },
    fetch: (input: Parameters<typeof fetch>[0], init?: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
  return async (schema, name, variables) => schema.parse(await client.request<unknown>(operation(name), variables));
}
