/**
 * A real `ws` client for the engine's WebSocket transport, and an engine on a
 * real HTTP server on 127.0.0.1 with short refetch intervals. Every wait is
 * bounded; keep-alive messages (`ka`, `ping`) are recorded apart so tests see
 * only the protocol traffic they assert on.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import type { TestDatabase } from "../../../test/helpers/pg";
import type { Engine } from "../../src/server";
import type { SubscriptionOptions } from "../../src/subscriptions/websocket";
import { createBlogTemplate, startBlogEngine, type BlogEngine } from "../helpers/blog";

/** Injected for tests: polls every 50 ms, keep-alives rare enough to stay out of the way. */
export const FAST: Partial<SubscriptionOptions> = { liveRefetchMs: 50, streamRefetchMs: 50, keepAliveMs: 60_000, initTimeoutMs: 400 };

export type Message = { type: string; id?: string; payload?: unknown };

export class WsClient {
  private readonly inbox: Message[] = [];
  private waiters: Array<() => void> = [];
  readonly keepAlives: Message[] = [];
  closeEvent: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as Message;
      if (message.type === "ka" || message.type === "ping") this.keepAlives.push(message);
      else this.inbox.push(message);
      this.wake();
    });
    ws.on("close", (code, reason) => {
      this.closeEvent = { code, reason: reason.toString("utf8") };
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Opens a socket offering `protocol` (none: the client offers no sub-protocol). */
  static open(url: string, protocol?: string, headers: Record<string, string> = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocol ? [protocol] : [], { headers });
      const client = new WsClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  private async until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; inbox: ${JSON.stringify(this.inbox)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next protocol message (keep-alives aside). */
  next(timeoutMs = 3000): Promise<Message> {
    return this.until(() => this.inbox.shift(), timeoutMs, "a message");
  }

  /** The next `count` protocol messages. */
  async take(count: number, timeoutMs = 3000): Promise<Message[]> {
    const out: Message[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next(timeoutMs));
    return out;
  }

  /** Resolves when the server has closed the socket. */
  closed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closeEvent ?? undefined, timeoutMs, "the close");
  }

  /** Waits `ms` and returns whatever protocol messages arrived meanwhile (expected: none). */
  async quiet(ms: number): Promise<Message[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.splice(0);
  }

  /** connection_init, then the ack (graphql-transport-ws and legacy alike). */
  async init(headers: Record<string, string>): Promise<void> {
    this.send({ type: "connection_init", payload: { headers } });
    const ack = await this.next();
    if (ack.type !== "connection_ack") throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
  }

  close(): void {
    this.ws.close();
  }
}

export interface Served {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves `engine` (HTTP and WebSocket) on 127.0.0.1 at a free port. */
export async function serve(engine: Engine): Promise<Served> {
  const server = createServer(engine.app);
  engine.attachWebSocket(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `ws://127.0.0.1:${port}/v1/graphql`,
    close: async () => {
      await engine.closeWebSockets();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface BlogSuite {
  readonly blog: BlogEngine;
  readonly served: Served;
  /** Opens a client (closed after each test) offering `protocol`. */
  connect(protocol?: string): Promise<WsClient>;
}

/**
 * Registers the file's hooks: the blog fixture on its own database, served
 * with FAST settings; clients opened through connect() close after each test.
 */
export function useBlogSuite(prefix: string): BlogSuite {
  let template: TestDatabase | undefined;
  let blog: BlogEngine | undefined;
  let served: Served | undefined;
  const open: WsClient[] = [];
  beforeAll(async () => {
    template = await createBlogTemplate(prefix);
    blog = await startBlogEngine(template, { subscriptions: FAST });
    served = await serve(blog.engine);
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await served?.close();
    await blog?.close();
    await template?.drop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("[engine/test/subscriptions] suite not started");
    return value;
  };
  return {
    get blog() {
      return started(blog);
    },
    get served() {
      return started(served);
    },
    async connect(protocol) {
      const client = await WsClient.open(started(served).url, protocol);
      open.push(client);
      return client;
    },
  };
}
