/**
 * Hasura's HTTP surface (contract 8.1): POST /v1/graphql (single or batch),
 * POST /v1/metadata, GET /healthz, GET /v1/version, GraphiQL at / and /console.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { requestId, getRequestId } from "../../../common/src/http";
import type { Logger } from "../../../common/src/logger";
import { authenticate, type AuthConfig, type Headers } from "../auth/authenticate";
import { executeGraphqlText, type ExecSession } from "../execute/execute";
import { apiErrorBody, graphqlErrorBody, HasuraError, isHasuraError } from "../errors";
import type { EngineExtension } from "../extensions";
import type { EngineCore } from "../server";
import { ADMIN_ROLE } from "../permissions/role-view";
import { runMetadataOperation } from "./metadata-api";
import { GRAPHIQL_HTML } from "./graphiql";
import { cors, type CorsOptions } from "./cors";

export interface HttpDeps {
  engine: EngineCore;
  auth: AuthConfig;
  extensions: readonly EngineExtension[];
  stringifyNumeric: boolean;
  enableConsole: boolean;
  version: string;
  logger: Logger;
  cors: CorsOptions;
}

const GraphqlRequestSchema = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

/** Lower-cased request headers, first value of each. */
function headersOf(req: Request): Headers {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") out[name.toLowerCase()] = value;
    else if (Array.isArray(value) && value.length > 0) out[name.toLowerCase()] = value[0];
  }
  return out;
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Hasura sends no ETag; computing one hashes every response body.
  app.set("etag", false);
  app.use(requestId());
  app.use(cors(deps.cors));
  app.use(express.json({ limit: "20mb", type: () => true }));

  app.get("/healthz", (_req, res) => {
    res.type("text/plain").send("OK");
  });
  app.get("/hasura/healthz", (_req, res) => {
    res.type("text/plain").send("OK");
  });
  app.get("/v1/version", (_req, res) => {
    res.json({ version: deps.version, server_type: "ce" });
  });
  if (deps.enableConsole) {
    const page = (_req: Request, res: Response): void => {
      res.type("text/html").send(GRAPHIQL_HTML);
    };
    app.get("/", page);
    app.get("/console", page);
  }

  app.post("/v1/graphql", async (req, res, next) => {
    try {
      const headers = headersOf(req);
      let session: ExecSession;
      try {
        session = await authenticate(deps.auth, headers);
      } catch (err: unknown) {
        // Auth errors on /v1/graphql are HTTP 200 with the GraphQL envelope (contract 4.3).
        if (isHasuraError(err)) {
          res.json(graphqlErrorBody(err));
          return;
        }
        throw err;
      }
      const state = deps.engine.state();
      const executorDeps = { pool: deps.engine.pool, model: state.model, schemaFor: state.schemaFor, stringifyNumeric: deps.stringifyNumeric };
      const one = async (body: unknown): Promise<string> => {
        const parsed = GraphqlRequestSchema.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return JSON.stringify(graphqlErrorBody(new HasuraError("parse-failed", `the key '${String(issue.path[0] ?? "query")}' was not present or is invalid`, "$")));
        }
        return executeGraphqlText(executorDeps, session, parsed.data);
      };
      const started = Date.now();
      const body: unknown = req.body;
      const text = Array.isArray(body) ? `[${(await Promise.all(body.map(one))).join(",")}]` : await one(body);
      // One line per request, like Hasura's http-log; never the query's variables (they may hold personal data).
      deps.logger.info({ requestId: getRequestId(res), role: session.role, batch: Array.isArray(body) ? body.length : undefined, ms: Date.now() - started }, "graphql request");
      res.type("application/json").send(text);
    } catch (err: unknown) {
      next(err);
    }
  });

  app.post("/v1/metadata", async (req, res, next) => {
    try {
      const session = await authenticate(deps.auth, headersOf(req));
      if (session.role !== ADMIN_ROLE) throw new HasuraError("access-denied", "restricted access : admin only", "$", 400);
      const result = await runMetadataOperation(req.body, { engine: deps.engine, extensions: deps.extensions, session });
      res.status(200).json(result);
    } catch (err: unknown) {
      if (isHasuraError(err)) {
        res.status(err.status).json(apiErrorBody(err));
        return;
      }
      next(err);
    }
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ path: "$", error: "resource does not exist", code: "not-found" });
  });

  // Last resort: body-parser failures are the client's, everything else is masked with an id.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === "number" ? (err as { status: number }).status : 500;
    if (status === 400 || status === 413) {
      const message = status === 413 ? "request body too large" : "invalid JSON body";
      res.status(status).json({ path: "$", error: message, code: status === 413 ? "payload-too-large" : "parse-failed" });
      return;
    }
    const errorId = randomUUID();
    deps.logger.error({ err, errorId, requestId: getRequestId(res), path: req.path }, "internal engine error");
    if (req.path === "/v1/graphql") {
      res.status(200).json({ errors: [{ message: "internal error", extensions: { path: "$", code: "unexpected", errorId } }] });
      return;
    }
    res.status(500).json({ path: "$", error: "internal error", code: "unexpected", errorId });
  });
  return app;
}
