/**
 * What both services need to run their operation documents as admin: a
 * loader for graphql/operations/<service>/<Name>.graphql (one operation per
 * file, STYLE.md section 8; the same files feed codegen) and a graphql-request
 * client that sends the admin secret and gives up after a timeout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GraphQLClient } from "graphql-request";
import { createNodeFetch } from "./node-fetch";

/** graphql/operations/ at the repository root. */
export const OPERATIONS_ROOT = join(__dirname, "..", "..", "..", "graphql", "operations");

/** Returns `name -> document text` for one folder of operations, reading each file once. */
export function createOperationLoader(dir: string): (name: string) => string {
  const texts = new Map<string, string>();
  return (name) => {
    let text = texts.get(name);
    if (text === undefined) {
      text = readFileSync(join(dir, `${name}.graphql`), "utf8");
      texts.set(name, text);
    }
    return text;
  };
}

export interface AdminClientOptions {
  /** HASURA_GRAPHQL_ENDPOINT. */
  endpoint: string;
  /** HASURA_GRAPHQL_ADMIN_SECRET, sent as x-hasura-admin-secret. */
  adminSecret: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
}

/**
 * A graphql-request client for the admin role whose requests abort after
 * `timeoutMs`, over keep-alive node:http connections (./node-fetch.ts says why).
 */
export function createAdminClient(options: AdminClientOptions): GraphQLClient {
  return new GraphQLClient(options.endpoint, {
    headers: { "x-hasura-admin-secret": options.adminSecret },
    fetch: createNodeFetch({ timeoutMs: options.timeoutMs }),
  });
}
