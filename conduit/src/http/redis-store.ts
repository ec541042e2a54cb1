/**
 * The shared rate-limit store for several conduit replicas: rate-limit-redis
 * (express-rate-limit's own Redis store) over ioredis. Built only in main.ts,
 * when RATE_LIMIT_REDIS_URL is set; the window comes from the limiter itself.
 */
import type { Store } from "express-rate-limit";
import { Redis } from "ioredis";
import { RedisStore, type RedisReply } from "rate-limit-redis";

export async function createRedisRateLimitStore(url: string): Promise<Store> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await client.connect();
  return new RedisStore({
    prefix: "conduit:rl:",
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
  });
}
