/**
 * The WebSocket transport of /v1/graphql (contract 8.1), on the HTTP server's
 * port: both of Hasura's sub-protocols (protocol.ts), auth from the
 * `connection_init` payload's `headers` with the same authenticate() as HTTP,
 * queries and mutations through executeGraphql, subscriptions through the
 * poll registry (poller.ts).
 *
 * Behaviour follows Hasura's server/src-lib/Hasura/GraphQL/Transport/WebSocket.hs,
 * WSServerApp.hs and WebSocket/Server.hs:
 * - headers = connection_init payload `headers` over the upgrade request's;
 * - a failed connection_init: legacy `connection_error` then close 4400
 *   ("Connection initialization failed: …"); graphql-transport-ws close 4403;
 * - after the ack, a keep-alive (`ka` / `ping {"message":"keepalive"}`) at
 *   once and every keepAliveMs;
 * - a JWT session ends at the token's `exp`: the connection is dropped (Hasura
 *   ends the connection's threads; the client sees no close frame, code 1006);
 * - errors before execution (validation…): `error` (legacy `{"errors":[…]}`,
 *   graphql-transport-ws `[…]`) then `complete`; errors while executing: legacy
 *   `data` with `{"errors":[…]}`, graphql-transport-ws `error`;
 * - `start` before init, after a failed init, or with an id in use:
 *   `error` with code `start-failed` (graphql-transport-ws: and the connection
 *   closes, code 1000, reason "4400: …");
 * - unparsable message: legacy `connection_error`; graphql-transport-ws close 4400;
 * - shutdown closes every socket with 1012, a metadata reload too.
 * Additions of ours (not in Hasura): graphql-transport-ws connections that send
 * no connection_init within initTimeoutMs close with 4408 and a second
 * connection_init closes with 4429 (graphql-ws PROTOCOL.md); limits on
 * connections and on operations per connection.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Pool } from "pg";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Logger } from "../../../common/src/logger";
import { authenticate, sessionExpiry, type AuthConfig, type Headers } from "../auth/authenticate";
import { executeGraphql, type ExecSession } from "../execute/execute";
import { graphqlErrorBody, HasuraError, isHasuraError, type GraphqlErrorBody } from "../errors";
import { originMatcher, type CorsOptions } from "../http/cors";
import type { TableModel } from "../schema/model";
import type { GraphQLSchema } from "graphql";
import { prepareOperation, type PreparedOperation, type Shaper } from "./operation";
import { createPollRegistry, type PollRegistry } from "./poller";
import { CLOSE, closeReason, GRAPHQL_TRANSPORT_WS, GRAPHQL_WS, parseClientMessage, pickSubProtocol, serverMessage, type OperationRequest, type SubProtocol } from "./protocol";

export const WEBSOCKET_PATH = "/v1/graphql";

/** Settings of the transport (engine config; defaults are Hasura's where Hasura has the setting). */
export interface SubscriptionOptions {
  /** HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL (ms). */
  liveRefetchMs: number;
  /** HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_BATCH_SIZE. */
  liveBatchSize: number;
  /** HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL (ms). */
  streamRefetchMs: number;
  /** HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_BATCH_SIZE. */
  streamBatchSize: number;
  /** HASURA_GRAPHQL_WEBSOCKET_KEEPALIVE (given in seconds). */
  keepAliveMs: number;
  /** HASURA_GRAPHQL_WEBSOCKET_CONNECTION_INIT_TIMEOUT (given in seconds). */
  initTimeoutMs: number;
  /** ENGINE_WS_MAX_CONNECTIONS: upgrades past this answer 503. */
  maxConnections: number;
  /** ENGINE_WS_MAX_OPERATIONS_PER_CONNECTION: running subscriptions per socket. */
  maxOperationsPerConnection: number;
}

