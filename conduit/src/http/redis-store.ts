/**
 * The shared rate-limit store for several conduit replicas: rate-limit-redis
 * (express-rate-limit's own Redis store) over ioredis. Built only in main.ts,
 * when RATE_LIMIT_REDIS_URL is set; the window comes from the limiter itself.
 *
 * Start-up connects once and fails if Redis cannot be reached, so a wrong URL
 * stops the replica instead of running unlimited unnoticed. Later outages do
 * not: commands fail at once (no offline queue), the limiter lets requests
 * through (http/rate-limit.ts says why), and ioredis reconnects in the
 * background; rate-limit-redis reloads its script into a restarted Redis.
 */
import type { Store } from "express-rate-limit";
import { Redis } from "ioredis";
import { RedisStore, type RedisReply } from "rate-limit-redis";
import type { Logger } from "../../../common/src/logger";

export interface RedisRateLimitStore {
  store: Store;
  /** Closes the connection (graceful shutdown, tests). */
  close(): Promise<void>;
}

export async function createRedisRateLimitStore(url: string, options: { logger?: Logger; prefix?: string } = {}): Promise<RedisRateLimitStore> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  let connected = false;
  let lost = false;
  let closing = false;
  let lastError: string | undefined;
  // A connection is lost either with an error or by a plain close (Redis shut down cleanly: ioredis then
  // emits 'close' and reconnects, and an 'error' comes only if a reconnect attempt fails). Log the
  // change of state once, whichever event shows it first.
  const connectionLost = (reason: string): void => {
    if (!connected || closing) return;
    connected = false;
    lost = true;
    options.logger?.error({ reason }, "rate-limit Redis connection lost; reconnecting");
  };
  // Without a listener ioredis prints every reconnect failure to stderr.
  client.on("error", (err: Error) => {
    lastError = err.message;
    connectionLost(err.message);
  });
  client.on("close", () => connectionLost(lastError ?? "connection closed"));
  client.on("ready", () => {
    connected = true;
    lastError = undefined;
    if (lost) options.logger?.info("rate-limit Redis connection restored");
    lost = false;
  });
  try {
    await client.connect();
  } catch (err: unknown) {
    client.disconnect();
    // Host and port only: the URL may hold a password.
    const { hostname, port } = new URL(url);
    throw new Error(`cannot reach the rate-limit Redis at ${hostname}:${port || "6379"} (RATE_LIMIT_REDIS_URL): ${lastError ?? (err instanceof Error ? err.message : String(err))}`);
  }
  const store = new RedisStore({
    prefix: options.prefix ?? "conduit:rl:",
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
  });
  return {
    store,
    async close() {
      closing = true;
      client.disconnect();
    },
  };
}
