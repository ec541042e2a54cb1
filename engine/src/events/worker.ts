/**
 * The event-trigger delivery worker (contract 1.4-1.6).
 *
 * hdb_catalog.event_log is the queue: a batch is claimed with one UPDATE over a
 * `for update skip locked` subselect, so any number of workers (engine
 * processes) share one database and each event is normally taken once. Each
 * claimed event is POSTed with at most `poolSize` requests in flight; the next
 * batch is fetched as soon as every event of the previous one has started (so
 * fetching overlaps delivery), and the loop sleeps only after an empty fetch.
 * A delivery slot is freed as soon as the receiver answered; outcomes are
 * written in batches, one statement for many events (invocation rows plus the
 * event_log update, the retry time computed in SQL), with up to
 * MAX_CONCURRENT_WRITES such statements at once. New batches are claimed only
 * while fewer than two batches' worth of claimed events are unrecorded, so a
 * slow database slows fetching instead of piling events up in memory.
 *
 * At least once: nothing is marked delivered before the receiver answered 2xx;
 * a worker that dies leaves its events locked, and any worker takes them again
 * once the lock is older than `staleLockSeconds` (Hasura: 30 minutes). A
 * graceful stop waits for in-flight deliveries (bounded) and unlocks the events
 * it had claimed but not started.
 */
import type { Pool } from "pg";
import { silentLogger, type Logger } from "../../../common/src/logger";
import { Napper, Semaphore } from "./concurrency";
import { createWebhookHttpClient, type WebhookHttpClient } from "./http-client";
import { invocationRecord, judgeAttempt, requestHeaders, type AttemptVerdict, type InvocationRecord } from "./invocation";
import { buildEventPayload, StoredEventPayloadSchema, type ClaimedEvent } from "./payload";
import type { PreparedTrigger } from "./prepare";
import type { EventSettings } from "./settings";
import { formatUtcTimestamp, utcTextOfTimestamp } from "./timestamps";

/** Outcome-writing statements allowed in flight at once (each on its own pooled connection). */
export const MAX_CONCURRENT_WRITES = 4;
/** Most outcomes written by one statement. */
const MAX_OUTCOMES_PER_WRITE = 1000;

/** Stand-in server version for the User-Agent header when the engine does not give one. */
export const DEFAULT_SERVER_VERSION = "v2.0.0-engine";

export interface EventWorkerOptions {
  pool: Pool;
  settings: EventSettings;
  logger?: Logger;
  /** Defaults to a pooled client sized by settings.poolSize. */
  http?: WebhookHttpClient;
  serverVersion?: string;
  /**
   * Awaited after each non-empty claimed batch, before delivery starts (tests
   * use it to kill a process between lock and delivery).
   */
  onClaimed?: (ids: readonly string[]) => void | Promise<void>;
}

interface Outcome {
  event: ClaimedEvent;
  verdict: AttemptVerdict;
  record: InvocationRecord;
}

/**
 * The worker's own bookkeeping commits asynchronously (synchronous_commit off
 * for that transaction only, set from inside the statement). Losing the last
 * few such commits in a database crash can only make an event be claimed or
 * delivered again, never lost, which at-least-once delivery allows; it saves
 * a WAL flush per batch (PostgreSQL docs, "Asynchronous Commit").
 */
const ASYNC_COMMIT_CTE = `cfg as (select set_config('synchronous_commit', 'off', true) as async_commit)`;

const CLAIM_SQL = `
with ${ASYNC_COMMIT_CTE}
update hdb_catalog.event_log set locked = now()
  from cfg
 where id in (
   select l.id from hdb_catalog.event_log l
    where l.delivered = 'f' and l.error = 'f' and l.archived = 'f'
      and (l.locked is null or l.locked < now() - make_interval(secs => $3))
      and (l.next_retry_at is null or l.next_retry_at <= (now() at time zone 'utc'))
      and l.trigger_name = any($1::text[])
    order by locked nulls first, next_retry_at nulls first, created_at
    limit $2
    for update skip locked)
returning id, schema_name, table_name, trigger_name, payload, tries, ${utcTextOfTimestamp("created_at")} as created_at`;

// One JSON parameter for the whole batch: cheaper to build than seven array
// literals, and json_to_recordset unpacks it in the server.
const FINISH_SQL = `
with ${ASYNC_COMMIT_CTE}, o as (
  select * from json_to_recordset($1::json)
    as o(id text, trigger_name text, status int, request json, response json, verdict text, retry_after float8)
), logged as (
  insert into hdb_catalog.event_invocation_logs (trigger_name, event_id, status, request, response)
  select trigger_name, id, status, request, response from o
)
update hdb_catalog.event_log l
   set tries = l.tries + 1,
       delivered = (o.verdict = 'delivered'),
       error = (o.verdict = 'error'),
       next_retry_at = case when o.verdict = 'retry'
                            then (now() at time zone 'utc') + make_interval(secs => o.retry_after) end,
       locked = null
  from o, cfg where l.id = o.id`;

