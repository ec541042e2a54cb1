/**
 * A counting HTTP proxy in front of the real engine's /v1/graphql: handlers'
 * SDK points at it, every request is forwarded unchanged and answered with the
 * engine's response, and the operation name of each round trip is recorded.
 * Tests count GraphQL round trips at the HTTP boundary with it instead of
 * wrapping (or mocking) the data layer.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { createGraphqlRunner } from "../../src/adapters/graphql";
import { createHandlersSdk } from "../../src/adapters/sdk";
import { ADMIN_SECRET, startStack, type Stack } from "./stack";

const GraphqlBodySchema = z.object({ query: z.string(), operationName: z.string().nullish() });

export interface GraphqlProxy {
  /** The proxy's /v1/graphql URL. */
  endpoint: string;
  /** Where requests go; set once the engine listens. */
  setTarget(endpoint: string): void;
  /** Operation names of the round trips so far, in arrival order. */
  readonly calls: readonly string[];
  /** How many round trips named `operation` arrived since `from` (an index into `calls`). */
  count(operation: string, from?: number): number;
  close(): Promise<void>;
}

/** The operation's name: graphql-request's `operationName`, else the document's first named operation. */
function operationNameOf(body: string): string {
  const parsed = GraphqlBodySchema.safeParse(JSON.parse(body));
  if (!parsed.success) return "(not a GraphQL request)";
  return parsed.data.operationName ?? /\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(parsed.data.query)?.[1] ?? "(anonymous)";
}

export async function startGraphqlProxy(): Promise<GraphqlProxy> {
  let target: string | null = null;
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (!target) {
        res.statusCode = 503;
        res.end();
        return;
      }
      calls.push(operationNameOf(body));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string" && !["host", "content-length", "connection"].includes(name)) headers[name] = value;
      }
      fetch(target, { method: req.method, headers, body })
        .then(async (answer) => {
          const text = await answer.text();
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
          res.end(text);
        })
        .catch(() => {
          res.statusCode = 502;
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/graphql`;
  return {
    endpoint,
    calls,
    setTarget(url) {
      target = url;
    },
    count(operation, from = 0) {
      return calls.slice(from).filter((c) => c === operation).length;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The test stack with handlers' SDK behind a counting proxy; `close` stops both. */
export async function startStackBehindProxy(): Promise<{ stack: Stack; proxy: GraphqlProxy; close(): Promise<void> }> {
  const proxy = await startGraphqlProxy();
  const stack = await startStack({ services: (base) => ({ ...base, sdk: createHandlersSdk(createGraphqlRunner({ endpoint: proxy.endpoint, adminSecret: ADMIN_SECRET })) }) });
  proxy.setTarget(stack.endpoint);
  return {
    stack,
    proxy,
    async close() {
      await stack.close();
      await proxy.close();
    },
  };
}

/** Waits until no event of any trigger waits for delivery (setup rows fire their own triggers too). */
export async function settleAllTriggers(stack: Stack): Promise<void> {
  await stack.waitFor(async () => stack.settled((await stack.query<{ name: string }>("select distinct trigger_name as name from hdb_catalog.event_log")).map((r) => r.name)));
}
