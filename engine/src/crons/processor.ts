/**
 * Delivery of cron events and one-off scheduled events (contract 2.2, 2.3).
 *
 * Every cycle: top up cron ticks, then lock due rows of both tables with
 * `for update skip locked` (status `locked`), and for each: past
 * `tolerance_seconds` after its scheduled time → `dead`, not sent; else POST
 * Hasura's body, log the invocation, and mark `delivered`, back to `scheduled`
 * with `next_retry_at` (retry), or `error` when retries are used up.
 *
 * The clock is injected and passed to SQL, so tests move time instead of
 * sleeping. At start, rows left `locked` by a process that died are put back
 * to `scheduled` (Hasura does the same when it starts), so they are delivered.
 */
import type { Pool } from "pg";
import { z } from "zod";
import { silentLogger, type Logger } from "../../../common/src/logger";
import { HeaderConfSchema } from "../events/definition";
import { Napper, Semaphore } from "../events/concurrency";
import { createWebhookHttpClient, type HttpOutcome, type WebhookHttpClient } from "../events/http-client";
import { invocationRecord, judgeAttempt, requestHeaders, type AttemptVerdict } from "../events/invocation";
import { formatUtcTimestamp, utcTextOfTimestamptz } from "../events/timestamps";
import { resolveHeaders, resolveTemplate, WebhookConfError, type Env, type ResolvedHeader } from "../events/webhook-conf";
import { DEFAULT_SERVER_VERSION } from "../events/worker";
import { ScheduledRetryConfSchema, type CronTriggerDef, type ScheduledRetryConf } from "./definition";
import { syncCronEvents } from "./generator";

export interface CronSettings {
  /** Milliseconds between processing cycles (Hasura: about 10 s). */
  intervalMs: number;
  /** Max concurrent deliveries. */
  poolSize: number;
  /** Max rows locked per table per cycle. */
  batchSize: number;
}

export const DEFAULT_CRON_SETTINGS: CronSettings = { intervalMs: 10_000, poolSize: 10, batchSize: 100 };

export interface CronProcessorOptions {
  pool: Pool;
  env: Env;
  settings?: CronSettings;
  logger?: Logger;
  http?: WebhookHttpClient;
  serverVersion?: string;
  clock?: () => Date;
}

/** The body for a cron event (contract 2.3). */
export interface CronWebhookPayload {
  id: string;
  name: string;
  scheduled_time: string;
  payload: unknown;
  comment?: string;
}

/** The body for a one-off event (contract 2.3): no name, plus created_at. */
export interface OneOffWebhookPayload {
  id: string;
  scheduled_time: string;
  payload: unknown;
  created_at: string;
  comment?: string;
}

interface Delivery {
  table: "hdb_cron_events" | "hdb_scheduled_events";
  logTable: "hdb_cron_event_invocation_logs" | "hdb_scheduled_event_invocation_logs";
  id: string;
  label: string;
  scheduledAt: Date;
  tries: number;
  retry: ScheduledRetryConf;
  body: CronWebhookPayload | OneOffWebhookPayload;
  /** Resolved lazily so a missing variable becomes a logged failed attempt. */
  target: () => { url: string; headers: ResolvedHeader[] };
}

export interface CycleResult {
  delivered: number;
  retried: number;
  errored: number;
  dead: number;
}

const OneOffRowSchema = z.object({
  id: z.string(),
  webhook_conf: z.string(),
  retry_conf: ScheduledRetryConfSchema.nullable(),
  payload: z.unknown(),
  header_conf: z.array(HeaderConfSchema).nullable(),
  comment: z.string().nullable(),
  tries: z.number(),
  scheduled_at: z.date(),
  scheduled_text: z.string(),
  created_text: z.string(),
});

export class CronProcessor {
  private readonly pool: Pool;
  private readonly env: Env;
  private readonly settings: CronSettings;
  private readonly logger: Logger;
  private readonly http: WebhookHttpClient;
  private readonly ownsHttp: boolean;
  private readonly serverVersion: string;
  private readonly clock: () => Date;
  private triggers = new Map<string, CronTriggerDef>();
  private readonly napper = new Napper();
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(options: CronProcessorOptions) {
    this.pool = options.pool;
    this.env = options.env;
    this.settings = options.settings ?? DEFAULT_CRON_SETTINGS;
    this.logger = options.logger ?? silentLogger();
    this.ownsHttp = options.http === undefined;
    this.http = options.http ?? createWebhookHttpClient({ maxSockets: this.settings.poolSize });
    this.serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
    this.clock = options.clock ?? (() => new Date());
  }

