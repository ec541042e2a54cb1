/**
 * Scheduled-trigger calls of /v1/metadata (contract 2.1): create, delete and
 * list one-off events, list cron events and invocations, show cron triggers.
 */
import type { Pool } from "pg";
import { z } from "zod";
import { MetadataApiError, parseArgs } from "../events/api";
import { CreateScheduledEventArgsSchema, type CronTriggerDef } from "./definition";

/**
 * Stores a one-off event. The webhook and headers are stored as configured
 * (templates and variable names, never resolved secrets) and resolved when sent.
 */
export async function createScheduledEvent(pool: Pool, rawArgs: unknown): Promise<{ message: "success"; event_id: string }> {
  const args = parseArgs(CreateScheduledEventArgsSchema, rawArgs);
  const { rows } = await pool.query<{ id: string }>(
    `insert into hdb_catalog.hdb_scheduled_events (webhook_conf, scheduled_time, retry_conf, payload, header_conf, comment)
     values ($1::json, $2, $3::json, $4::json, $5::json, $6) returning id`,
    [
      JSON.stringify(args.webhook),
      args.schedule_at,
      JSON.stringify(args.retry_conf),
      JSON.stringify(args.payload ?? null),
      JSON.stringify(args.headers ?? []),
      args.comment ?? null,
    ],
  );
  return { message: "success", event_id: rows[0].id };
}

export const DeleteScheduledEventArgsSchema = z.object({ type: z.enum(["one_off", "cron"]), event_id: z.string().min(1) });

export async function deleteScheduledEvent(pool: Pool, rawArgs: unknown): Promise<{ message: "success" }> {
  const args = parseArgs(DeleteScheduledEventArgsSchema, rawArgs);
  const table = args.type === "cron" ? "hdb_cron_events" : "hdb_scheduled_events";
  const result = await pool.query(`delete from hdb_catalog.${table} where id = $1`, [args.event_id]);
  if ((result.rowCount ?? 0) === 0) throw new MetadataApiError("event not found", "not-exists");
  return { message: "success" };
}

const STATUSES = ["scheduled", "locked", "delivered", "error", "dead"] as const;

export const GetScheduledEventsArgsSchema = z.object({
  type: z.enum(["one_off", "cron"]),
  trigger_name: z.string().optional(),
  limit: z.number().int().nonnegative().default(100),
  offset: z.number().int().nonnegative().default(0),
  status: z.array(z.enum(STATUSES)).optional(),
  get_rows_count: z.boolean().default(false),
});

export async function getScheduledEvents(pool: Pool, rawArgs: unknown): Promise<{ events: Record<string, unknown>[]; count?: number }> {
  const args = parseArgs(GetScheduledEventsArgsSchema, rawArgs);
  if (args.type === "cron" && args.trigger_name === undefined) {
    throw new MetadataApiError("trigger_name is required for cron events", "parse-failed", 400, "$.args.trigger_name");
  }
  const table = args.type === "cron" ? "hdb_cron_events" : "hdb_scheduled_events";
  const filters: string[] = [];
  const values: unknown[] = [];
  if (args.type === "cron") {
    values.push(args.trigger_name);
    filters.push(`trigger_name = $${values.length}`);
  }
  if (args.status) {
    values.push(args.status);
    filters.push(`status = any($${values.length}::text[])`);
  }
  const where = filters.length ? `where ${filters.join(" and ")}` : "";
  const { rows } = await pool.query(
    `select * from hdb_catalog.${table} ${where} order by scheduled_time limit $${values.length + 1} offset $${values.length + 2}`,
    [...values, args.limit, args.offset],
  );
  if (!args.get_rows_count) return { events: rows };
  const count = await pool.query<{ n: number }>(`select count(*)::int as n from hdb_catalog.${table} ${where}`, values);
  return { events: rows, count: count.rows[0].n };
}

export const GetScheduledEventInvocationsArgsSchema = z.object({
  type: z.enum(["one_off", "cron"]),
  event_id: z.string().optional(),
  trigger_name: z.string().optional(),
  limit: z.number().int().nonnegative().default(100),
  offset: z.number().int().nonnegative().default(0),
});

export async function getScheduledEventInvocations(pool: Pool, rawArgs: unknown): Promise<{ invocations: Record<string, unknown>[] }> {
  const args = parseArgs(GetScheduledEventInvocationsArgsSchema, rawArgs);
  const log = args.type === "cron" ? "hdb_cron_event_invocation_logs" : "hdb_scheduled_event_invocation_logs";
  const events = args.type === "cron" ? "hdb_cron_events" : "hdb_scheduled_events";
  const filters: string[] = [];
  const values: unknown[] = [];
  if (args.event_id !== undefined) {
    values.push(args.event_id);
    filters.push(`l.event_id = $${values.length}`);
  }
  if (args.type === "cron" && args.trigger_name !== undefined) {
    values.push(args.trigger_name);
    filters.push(`e.trigger_name = $${values.length}`);
  }
  const where = filters.length ? `where ${filters.join(" and ")}` : "";
  const { rows } = await pool.query(
    `select l.* from hdb_catalog.${log} l join hdb_catalog.${events} e on e.id = l.event_id ${where}
      order by l.created_at desc limit $${values.length + 1} offset $${values.length + 2}`,
    [...values, args.limit, args.offset],
  );
  return { invocations: rows };
}

/** get_cron_triggers: the metadata's cron triggers with defaults filled in. */
export function getCronTriggers(triggers: readonly CronTriggerDef[]): { cron_triggers: CronTriggerDef[] } {
  return { cron_triggers: [...triggers] };
}