export const DEFAULT_SUBSCRIPTION_OPTIONS: SubscriptionOptions = {
  liveRefetchMs: 1000,
  liveBatchSize: 100,
  streamRefetchMs: 1000,
  streamBatchSize: 100,
  keepAliveMs: 5000,
  initTimeoutMs: 3000,
  maxConnections: 1000,
  maxOperationsPerConnection: 100,
};

export interface SubscriptionServerDeps {
  pool: Pool;
  /** The engine's current project (replaced on reload). */
  state(): { model: TableModel; schemaFor(role: string, backendOnly: boolean): GraphQLSchema };
  auth: AuthConfig;
  stringifyNumeric: boolean;
  cors: CorsOptions;
  logger: Logger;
  options: SubscriptionOptions;
  now?: () => Date;
}

export interface SubscriptionServer {
  /** Serves WebSocket upgrades of `server` on /v1/graphql. */
  attach(server: Server): void;
  /** Closes every connection with `code` (metadata reload: 1012). */
  closeAll(code: number, reason: string): void;
  /** Open connections, running operations, pollers. */
  stats(): { connections: number; operations: number; pollers: number };
  /** Rejects new upgrades, closes every socket (1012), stops the pollers. */
  close(): Promise<void>;
}

/** Headers that belong to the upgrade itself, not to the session (WebSocket.hs filterWsHeaders). */
const TRANSPORT_HEADERS = new Set(["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "upgrade", "connection"]);

function upgradeHeaders(req: IncomingMessage, dropCookie: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    if (TRANSPORT_HEADERS.has(lower) || (dropCookie && lower === "cookie")) continue;
    if (typeof value === "string") out[lower] = value;
    else if (Array.isArray(value) && value.length > 0) out[lower] = value[0];
  }
  return out;
}

function rejectUpgrade(socket: Duplex, status: number, statusText: string, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

/** A masked internal error: a generic message and an id that is also on the log line. */
function maskedError(logger: Logger, err: unknown, context: Record<string, unknown>): HasuraError {
  const errorId = randomUUID();
  logger.error({ err, errorId, ...context }, "websocket operation failed");
  return new HasuraError("unexpected", "internal error", "$", 500, { errorId });
}

/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

type ConnState = { kind: "new" } | { kind: "failed"; message: string } | { kind: "ready"; session: ExecSession };

class Connection {
  readonly id = randomUUID();
  private state: ConnState = { kind: "new" };
  /** Running subscriptions by operation id: their stop functions. */
  readonly operations = new Map<string, () => void>();
  private queue: Promise<void> = Promise.resolve();
  private keepAlive: NodeJS.Timeout | null = null;
  private initTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private disposed = false;
  private readonly logger: Logger;

  constructor(
    private readonly ws: WebSocket,
    readonly protocol: SubProtocol,
    private readonly headers: Headers,
    private readonly deps: SubscriptionServerDeps,
    private readonly registry: PollRegistry,
  ) {
    this.logger = deps.logger.child({ websocketId: this.id });
    ws.on("message", (data: RawData) => {
      // Messages are handled one after the other, as Hasura does (Server.hs: "Process all messages serially").
      this.queue = this.queue.then(() => this.handle(rawText(data))).catch((err: unknown) => this.logger.error({ err }, "websocket message handler failed"));
    });
    ws.on("close", () => this.dispose());
    ws.on("error", (err: Error) => this.logger.warn({ err: { message: err.message } }, "websocket error"));
    if (protocol === GRAPHQL_TRANSPORT_WS) {
      this.initTimer = setTimeout(() => {
        if (this.state.kind === "new") this.close(CLOSE.INIT_TIMEOUT, "Connection initialisation timed out");
      }, deps.options.initTimeoutMs);
    }
    this.logger.info({ protocol }, "websocket accepted");
  }

  private send(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  /** Stops every operation and timer; runs once the socket is gone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const stop of this.operations.values()) stop();
    this.operations.clear();
    for (const t of [this.keepAlive, this.initTimer, this.expiryTimer]) if (t) clearTimeout(t);
    this.keepAlive = this.initTimer = this.expiryTimer = null;
    this.logger.info({ role: this.state.kind === "ready" ? this.state.session.role : undefined }, "websocket closed");
  }

  private async handle(text: string): Promise<void> {
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.logger.warn({ reason: parsed.reason }, "websocket message rejected");
      if (this.protocol === GRAPHQL_WS) this.send(serverMessage.connectionError(`parsing ClientMessage failed: ${parsed.reason}`));
      else this.close(CLOSE.BAD_REQUEST, closeReason(CLOSE.BAD_REQUEST, `Parsing client message failed: ${parsed.reason}`));
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case "connection_init":
        return this.init(message.payload?.headers ?? {});
      case "start":
      case "subscribe":
        return this.start(message.id, message.payload);
      case "stop":
      case "complete":
        this.stop(message.id);
        return;
      case "connection_terminate":
        this.close(CLOSE.NORMAL, "GQL_CONNECTION_TERMINATE received");
        return;
      case "ping":
        this.send(serverMessage.pong(message.payload));
        return;
      case "pong":
        return;
      default: {
        const never: never = message;
        throw new Error(`[engine/subscriptions] unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  private async init(payloadHeaders: Record<string, string>): Promise<void> {
    if (this.protocol === GRAPHQL_TRANSPORT_WS && this.state.kind !== "new") {
      this.close(CLOSE.TOO_MANY_INIT, closeReason(CLOSE.TOO_MANY_INIT, "Too many requests"));
      return;
    }
    if (this.initTimer) clearTimeout(this.initTimer);
    this.initTimer = null;
    const lowered: Record<string, string> = {};
    for (const [k, v] of Object.entries(payloadHeaders)) lowered[k.toLowerCase()] = v;
    // Payload headers win over the upgrade request's; a re-init (legacy protocol) uses the payload's alone (WebSocket.hs onConnInit).
    const headers: Headers = this.state.kind === "new" ? { ...this.headers, ...lowered } : lowered;
    const now = this.deps.now ?? (() => new Date());
    let session: ExecSession;
    try {
      session = await authenticate(this.deps.auth, headers, now);
    } catch (err: unknown) {
      const failure = isHasuraError(err) ? err : maskedError(this.logger, err, { phase: "connection_init" });
      this.state = { kind: "failed", message: failure.message };
      this.logger.warn({ code: failure.code }, "websocket connection_init rejected");
      if (this.protocol === GRAPHQL_WS) {
        this.send(serverMessage.connectionError(failure.message));
        this.close(CLOSE.BAD_REQUEST, closeReason(CLOSE.BAD_REQUEST, `Connection initialization failed: ${failure.message}`));
      } else {
        this.close(CLOSE.FORBIDDEN, closeReason(CLOSE.FORBIDDEN, "Forbidden"));
      }
      return;
    }
    // The socket may have gone while the token was verified: start no timers for it.
    if (this.disposed) return;
    this.state = { kind: "ready", session };
    this.logger.info({ role: session.role }, "websocket connection initialised");
    this.send(serverMessage.ack());
    this.send(serverMessage.keepAlive(this.protocol));
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = setInterval(() => this.send(serverMessage.keepAlive(this.protocol)), this.deps.options.keepAliveMs);
    this.armExpiry(sessionExpiry(this.deps.auth, headers), now);
  }

  /** Drops the connection when the JWT expires (WebSocket.hs tokenExpiryHandler). */
  private armExpiry(expiry: Date | null, now: () => Date): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (!expiry) return;
    const left = expiry.getTime() - now().getTime();
    this.expiryTimer = setTimeout(
      () => {
        if (left > MAX_TIMER_MS) return this.armExpiry(expiry, now);
        this.logger.info("websocket session expired (JWT exp)");
        this.terminate();
      },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
  }

  private stop(id: string): void {
    const stop = this.operations.get(id);
    this.operations.delete(id);
    if (stop) {
      stop();
      this.logger.info({ operationId: id }, "websocket operation stopped");
    }
  }

  /** A `start` Hasura refuses outright (WebSocket.hs sendStartErr). */
  private startFailed(id: string, message: string): void {
    this.send(serverMessage.error(id, graphqlErrorBody(new HasuraError("start-failed", message, "$")).errors[0]));
    if (this.protocol === GRAPHQL_TRANSPORT_WS) {
      this.send(serverMessage.error(id, message));
      this.close(CLOSE.NORMAL, closeReason(CLOSE.BAD_REQUEST, message));
      return;
    }
    this.send(serverMessage.complete(id));
  }

  /** The error list of a failed operation in this protocol's `error` payload. */
  private errorPayload(body: GraphqlErrorBody): unknown {
    return this.protocol === GRAPHQL_WS ? body : body.errors;
  }

  private async start(id: string, request: OperationRequest): Promise<void> {
    if (this.state.kind === "new") return this.startFailed(id, "start received before the connection is initialised");
    if (this.state.kind === "failed") return this.startFailed(id, `cannot start as connection_init failed with: ${this.state.message}`);
    if (this.operations.has(id)) return this.startFailed(id, `an operation already exists with this id: ${id}`);
    const session = this.state.session;
    const state = this.deps.state();
    let prepared: PreparedOperation;
    try {
      prepared = prepareOperation({ model: state.model, schemaFor: state.schemaFor, stringifyNumeric: this.deps.stringifyNumeric }, session, request);
    } catch (err: unknown) {
      const failure = isHasuraError(err) ? err : maskedError(this.logger, err, { operationId: id });
      this.send(serverMessage.error(id, this.errorPayload(graphqlErrorBody(failure))));
      this.send(serverMessage.complete(id));
      return;
    }
    if (prepared.kind === "execute") return this.execute(id, session, request);
    if (prepared.kind === "empty") return this.send(serverMessage.complete(id));
    if (this.operations.size >= this.deps.options.maxOperationsPerConnection) {
      const limit = new HasuraError("start-failed", `too many operations on this connection (at most ${this.deps.options.maxOperationsPerConnection})`, "$");
      this.send(serverMessage.error(id, this.errorPayload(graphqlErrorBody(limit))));
      this.send(serverMessage.complete(id));
      return;
    }
    if (this.disposed) return;
    this.operations.set(id, this.subscribe(id, prepared));
    this.logger.info({ operationId: id, operationName: request.operationName ?? undefined, kind: prepared.kind, role: session.role }, "websocket subscription started");
  }

  private subscribe(id: string, prepared: Extract<PreparedOperation, { kind: "live" | "stream" }>): () => void {
    const deliver = (shape: Shaper, rootText: string | null): void => {
      let payload;
      try {
        payload = shape(rootText);
      } catch (err: unknown) {
        payload = graphqlErrorBody(isHasuraError(err) ? err : maskedError(this.logger, err, { operationId: id }));
      }
      this.send(serverMessage.data(this.protocol, id, payload));
    };
    // A failed poll reaches the client as a data/next message carrying `errors` (WebSocket.hs onChange).
    const fail = (err: unknown): void => {
      const failure = isHasuraError(err) ? err : maskedError(this.logger, err, { operationId: id });
      this.send(serverMessage.data(this.protocol, id, graphqlErrorBody(failure)));
    };
    if (prepared.kind === "live") {
      return this.registry.subscribeLive(prepared.pollKey, prepared.compiled, { result: (root) => deliver(prepared.shape, root), error: fail });
    }
    return this.registry.subscribeStream(prepared.pollKey, prepared.compiled, prepared.cursorIndex, prepared.initialCursor, {
      result: (root) => deliver(prepared.shape, root),
      error: fail,
    });
  }

  /** A query or mutation: one answer, then `complete`. */
  private async execute(id: string, session: ExecSession, request: OperationRequest): Promise<void> {
    const state = this.deps.state();
    let result;
    try {
      result = await executeGraphql({ pool: this.deps.pool, model: state.model, schemaFor: state.schemaFor, stringifyNumeric: this.deps.stringifyNumeric }, session, request);
    } catch (err: unknown) {
      result = graphqlErrorBody(maskedError(this.logger, err, { operationId: id }));
    }
    if ("errors" in result && this.protocol === GRAPHQL_TRANSPORT_WS) this.send(serverMessage.error(id, result.errors));
    else this.send(serverMessage.data(this.protocol, id, result));
    this.send(serverMessage.complete(id));
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

/** Creates the transport; nothing listens until attach(). */
export function createSubscriptionServer(deps: SubscriptionServerDeps): SubscriptionServer {
  const registry = createPollRegistry(deps.pool, {
    live: { refetchMs: deps.options.liveRefetchMs, batchSize: deps.options.liveBatchSize },
    stream: { refetchMs: deps.options.streamRefetchMs, batchSize: deps.options.streamBatchSize },
  });
  const connections = new Set<Connection>();
  const sockets = new Set<WebSocket>();
  const allowedOrigin = originMatcher(deps.cors.domains);
  let closing = false;
  let closed: Promise<void> | undefined;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 20 * 1024 * 1024,
    // Hasura answers with the sub-protocol it speaks; a client offering neither gets the legacy one, unnamed.
    handleProtocols: (offered: Set<string>) => (offered.has(GRAPHQL_TRANSPORT_WS) ? GRAPHQL_TRANSPORT_WS : offered.has(GRAPHQL_WS) ? GRAPHQL_WS : false),
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? "/", "http://engine.invalid").pathname;
    if (path !== WEBSOCKET_PATH) {
      rejectUpgrade(socket, 404, "Not Found", { path: "$", error: "only '/v1/graphql' is supported on websockets", code: "not-found" });
      return;
    }
    if (closing) {
      rejectUpgrade(socket, 503, "Service Unavailable", { path: "$", error: "Server is shutting down", code: "unexpected" });
      return;
    }
    if (sockets.size >= deps.options.maxConnections) {
      deps.logger.warn({ limit: deps.options.maxConnections }, "websocket connection refused: limit reached");
      rejectUpgrade(socket, 503, "Service Unavailable", { path: "$", error: "too many websocket connections", code: "unexpected" });
      return;
    }
    const origin = req.headers.origin;
    if (origin && !deps.cors.disabled && !allowedOrigin(origin)) {
      rejectUpgrade(socket, 400, "Bad Request", { path: "$", error: "received origin header does not match configured CORS domains", code: "access-denied" });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const offered = new Set(ws.protocol ? [ws.protocol] : []);
      // With CORS disabled Hasura does not read the cookie of a WebSocket (WebSocket.hs enforceCors).
      const connection = new Connection(ws, pickSubProtocol(offered), upgradeHeaders(req, deps.cors.disabled), deps, registry);
      sockets.add(ws);
      connections.add(connection);
      ws.on("close", () => {
        sockets.delete(ws);
        connections.delete(connection);
      });
    });
  };

  const closeEvery = (code: number, reason: string): void => {
    for (const c of connections) c.close(code, reason);
  };

  return {
    attach(server) {
      server.on("upgrade", onUpgrade);
    },
    closeAll: closeEvery,
    stats() {
      let operations = 0;
      for (const c of connections) operations += c.operations.size;
      return { connections: connections.size, operations, pollers: registry.stats().pollers };
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };

  async function shutdown(): Promise<void> {
    {
      closing = true;
      closeEvery(CLOSE.SERVICE_RESTART, "shutting server down");
      // Give clients a moment to answer the close frame, then drop what is left.
      const deadline = Date.now() + 1000;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const ws of sockets) ws.terminate();
      for (const c of connections) c.dispose();
      connections.clear();
      await registry.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  }
}
