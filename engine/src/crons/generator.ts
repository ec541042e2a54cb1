/**
 * Materialises cron ticks as rows before they are due (contract 2.2): each
 * trigger keeps CRON_EVENTS_AHEAD rows in status `scheduled`. Because a tick is
 * stored before anything is delivered, a restart finds the missed ticks and the
 * processor delivers each once (or marks it dead past tolerance); the unique
 * index on (trigger_name, scheduled_time) where status = 'scheduled' and
 * `on conflict do nothing` keep one tick from being stored twice, even with two
 * engines generating at once.
 */
import type { Pool } from "pg";
import { nextTicks, tickMatcher, type CronTriggerDef } from "./definition";

export const CRON_EVENTS_AHEAD = 100;

export interface SyncResult {
  inserted: number;
  /** Rows removed because their trigger is gone or its schedule changed. */
  removed: number;
}

/**
 * Tops up every trigger's future rows at `now`, deletes the rows of triggers
 * no longer defined, and the not-yet-due untried rows of a changed schedule.
 */
export async function syncCronEvents(pool: Pool, triggers: readonly CronTriggerDef[], now: Date): Promise<SyncResult> {
  let removed = 0;
  const gone = await pool.query("delete from hdb_catalog.hdb_cron_events where trigger_name <> all($1::text[])", [triggers.map((t) => t.name)]);
  removed += gone.rowCount ?? 0;

  let inserted = 0;
  for (const trigger of triggers) {
    const future = await pool.query<{ id: string; scheduled_time: Date }>(
      "select id, scheduled_time from hdb_catalog.hdb_cron_events where trigger_name = $1 and status = 'scheduled' and tries = 0 and scheduled_time > $2",
      [trigger.name, now],
    );
    const isTick = tickMatcher(trigger.schedule);
    const stale = future.rows.filter((r) => !isTick(r.scheduled_time)).map((r) => r.id);
    if (stale.length > 0) {
      const del = await pool.query("delete from hdb_catalog.hdb_cron_events where id = any($1::text[]) and status = 'scheduled'", [stale]);
      removed += del.rowCount ?? 0;
    }

    const { rows } = await pool.query<{ scheduled: number; latest: Date | null }>(
      `select count(*) filter (where status = 'scheduled')::int as scheduled, max(scheduled_time) as latest
         from hdb_catalog.hdb_cron_events where trigger_name = $1`,
      [trigger.name],
    );
    const missing = CRON_EVENTS_AHEAD - rows[0].scheduled;
    if (missing <= 0) continue;
    // Start after the latest tick already stored (delivered ones included), so a
    // tick is never generated twice; a fresh trigger starts now. After a long
    // outage, ticks older than the tolerance would only be marked dead, so the
    // gap is filled from (now - tolerance) on.
    const oldestUseful = new Date(now.getTime() - trigger.retry_conf.tolerance_seconds * 1000);
    const latest = rows[0].latest;
    let start = latest === null ? now : latest < oldestUseful ? oldestUseful : latest;
    // A changed schedule applies from now on; it does not invent missed ticks.
    if (stale.length > 0 && start < now) start = now;
    const ticks = nextTicks(trigger.schedule, start, missing);
    const result = await pool.query(
      `insert into hdb_catalog.hdb_cron_events (trigger_name, scheduled_time)
       select $1, t from unnest($2::timestamptz[]) t
       on conflict do nothing`,
      [trigger.name, ticks],
    );
    inserted += result.rowCount ?? 0;
  }
  return { inserted, removed };
}