  setCronTriggers(triggers: readonly CronTriggerDef[]): void {
    this.triggers = new Map(triggers.map((t) => [t.name, t]));
    this.napper.interrupt();
  }

  /** Ends the current sleep (after create_scheduled_event, for instance). */
  wake(): void {
    this.napper.interrupt();
  }

  /** Puts rows left `locked` by a dead process back to `scheduled`. */
  async releaseAbandonedLocks(): Promise<number> {
    const a = await this.pool.query("update hdb_catalog.hdb_cron_events set status = 'scheduled' where status = 'locked'");
    const b = await this.pool.query("update hdb_catalog.hdb_scheduled_events set status = 'scheduled' where status = 'locked'");
    return (a.rowCount ?? 0) + (b.rowCount ?? 0);
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    await this.releaseAbandonedLocks();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.napper.interrupt();
    await this.loop;
    this.loop = undefined;
    if (this.ownsHttp) this.http.close();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.runOnce();
      } catch (err) {
        this.logger.error({ err }, "scheduled event cycle failed");
      }
      if (!this.stopping) await this.napper.sleep(this.settings.intervalMs);
    }
  }

  /** One cycle: generate, claim and deliver what is due. */
  async runOnce(): Promise<CycleResult> {
    const now = this.clock();
    await syncCronEvents(this.pool, [...this.triggers.values()], now);
    const due = [...(await this.claimCron(now)), ...(await this.claimOneOff(now))];
    const result: CycleResult = { delivered: 0, retried: 0, errored: 0, dead: 0 };
    const slots = new Semaphore(this.settings.poolSize);
    await Promise.all(
      due.map(async (d) => {
        await slots.acquire();
        try {
          const verdict = await this.process(d, now);
          if (verdict === "dead") result.dead += 1;
          else if (verdict.kind === "delivered") result.delivered += 1;
          else if (verdict.kind === "retry") result.retried += 1;
          else result.errored += 1;
        } catch (err) {
          this.logger.error({ err, eventId: d.id }, "scheduled event processing failed");
        } finally {
          slots.release();
        }
      }),
    );
    return result;
  }

  private async claimCron(now: Date): Promise<Delivery[]> {
    const names = [...this.triggers.keys()];
    if (names.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string; trigger_name: string; tries: number; scheduled_at: Date; scheduled_text: string }>(
      `update hdb_catalog.hdb_cron_events set status = 'locked'
        where id in (
          select id from hdb_catalog.hdb_cron_events
           where status = 'scheduled' and trigger_name = any($2::text[])
             and ((next_retry_at is null and scheduled_time <= $1) or next_retry_at <= $1)
           order by scheduled_time
           limit $3
           for update skip locked)
       returning id, trigger_name, tries, scheduled_time as scheduled_at, ${utcTextOfTimestamptz("scheduled_time")} as scheduled_text`,
      [now, names, this.settings.batchSize],
    );
    const out: Delivery[] = [];
    for (const row of rows) {
      const trigger = this.triggers.get(row.trigger_name);
      if (!trigger) {
        await this.pool.query("update hdb_catalog.hdb_cron_events set status = 'scheduled' where id = $1", [row.id]);
        continue;
      }
      const body: CronWebhookPayload = {
        id: row.id,
        name: trigger.name,
        scheduled_time: formatUtcTimestamp(row.scheduled_text),
        payload: trigger.payload ?? null,
        ...(trigger.comment !== undefined ? { comment: trigger.comment } : {}),
      };
      const where = `cron trigger ${trigger.name}`;
      out.push({
        table: "hdb_cron_events",
        logTable: "hdb_cron_event_invocation_logs",
        id: row.id,
        label: trigger.name,
        scheduledAt: row.scheduled_at,
        tries: row.tries,
        retry: trigger.retry_conf,
        body,
        target: () => ({ url: resolveTemplate(trigger.webhook, this.env, where), headers: resolveHeaders(trigger.headers, this.env, where) }),
      });
    }
    return out;
  }

  private async claimOneOff(now: Date): Promise<Delivery[]> {
    const { rows } = await this.pool.query(
      `update hdb_catalog.hdb_scheduled_events set status = 'locked'
        where id in (
          select id from hdb_catalog.hdb_scheduled_events
           where status = 'scheduled'
             and ((next_retry_at is null and scheduled_time <= $1) or next_retry_at <= $1)
           order by scheduled_time
           limit $2
           for update skip locked)
       returning id, webhook_conf, retry_conf, payload, header_conf, comment, tries,
                 scheduled_time as scheduled_at, ${utcTextOfTimestamptz("scheduled_time")} as scheduled_text,
                 ${utcTextOfTimestamptz("created_at")} as created_text`,
      [now, this.settings.batchSize],
    );
    return rows.map((raw: unknown) => {
      const row = OneOffRowSchema.parse(raw);
      const body: OneOffWebhookPayload = {
        id: row.id,
        scheduled_time: formatUtcTimestamp(row.scheduled_text),
        payload: row.payload ?? null,
        created_at: formatUtcTimestamp(row.created_text),
        ...(row.comment !== null ? { comment: row.comment } : {}),
      };
      const where = `scheduled event ${row.id}`;
      return {
        table: "hdb_scheduled_events" as const,
        logTable: "hdb_scheduled_event_invocation_logs" as const,
        id: row.id,
        label: "one_off",
        scheduledAt: row.scheduled_at,
        tries: row.tries,
        retry: row.retry_conf ?? ScheduledRetryConfSchema.parse({}),
        body,
        target: () => ({ url: resolveTemplate(row.webhook_conf, this.env, where), headers: resolveHeaders(row.header_conf ?? [], this.env, where) }),
      };
    });
  }

  private async process(d: Delivery, now: Date): Promise<AttemptVerdict | "dead"> {
    const log = this.logger.child({ scheduledEvent: d.label, eventId: d.id, attempt: d.tries + 1 });
    if (now.getTime() - d.scheduledAt.getTime() > d.retry.tolerance_seconds * 1000) {
      // Contract 2.2: picked up later than tolerance_seconds after its time.
      await this.pool.query(`update hdb_catalog.${d.table} set status = 'dead' where id = $1`, [d.id]);
      log.info("scheduled event dead: past its tolerance");
      return "dead";
    }
    let outcome: HttpOutcome;
    let logHeaders: ReturnType<typeof requestHeaders>["log"];
    try {
      const target = d.target();
      const headers = requestHeaders(this.serverVersion, target.headers);
      logHeaders = headers.log;
      outcome = await this.http.postJson(target.url, JSON.stringify(d.body), headers.send, d.retry.timeout_seconds * 1000);
    } catch (err) {
      if (!(err instanceof WebhookConfError)) throw err;
      logHeaders = requestHeaders(this.serverVersion, []).log;
      outcome = { kind: "transport_error", message: err.message };
    }
    const verdict = judgeAttempt(outcome, d.tries, d.retry.num_retries, d.retry.retry_interval_seconds);
    const record = invocationRecord(d.body, logHeaders, outcome);
    const status = verdict.kind === "delivered" ? "delivered" : verdict.kind === "retry" ? "scheduled" : "error";
    const retryAfter = verdict.kind === "retry" ? verdict.afterSeconds : null;
    await this.pool.query(
      `with logged as (
         insert into hdb_catalog.${d.logTable} (event_id, status, request, response) values ($1, $2, $3::json, $4::json)
       )
       update hdb_catalog.${d.table}
          set status = $5, tries = tries + 1,
              next_retry_at = case when $6::float8 is null then null else $7::timestamptz + make_interval(secs => $6::float8) end
        where id = $1`,
      [d.id, record.status, JSON.stringify(record.request), JSON.stringify(record.response), status, retryAfter, now],
    );
    if (verdict.kind === "delivered") log.debug("scheduled event delivered");
    else log.info({ status: record.status, verdict: verdict.kind }, "scheduled event delivery failed");
    return verdict;
  }
}
