/**
 * Event-trigger calls of /v1/metadata (contract 1.2 manual events, 1.6
 * redelivery, 1.8). Plain functions of (pool, args); argument shapes are zod
 * schemas and failures are MetadataApiErrors carrying Hasura's code and status.
 */
import type { Pool } from "pg";
import { z } from "zod";
import { HasuraError } from "../errors";
import type { PreparedTrigger } from "./prepare";

/**
 * A failure the engine's /v1/metadata route renders as Hasura's
 * `{path, error, code}` with `status` (contract 8.2).
 */
export class MetadataApiError extends HasuraError {
  constructor(message: string, code: string, status = 400, path = "$.args") {
    super(code, message, path, status);
    this.name = "MetadataApiError";
  }
}

/** Parses `args` or throws Hasura's 400 parse-failed naming the first bad path. */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown): z.infer<S> {
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = ["$", "args", ...issue.path.map(String)].join(".");
  throw new MetadataApiError(issue.message, "parse-failed", 400, path);
}

export const InvokeEventTriggerArgsSchema = z.object({
  name: z.string().min(1),
  source: z.string().default("default"),
  payload: z.unknown(),
});

/**
 * Records a MANUAL event with data `{old: null, new: payload}` and the caller's
 * session variables, through the same insert_event_log the row triggers use.
 */
export async function invokeEventTrigger(
  pool: Pool,
  triggers: ReadonlyMap<string, PreparedTrigger>,
  rawArgs: unknown,
  sessionVariables: Readonly<Record<string, string>>,
): Promise<{ event_id: string }> {
  const args = parseArgs(InvokeEventTriggerArgsSchema, rawArgs);
  const trigger = triggers.get(args.name);
  if (!trigger) throw new MetadataApiError(`event trigger "${args.name}" does not exist`, "not-exists");
  if (!trigger.enableManual) throw new MetadataApiError(`manual mode is not enabled for event trigger "${args.name}"`, "not-supported");
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('hasura.user', $1, true)", [JSON.stringify(sessionVariables)]);
    const { rows } = await client.query<{ id: string }>(
      "select hdb_catalog.insert_event_log($1, $2, $3, 'MANUAL', json_build_object('old', null, 'new', $4::json)) as id",
      [trigger.table.schema, trigger.table.name, trigger.name, JSON.stringify(args.payload ?? null)],
    );
    await client.query("commit");
    return { event_id: rows[0].id };
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export const RedeliverEventArgsSchema = z.object({ event_id: z.string().min(1), source: z.string().default("default") });

/** Contract 1.6: resets the event for another round of attempts unless a worker holds it. */
export async function redeliverEvent(pool: Pool, rawArgs: unknown, staleLockSeconds: number): Promise<{ message: "success" }> {
  const args = parseArgs(RedeliverEventArgsSchema, rawArgs);
  const { rows } = await pool.query<{ busy: boolean }>(
    "select (locked is not null and locked >= now() - make_interval(secs => $2)) as busy from hdb_catalog.event_log where id = $1",
    [args.event_id, staleLockSeconds],
  );
  if (rows.length === 0) throw new MetadataApiError("event not found", "not-exists");
  if (rows[0].busy) throw new MetadataApiError("event is already being processed", "busy");
  await pool.query(
    "update hdb_catalog.event_log set delivered = false, error = false, tries = 0, next_retry_at = null, archived = false where id = $1",
    [args.event_id],
  );
  return { message: "success" };
}

/** `limit`/`offset` with Hasura's defaults (contract 1.8). */
const PAGING = {
  limit: z.number().int().nonnegative().default(100),
  offset: z.number().int().nonnegative().default(0),
};

const EVENT_COLUMNS = `id, schema_name, table_name, trigger_name, payload, delivered, error, tries,
  created_at, locked, next_retry_at, archived`;

export const GetEventLogsArgsSchema = z.object({
  name: z.string().min(1),
  source: z.string().default("default"),
  status: z.enum(["pending", "processed"]).optional(),
  ...PAGING,
});

/** pg_get_event_logs: a trigger's events, newest first; `pending` = not yet delivered/errored. */
export async function getEventLogs(pool: Pool, rawArgs: unknown): Promise<Record<string, unknown>[]> {
  const args = parseArgs(GetEventLogsArgsSchema, rawArgs);
  const status =
    args.status === "pending" ? "and not delivered and not error and not archived" : args.status === "processed" ? "and (delivered or error)" : "";
  const { rows } = await pool.query(
    `select ${EVENT_COLUMNS} from hdb_catalog.event_log where trigger_name = $1 ${status}
      order by created_at desc limit $2 offset $3`,
    [args.name, args.limit, args.offset],
  );
  return rows;
}

export const GetEventInvocationLogsArgsSchema = z.object({
  name: z.string().min(1),
  source: z.string().default("default"),
  ...PAGING,
});

export async function getEventInvocationLogs(pool: Pool, rawArgs: unknown): Promise<Record<string, unknown>[]> {
  const args = parseArgs(GetEventInvocationLogsArgsSchema, rawArgs);
  const { rows } = await pool.query(
    `select id, trigger_name, event_id, status, request, response, created_at from hdb_catalog.event_invocation_logs
      where trigger_name = $1 order by created_at desc limit $2 offset $3`,
    [args.name, args.limit, args.offset],
  );
  return rows;
}

export const GetEventByIdArgsSchema = z.object({
  event_id: z.string().min(1),
  source: z.string().default("default"),
  invocation_log_limit: z.number().int().nonnegative().default(100),
  invocation_log_offset: z.number().int().nonnegative().default(0),
});

export async function getEventById(pool: Pool, rawArgs: unknown): Promise<{ event: Record<string, unknown>; invocations: Record<string, unknown>[] }> {
  const args = parseArgs(GetEventByIdArgsSchema, rawArgs);
  const events = await pool.query(`select ${EVENT_COLUMNS} from hdb_catalog.event_log where id = $1`, [args.event_id]);
  if (events.rows.length === 0) throw new MetadataApiError("event not found", "not-exists");
  const invocations = await pool.query(
    `select id, trigger_name, event_id, status, request, response, created_at from hdb_catalog.event_invocation_logs
      where event_id = $1 order by created_at desc limit $2 offset $3`,
    [args.event_id, args.invocation_log_limit, args.invocation_log_offset],
  );
  return { event: events.rows[0], invocations: invocations.rows };
}
