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
  let connected = true;
  // Without a listener ioredis prints every reconnect failure to stderr; log state changes once instead.
  client.on("error", (err: Error) => {
    if (!connected) return;
    connected = false;
    options.logger?.error({ reason: err.message }, "rate-limit Redis connection lost; reconnecting");
  });
  client.on("ready", () => {
    if (connected) return;
    connected = true;
    options.logger?.info("rate-limit Redis connection restored");
  });
  await client.connect();
  const store = new RedisStore({
    prefix: options.prefix ?? "conduit:rl:",
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
  });
  return {
    store,
    async close() {
      client.disconnect();
    },
  };
}
