/**
 * Multiplexed polling of live queries and streaming subscriptions (Hasura
 * docs: subscriptions/postgres/livequery/execution, streaming; repo:
 * server/src-lib/Hasura/GraphQL/Execute/Subscription/Poll/*.hs).
 *
 * A poller owns one SQL text for one role (the same GraphQL subscription,
 * whatever the client or connection). Every refetch interval it groups its
 * subscribers into cohorts by the statement's parameters (query variables,
 * the session variables the permission reads, a stream's current cursor), so
 * identical subscriptions share one result. As Hasura does, up to `batchSize`
 * cohorts run as ONE statement: the cohorts' parameters travel as a JSON array
 * and the statement runs once per element (`cross join lateral`), each `$k`
 * read from it as the text node-postgres would have sent. That needs every
 * parameter to carry an explicit cast (`$k::type`), which the compiler writes;
 * a text where one does not falls back to one statement per cohort.
 *
 * Live query: a subscriber hears a result only when it differs from the last
 * one it was sent (the first poll always answers). Stream: a subscriber hears
 * each non-empty batch; its cursor moves to the batch's last cursor value.
 * A failed poll is reported to every subscriber of the cohort, each time.
 */
import type { Pool } from "pg";
import type { CompiledSql } from "../compile/sql";
import { fromDatabaseError } from "../execute/errors";
import { preparedName } from "../execute/statements";

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

/** A value as node-postgres sends a parameter (text, arrays as array literals); undefined for kinds we do not fold. */
function parameterText(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value) {
      if (item === null || item === undefined) {
        items.push("NULL");
        continue;
      }
      const text = parameterText(item);
      if (text === undefined || text === null) return undefined;
      items.push(Array.isArray(item) ? text : `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
    }
    return `{${items.join(",")}}`;
  }
  return undefined;
}

/**
 * `text` rewritten to run once per cohort of a JSON array parameter: every
 * `$k` outside quotes becomes the k-th text of the cohort. Null when a
 * placeholder has no explicit cast (its type would change from inferred to text).
 */
export function multiplexedText(text: string): string | null {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
      continue;
    }
    const m = ch === "$" ? /^\$(\d+)/.exec(text.slice(i)) : null;
    if (!m) {
      out += ch;
      continue;
    }
    if (!text.startsWith("::", i + m[0].length)) return null;
    out += `("__cohort"."vars" ->> ${Number(m[1]) - 1})`;
    i += m[0].length - 1;
  }
  return `select "__cohort"."ord" as "cohort", "__result".* from jsonb_array_elements($1::jsonb) with ordinality as "__cohort"("vars", "ord") cross join lateral (${out}) as "__result"`;
}

interface Cohort {
  values: unknown[];
  members: Member[];
}

class Poller {
  readonly members = new Set<Member>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  inflight: Promise<void> | null = null;

  private readonly folded: string | null;

  constructor(
    private readonly text: string,
    private readonly settings: PollSettings,
    private readonly pool: Pool,
  ) {
    this.folded = multiplexedText(text);
  }

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
    const cohorts = new Map<string, Cohort>();
    for (const member of this.members) {
      const values = member.values();
      const key = JSON.stringify(values);
      const cohort = cohorts.get(key);
      if (cohort) cohort.members.push(member);
      else cohorts.set(key, { values, members: [member] });
    }
    const all = [...cohorts.values()];
    const batches: Cohort[][] = [];
    for (let i = 0; i < all.length; i += this.settings.batchSize) batches.push(all.slice(i, i + this.settings.batchSize));
    // Batches run concurrently, as Hasura's pollers do (the pool bounds what reaches Postgres).
    await Promise.all(batches.map((batch) => this.runBatch(batch)));
  }

  private async runBatch(batch: Cohort[]): Promise<void> {
    const outcomes = await this.outcomes(batch);
    batch.forEach((cohort, i) => {
      // A subscriber that stopped while the query ran hears nothing.
      for (const member of cohort.members) if (!this.stopped && this.members.has(member)) member.deliver(outcomes[i]);
    });
  }

  /** One outcome per cohort: one folded statement for the batch when possible, else one statement each. */
  private async outcomes(batch: Cohort[]): Promise<PollOutcome[]> {
    const texts = batch.map((c) => c.values.map(parameterText));
    if (this.folded === null || batch.length === 1 || texts.some((t) => t.includes(undefined))) {
      return Promise.all(batch.map((c) => this.query(this.text, c.values).then((rows) => outcomeOf(rows[0]), failure)));
    }
    try {
      const rows = await this.query(this.folded, [JSON.stringify(texts)]);
      const byCohort = new Map(rows.map((r) => [Number(r.cohort), r]));
      return batch.map((_, i) => outcomeOf(byCohort.get(i + 1)));
    } catch (err: unknown) {
      return batch.map(() => failure(err));
    }
  }

  /** A poll re-runs the same text at every interval: prepared under its statement name (execute/statements.ts), it is parsed and planned once per connection. */
  private async query(text: string, values: unknown[]): Promise<PollRow[]> {
    return (await this.pool.query<PollRow>({ text, values, name: preparedName(text) })).rows;
  }
}

interface PollRow {
  cohort?: string | number;
  root: string | null;
  cursor?: string | null;
}

function outcomeOf(row: PollRow | undefined): PollOutcome {
  return { ok: true, root: row?.root ?? null, cursor: row?.cursor ?? null };
}

function failure(err: unknown): PollOutcome {
  return { ok: false, error: fromDatabaseError(err, "$") };
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
  const join = (pollKey: string, text: string, poll: PollSettings, member: Member): (() => void) => {
    let poller = pollers.get(pollKey);
    if (!poller) {
      poller = new Poller(text, poll, pool);
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
