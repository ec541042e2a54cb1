/**
 * A small bounded LRU with a time-to-live, for controller and processor
 * lookups on the hot path. Map keeps insertion order, so re-inserting on read
 * makes the first key the least recently used.
 */
export class TtlLru<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Wraps an async lookup with the cache; concurrent misses for one key share one call. */
export function cached<V>(cache: TtlLru<V>, load: (key: string) => Promise<V>): (key: string) => Promise<V> {
  const pending = new Map<string, Promise<V>>();
  return async (key: string) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const inflight = pending.get(key);
    if (inflight) return inflight;
    const promise = load(key)
      .then((value) => {
        cache.set(key, value);
        return value;
      })
      .finally(() => pending.delete(key));
    pending.set(key, promise);
    return promise;
  };
}