export class EventWorker {
  private readonly pool: Pool;
  private readonly settings: EventSettings;
  private readonly logger: Logger;
  private readonly http: WebhookHttpClient;
  private readonly ownsHttp: boolean;
  private readonly serverVersion: string;
  private readonly onClaimed?: (ids: readonly string[]) => void | Promise<void>;
  private triggers = new Map<string, PreparedTrigger>();
  private readonly slots: Semaphore;
  private readonly napper = new Napper();
  /** Claimed and not yet finished (delivered, retried, errored or released). */
  private readonly held = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private pendingOutcomes: { outcome: Outcome; done: () => void }[] = [];
  private activeWrites = 0;
  private writeScheduled = false;
  /** Resolved whenever a write finishes (backpressure and flushAll wait on it). */
  private progressWaiters: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(options: EventWorkerOptions) {
    this.pool = options.pool;
    this.settings = options.settings;
    this.logger = options.logger ?? silentLogger();
    this.ownsHttp = options.http === undefined;
    this.http = options.http ?? createWebhookHttpClient({ maxSockets: options.settings.poolSize });
    this.serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
    this.onClaimed = options.onClaimed;
    this.slots = new Semaphore(options.settings.poolSize);
  }

  /** Replaces the triggers this worker delivers for (after a metadata reload). */
  setTriggers(triggers: ReadonlyMap<string, PreparedTrigger>): void {
    this.triggers = new Map(triggers);
    this.napper.interrupt();
  }

