/**
 * A fixed-window counter per key, in memory (one handlers replica; behind
 * several replicas each allows its share, which still bounds abuse). Keys are
 * SHA-256 digests, so no IP address is held in clear.
 */
import { createHash } from "node:crypto";

export interface RateLimiter {
  /** Counts one hit; answers whether it is allowed and, if not, how long to wait. */
  hit(key: string, now: Date): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const maxKeys = options.maxKeys ?? 100_000;
  return {
    hit(key, now) {
      const digest = createHash("sha256").update(key).digest("hex");
      const t = now.getTime();
      let entry = windows.get(digest);
      if (!entry || t - entry.start >= options.windowMs) {
        if (windows.size >= maxKeys) {
          // Drop expired windows first; the map never grows without bound.
          for (const [k, v] of windows) if (t - v.start >= options.windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
        }
        entry = { start: t, count: 0 };
        windows.set(digest, entry);
      }
      entry.count += 1;
      if (entry.count <= options.limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((entry.start + options.windowMs - t) / 1000)) };
    },
  };
}
