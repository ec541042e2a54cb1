/**
 * Multiplexed polling of live queries and streaming subscriptions (Hasura
 * docs: subscriptions/postgres/livequery/execution, streaming; repo:
 * server/src-lib/Hasura/GraphQL/Execute/Subscription/Poll/*.hs).
 *
 * A poller owns one SQL text for one role (the same GraphQL subscription,
 * whatever the client or connection). Every refetch interval it groups its
 * subscribers into cohorts by the statement's parameters (query variables,
 * the session variables the permission reads, a stream's current cursor) and
 * runs the statement once per cohort, so identical subscriptions share one
 * query. Cohorts run `batchSize` at a time (Hasura folds a batch of cohorts
 * into one statement; here each cohort is its own statement, at most
 * `batchSize` of them in flight per poller).
 *
 * Live query: a subscriber hears a result only when it differs from the last
 * one it was sent (the first poll always answers). Stream: a subscriber hears
 * each non-empty batch; its cursor moves to the batch's last cursor value.
 * A failed poll is reported to every subscriber of the cohort, each time.
 */
import type { Pool } from "pg";
import type { CompiledSql } from "../compile/sql";
import { fromDatabaseError } from "../execute/errors";

export interface PollSettings {
  /** Milliseconds between the end of one poll and the start of the next. */
  refetchMs: number;
  /** Cohorts queried at the same time by one poller. */
  batchSize: number;
}

export type PollOutcome = { ok: true; root: string | null; cursor: string | null } | { ok: false; error: unknown };

interface Member {
  /** The statement's parameters for this subscriber now. */
  values(): unknown[];
  deliver(outcome: PollOutcome): void;
}

class Poller {
  readonly members = new Set<Member>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  inflight: Promise<void> | null = null;

  constructor(
    private readonly text: string,
    private readonly settings: PollSettings,
    private readonly run: (text: string, values: unknown[]) => Promise<PollOutcome>,
  ) {}

  add(member: Member): void {
    this.members.add(member);
    // A new poller answers at once; a subscriber joining a running one hears the next poll (as in Hasura).
    if (this.members.size === 1 && this.timer === null && this.inflight === null) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inflight = this.poll().finally(() => {
        this.inflight = null;
        if (!this.stopped && this.members.size > 0) this.schedule(this.settings.refetchMs);
      });
    }, ms);
    // Polling alone never keeps the process alive (the sockets it serves do).
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const cohorts = new Map<string, { values: unknown[]; members: Member[] }>();
    for (const member of this.members) {
      const values = member.values();
      const key = JSON.stringify(values);
      const cohort = cohorts.get(key);
      if (cohort) cohort.members.push(member);
      else cohorts.set(key, { values, members: [member] });
    }
    const all = [...cohorts.values()];
    for (let i = 0; i < all.length && !this.stopped; i += this.settings.batchSize) {
      await Promise.all(
        all.slice(i, i + this.settings.batchSize).map(async (cohort) => {
          const outcome = await this.run(this.text, cohort.values);
          // A subscriber that stopped while the query ran hears nothing.
          for (const member of cohort.members) if (!this.stopped && this.members.has(member)) member.deliver(outcome);
        }),
      );
    }
  }
}

export interface LiveCallbacks {
  result(rootText: string | null): void;
  error(error: unknown): void;
}

export interface StreamCallbacks {
  /** One non-empty batch (the root list as JSON text). */
  result(rootText: string): void;
  error(error: unknown): void;
}

export interface PollRegistry {
  subscribeLive(pollKey: string, compiled: CompiledSql, callbacks: LiveCallbacks): () => void;
  subscribeStream(pollKey: string, compiled: CompiledSql, cursorIndex: number, initialCursor: unknown, callbacks: StreamCallbacks): () => void;
  /** Pollers and subscribers now (for tests and logs). */
  stats(): { pollers: number; subscribers: number };
  /** Stops every poller and waits for queries in flight. */
  close(): Promise<void>;
}

/** Creates the registry of pollers over `pool`. */
export function createPollRegistry(pool: Pool, settings: { live: PollSettings; stream: PollSettings }): PollRegistry {
  const pollers = new Map<string, Poller>();
  const run = async (text: string, values: unknown[]): Promise<PollOutcome> => {
    try {
      const result = await pool.query<{ root: string | null; cursor?: string | null }>({ text, values });
      const row = result.rows[0];
      return { ok: true, root: row?.root ?? null, cursor: row?.cursor ?? null };
    } catch (err: unknown) {
      return { ok: false, error: fromDatabaseError(err, "$") };
    }
  };
  const join = (pollKey: string, text: string, poll: PollSettings, member: Member): (() => void) => {
    let poller = pollers.get(pollKey);
    if (!poller) {
      poller = new Poller(text, poll, run);
      pollers.set(pollKey, poller);
    }
    poller.add(member);
    const owner = poller;
    return () => {
      owner.members.delete(member);
      if (owner.members.size === 0) {
        owner.stop();
        if (pollers.get(pollKey) === owner) pollers.delete(pollKey);
      }
    };
  };
  return {
    subscribeLive(pollKey, compiled, callbacks) {
      let last: string | null | undefined;
      return join(pollKey, compiled.text, settings.live, {
        values: () => compiled.values,
        deliver: (outcome) => {
          if (!outcome.ok) return callbacks.error(outcome.error);
          if (last !== undefined && outcome.root === last) return;
          last = outcome.root;
          callbacks.result(outcome.root);
        },
      });
    },
    subscribeStream(pollKey, compiled, cursorIndex, initialCursor, callbacks) {
      let cursor = initialCursor;
      return join(pollKey, compiled.text, settings.stream, {
        values: () => compiled.values.map((v, i) => (i === cursorIndex ? cursor : v)),
        deliver: (outcome) => {
          if (!outcome.ok) return callbacks.error(outcome.error);
          // No rows: the cursor stays (StreamingQuery.hs mergeOldAndNewCursorValues) and nothing is sent.
          if (outcome.cursor !== null) cursor = outcome.cursor;
          if (outcome.root !== null && outcome.root !== "[]") callbacks.result(outcome.root);
        },
      });
    },
    stats() {
      let subscribers = 0;
      for (const p of pollers.values()) subscribers += p.members.size;
      return { pollers: pollers.size, subscribers };
    },
    async close() {
      const running = [...pollers.values()];
      for (const p of running) p.stop();
      pollers.clear();
      await Promise.all(running.map((p) => p.inflight));
    },
  };
}