  /** Ends the current fetch-interval sleep, e.g. after a manual invocation. */
  wake(): void {
    this.napper.interrupt();
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /**
   * Stops fetching, waits up to the graceful-shutdown timeout for in-flight
   * deliveries, records their outcomes and unlocks events not yet started.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.napper.interrupt();
    this.slots.abortWaiting();
    this.wakeProgress();
    await this.loop;
    this.loop = undefined;
    const drained = Promise.all([...this.inFlight]).then(() => true);
    const timedOut = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), this.settings.shutdownTimeoutMs);
      t.unref();
    });
    await Promise.race([drained, timedOut]);
    await this.flushAll();
    if (this.held.size > 0) {
      const ids = [...this.held];
      this.held.clear();
      await this.pool.query("update hdb_catalog.event_log set locked = null where id = any($1::text[])", [ids]);
    }
    if (this.ownsHttp) this.http.close();
  }

  /**
   * One claim-and-deliver round; resolves when every claimed event has been
   * recorded. Returns how many events were claimed. For tests and the bench.
   */
  async runOnce(): Promise<number> {
    const batch = await this.claim();
    for (const event of batch) await this.startDelivery(event);
    await Promise.all([...this.inFlight]);
    await this.flushAll();
    return batch.length;
  }

  private async run(): Promise<void> {
    const maxUnrecorded = 2 * Math.max(this.settings.batchSize, this.settings.poolSize);
    while (!this.stopping) {
      if (this.held.size >= maxUnrecorded) {
        await this.nextProgress();
        continue;
      }
      let batch: ClaimedEvent[];
      try {
        batch = await this.claim();
      } catch (err) {
        this.logger.error({ err }, "event fetch failed");
        await this.napper.sleep(this.settings.fetchIntervalMs);
        continue;
      }
      if (batch.length === 0) {
        await this.napper.sleep(this.settings.fetchIntervalMs);
        continue;
      }
      for (const event of batch) {
        // Events not started stay in `held`; stop() unlocks them.
        if (this.stopping || !(await this.startDelivery(event))) break;
      }
    }
  }

  private async claim(): Promise<ClaimedEvent[]> {
    const names = [...this.triggers.keys()];
    if (names.length === 0) return [];
    const { rows } = await this.pool.query<{
      id: string;
      schema_name: string;
      table_name: string;
      trigger_name: string;
      payload: unknown;
      tries: number;
      created_at: string;
    }>(CLAIM_SQL, [names, this.settings.batchSize, this.settings.staleLockSeconds]);
    const events: ClaimedEvent[] = [];
    for (const row of rows) {
      this.held.add(row.id);
      const parsed = StoredEventPayloadSchema.safeParse(row.payload);
      if (!parsed.success) {
        // Not written by insert_event_log; deliver nothing and park it as an error.
        this.logger.error({ eventId: row.id, triggerName: row.trigger_name }, "event_log payload has an unexpected shape");
        await this.pool.query("update hdb_catalog.event_log set error = true, locked = null where id = $1", [row.id]);
        this.held.delete(row.id);
        continue;
      }
      events.push({
        id: row.id,
        schemaName: row.schema_name,
        tableName: row.table_name,
        triggerName: row.trigger_name,
        payload: parsed.data,
        tries: row.tries,
        createdAt: formatUtcTimestamp(row.created_at),
      });
    }
    if (events.length > 0 && this.onClaimed) await this.onClaimed(events.map((e) => e.id));
    return events;
  }

  /** Starts delivering once a slot is free; false when shutdown ended the wait. */
  private async startDelivery(event: ClaimedEvent): Promise<boolean> {
    if (!(await this.slots.acquire())) return false;
    if (this.stopping) {
      this.slots.release();
      return false;
    }
    let released = false;
    const releaseSlot = (): void => {
      if (released) return;
      released = true;
      this.slots.release();
    };
    const task = this.deliver(event, releaseSlot)
      .catch((err: unknown) => this.logger.error({ err, eventId: event.id }, "event delivery failed unexpectedly"))
      .finally(() => {
        releaseSlot();
        this.inFlight.delete(task);
      });
    this.inFlight.add(task);
    return true;
  }

  /** Delivers one event and records the outcome; `releaseSlot` is called once the HTTP exchange is over. */
  private async deliver(event: ClaimedEvent, releaseSlot: () => void): Promise<void> {
    const trigger = this.triggers.get(event.triggerName);
    if (!trigger) {
      // Contract 1.4: the trigger vanished from metadata; unlock, retry in a minute.
      await this.pool.query(
        `update hdb_catalog.event_log set locked = null, next_retry_at = (now() at time zone 'utc') + interval '1 minute' where id = $1`,
        [event.id],
      );
      this.held.delete(event.id);
      return;
    }
    const payload = buildEventPayload(event, trigger.retry.num_retries);
    const headers = requestHeaders(this.serverVersion, trigger.headers);
    const outcome = await this.http.postJson(trigger.url, JSON.stringify(payload), headers.send, trigger.retry.timeout_sec * 1000);
    releaseSlot();
    const verdict = judgeAttempt(outcome, event.tries, trigger.retry.num_retries, trigger.retry.interval_sec);
    const record = invocationRecord(payload, headers.log, outcome);
    const log = this.logger.child({ triggerName: trigger.name, eventId: event.id, attempt: event.tries + 1 });
    if (verdict.kind === "delivered") log.debug({ status: record.status }, "event delivered");
    else log.info({ status: record.status, verdict: verdict.kind }, "event delivery failed");
    await this.record({ event, verdict, record });
  }

  /** Queues an outcome for the next batched write; resolves once it is stored. */
  private record(outcome: Outcome): Promise<void> {
    return new Promise((resolve) => {
      this.pendingOutcomes.push({ outcome, done: resolve });
      if (!this.writeScheduled) {
        // Let the outcomes of this turn of the event loop gather first.
        this.writeScheduled = true;
        setImmediate(() => {
          this.writeScheduled = false;
          this.pumpWrites();
          // Another write may have taken these outcomes already: waiters must not hang.
          if (this.activeWrites === 0) this.wakeProgress();
        });
      }
    });
  }

  /** Starts writes while there are outcomes and free write slots. */
  private pumpWrites(): void {
    while (this.activeWrites < MAX_CONCURRENT_WRITES && this.pendingOutcomes.length > 0) {
      const batch = this.pendingOutcomes.splice(0, MAX_OUTCOMES_PER_WRITE);
      this.activeWrites += 1;
      this.writeOutcomes(batch.map((b) => b.outcome))
        .catch((err: unknown) => {
          // The events stay locked and are taken again after the stale-lock
          // age: delivered at least once, possibly twice, never lost.
          this.logger.error({ err, events: batch.length }, "recording event outcomes failed");
        })
        .finally(() => {
          for (const b of batch) {
            this.held.delete(b.outcome.event.id);
            b.done();
          }
          this.activeWrites -= 1;
          this.wakeProgress();
          this.pumpWrites();
        });
    }
  }

  private wakeProgress(): void {
    for (const wake of this.progressWaiters.splice(0)) wake();
  }

  private nextProgress(): Promise<void> {
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  /** Resolves once every queued outcome is written. */
  private async flushAll(): Promise<void> {
    while (this.activeWrites > 0 || this.pendingOutcomes.length > 0 || this.writeScheduled) {
      if (this.activeWrites === 0 && !this.writeScheduled) this.pumpWrites();
      await this.nextProgress();
    }
  }

  private async writeOutcomes(outcomes: readonly Outcome[]): Promise<void> {
    const rows = outcomes.map((o) => ({
      id: o.event.id,
      trigger_name: o.event.triggerName,
      status: o.record.status,
      request: o.record.request,
      response: o.record.response,
      verdict: o.verdict.kind,
      retry_after: o.verdict.kind === "retry" ? o.verdict.afterSeconds : null,
    }));
    await this.pool.query(FINISH_SQL, [JSON.stringify(rows)]);
  }
}
