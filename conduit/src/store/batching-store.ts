/**
 * Micro-batching for the two calls every webhook makes (the de-duplication
 * window query and the intake insert): calls arriving in the same event-loop
 * turn share one GraphQL round trip. Under load this turns 2 round trips per
 * request into 2 per batch; alone, a request waits only until the next turn.
 *
 * Semantics are unchanged per caller: the window query answers exactly the
 * caller's keys, and the insert tells each caller how many of ITS rows were new
 * (ids are assigned here and read back from `returning`). If the shared call
 * fails, every caller in the batch gets the error (500, the platforms retry);
 * nothing is acknowledged that was not committed.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AdminRequest } from "./operations";
import type { IntakeRow, IntakeStore } from "./types";

interface Pending<I, O> {
  input: I;
  resolve(value: O): void;
  reject(err: unknown): void;
}

/** Collects calls until the next turn (or `maxItems`), then runs `flush` once for all. */
function batcher<I, O>(flush: (inputs: I[]) => Promise<O[]>, maxItems: number, size: (input: I) => number): (input: I) => Promise<O> {
  let queue: Pending<I, O>[] = [];
  let queued = 0;
  const send = (): void => {
    const batch = queue;
    queue = [];
    queued = 0;
    if (batch.length === 0) return; // already sent because it filled up
    flush(batch.map((p) => p.input)).then(
      (outputs) => batch.forEach((p, i) => p.resolve(outputs[i])),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(send);
      queue.push({ input, resolve, reject });
      queued += size(input);
      if (queued >= maxItems) send();
    });
}

const RecentBatchResult = z.object({ webhookIntake: z.array(z.object({ controllerId: z.string(), contentKey: z.string(), receivedAt: z.string() })) });
const InsertBatchResult = z.object({ insertWebhookIntake: z.object({ returning: z.array(z.object({ id: z.string() })) }).nullable() });

export interface BatchingOptions {
  /** Largest number of rows (insert) or keys (window query) in one round trip. */
  maxItems?: number;
}

/** Wraps `inner`, replacing `recentContentKeys` and `insertIntake` with batched versions over `request`. */
export function withBatching(inner: IntakeStore, request: AdminRequest, options: BatchingOptions = {}): IntakeStore {
  const maxItems = options.maxItems ?? 500;

  type RecentInput = { controllerId: string; keys: readonly string[]; since: Date };
  const recent = batcher<RecentInput, Set<string>>(
    async (inputs) => {
      const where = {
        _or: inputs.map((i) => ({ controllerId: { _eq: i.controllerId }, contentKey: { _in: [...new Set(i.keys)] }, receivedAt: { _gte: i.since.toISOString() } })),
      };
      const found = (await request(RecentBatchResult, "FindRecentWebhookIntakeBatch", { where })).webhookIntake;
      return inputs.map((i) => {
        const mine = new Set(i.keys);
        return new Set(found.filter((r) => r.controllerId === i.controllerId && mine.has(r.contentKey) && Date.parse(r.receivedAt) >= i.since.getTime()).map((r) => r.contentKey));
      });
    },
    maxItems,
    (i) => i.keys.length,
  );

  const insert = batcher<readonly IntakeRow[], number>(
    async (inputs) => {
      const withIds = inputs.map((rows) => rows.map((row) => ({ ...row, id: randomUUID() })));
      const result = await request(InsertBatchResult, "InsertWebhookIntakeBatch", { objects: withIds.flat() });
      const inserted = new Set((result.insertWebhookIntake?.returning ?? []).map((r) => r.id));
      return withIds.map((rows) => rows.filter((r) => inserted.has(r.id)).length);
    },
    maxItems,
    (rows) => rows.length,
  );

  return {
    ...inner,
    recentContentKeys: (controllerId, keys, since) => (keys.length === 0 ? Promise.resolve(new Set<string>()) : recent({ controllerId, keys, since })),
    insertIntake: (rows) => (rows.length === 0 ? Promise.resolve(0) : insert(rows)),
  };
}
