/**
 * Micro-batching for the one call every webhook makes, the intake insert:
 * inserts arriving in the same event-loop turn share one GraphQL round trip.
 * Under load this turns one round trip per request into one per batch; alone,
 * a request waits only until the next turn. (The content window needs no read
 * of its own: the insert applies it, see migration 1795460050000.)
 *
 * Semantics are unchanged per caller: the insert tells each caller how many of
 * ITS rows were new (ids are assigned here and read back from `returning`). If
 * the shared call fails, every caller in the batch gets the error (500, the
 * platforms retry); nothing is acknowledged that was not committed.
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

const InsertBatchResult = z.object({ insertWebhookIntake: z.object({ returning: z.array(z.object({ id: z.string() })) }).nullable() });

export interface BatchingOptions {
  /** Largest number of rows in one round trip. */
  maxItems?: number;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Wraps `inner`, replacing `insertIntake` with a batched version over `request`. */
export function withBatching(inner: IntakeStore, request: AdminRequest, options: BatchingOptions = {}): IntakeStore {
  const maxItems = options.maxItems ?? 500;

  const insert = batcher<readonly IntakeRow[], number>(
    async (inputs) => {
      const withIds = inputs.map((rows) => rows.map((row) => ({ ...row, id: randomUUID() })));
      // One order for every batch (controller, then content key): the insert takes a
      // lock per content key (the window check), and batches that lock in the same
      // order cannot deadlock each other.
      const objects = withIds.flat().sort((a, b) => compare(a.controllerId, b.controllerId) || compare(a.contentKey, b.contentKey));
      const result = await request(InsertBatchResult, "InsertWebhookIntakeBatch", { objects });
      const inserted = new Set((result.insertWebhookIntake?.returning ?? []).map((r) => r.id));
      return withIds.map((rows) => rows.filter((r) => inserted.has(r.id)).length);
    },
    maxItems,
    (rows) => rows.length,
  );

  return {
    ...inner,
    insertIntake: (rows) => (rows.length === 0 ? Promise.resolve(0) : insert(rows)),
  };
}
