/**
 * The hdb_catalog objects event triggers need in the source database, created
 * the way Hasura v2 lays them out (contract 1.2, 1.3; Hasura's
 * server/src-rsr/init_pg_source.sql), so a database prepared by engine/ later
 * works under real Hasura and the other way round.
 *
 * Idempotent, and serialised with an advisory lock so several engine processes
 * starting at once do not race on `create ... if not exists`.
 */
import type { Pool, PoolClient } from "pg";

/** Arbitrary but fixed key for pg_advisory_xact_lock around catalog DDL. */
export const CATALOG_LOCK_KEY = 4_815_162_342;

/** The schema and the id generator every hdb_catalog table defaults to (contract 1.3). */
export const BASE_CATALOG_SQL = `
create schema if not exists hdb_catalog;

create or replace function hdb_catalog.gen_hasura_uuid() returns uuid
  language sql as 'select gen_random_uuid()';
`;

const EVENT_CATALOG_SQL = `
${BASE_CATALOG_SQL}

create table if not exists hdb_catalog.hdb_source_catalog_version (
  version text not null,
  upgraded_on timestamptz not null
);
create unique index if not exists hdb_source_catalog_version_one_row
  on hdb_catalog.hdb_source_catalog_version ((version is not null));
insert into hdb_catalog.hdb_source_catalog_version (version, upgraded_on)
  values ('3', now()) on conflict do nothing;

create table if not exists hdb_catalog.event_log (
  id text primary key default hdb_catalog.gen_hasura_uuid(),
  schema_name text not null,
  table_name text not null,
  trigger_name text not null,
  payload jsonb not null,
  delivered boolean not null default false,
  error boolean not null default false,
  tries integer not null default 0,
  created_at timestamp default now(),
  locked timestamptz,
  next_retry_at timestamp,
  archived boolean not null default false
);
create index if not exists event_log_trigger_name_idx on hdb_catalog.event_log (trigger_name);
create index if not exists event_log_fetch_events on hdb_catalog.event_log
  (locked nulls first, next_retry_at nulls first, created_at)
  where delivered = 'f' and error = 'f' and archived = 'f';

create table if not exists hdb_catalog.event_invocation_logs (
  id text primary key default hdb_catalog.gen_hasura_uuid(),
  trigger_name text,
  event_id text,
  status integer,
  request json,
  response json,
  created_at timestamp default now()
);
create index if not exists event_invocation_logs_event_id_idx on hdb_catalog.event_invocation_logs (event_id);

-- Contract 1.2: session variables and trace context come from transaction-local
-- settings. A setting once SET LOCAL on a pooled connection reads back as '' in
-- later transactions, so '' is treated as unset rather than failing the cast.
-- created_at is written in UTC explicitly: the column has no time zone, and the
-- payload must carry UTC whatever the writing session's TimeZone is.
create or replace function hdb_catalog.insert_event_log(
  schema_name text, table_name text, trigger_name text, op text, row_data json
) returns text language plpgsql as $$
declare
  id text;
  payload json;
  session_variables json;
  trace_context json;
begin
  id := gen_random_uuid();
  session_variables := nullif(current_setting('hasura.user', true), '')::json;
  trace_context := nullif(current_setting('hasura.tracecontext', true), '')::json;
  payload := json_build_object(
    'op', op,
    'data', row_data,
    'session_variables', session_variables,
    'trace_context', trace_context
  );
  insert into hdb_catalog.event_log (id, schema_name, table_name, trigger_name, payload, created_at)
  values (id, schema_name, table_name, trigger_name, payload, now() at time zone 'utc');
  return id;
end;
$$;
`;

/** Runs `fn` in a transaction holding the catalog advisory lock. */
export async function withCatalogLock<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock($1)", [CATALOG_LOCK_KEY]);
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Creates (or completes) the event-trigger catalog in the source database. */
export async function ensureEventCatalog(pool: Pool): Promise<void> {
  await withCatalogLock(pool, async (client) => {
    await client.query(EVENT_CATALOG_SQL);
  });
}
