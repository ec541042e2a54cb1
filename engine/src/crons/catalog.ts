/**
 * hdb_catalog tables for cron and one-off scheduled events, in the metadata
 * database, laid out as Hasura v2 creates them (contract 2.4).
 */
import type { Pool } from "pg";
import { BASE_CATALOG_SQL, withCatalogLock } from "../events/catalog";

/** Both invocation-log tables have the same columns, each tied to its events table. */
function invocationLogTableSql(table: string, eventsTable: string): string {
  return `create table if not exists hdb_catalog.${table} (
  id text primary key default hdb_catalog.gen_hasura_uuid(),
  event_id text references hdb_catalog.${eventsTable} (id) on update cascade on delete cascade,
  status integer,
  request json,
  response json,
  created_at timestamptz default now()
);`;
}

const SCHEDULED_CATALOG_SQL = `
${BASE_CATALOG_SQL}

create table if not exists hdb_catalog.hdb_cron_events (
  id text primary key default hdb_catalog.gen_hasura_uuid(),
  trigger_name text not null,
  scheduled_time timestamptz not null,
  status text not null default 'scheduled',
  tries integer not null default 0,
  created_at timestamptz default now(),
  next_retry_at timestamptz,
  constraint valid_status check (status in ('scheduled', 'locked', 'delivered', 'error', 'dead'))
);
create unique index if not exists hdb_cron_events_unique_scheduled
  on hdb_catalog.hdb_cron_events (trigger_name, scheduled_time) where status = 'scheduled';
create index if not exists hdb_cron_event_status on hdb_catalog.hdb_cron_events (status);

${invocationLogTableSql("hdb_cron_event_invocation_logs", "hdb_cron_events")}
create index if not exists hdb_cron_event_invocation_event_id on hdb_catalog.hdb_cron_event_invocation_logs (event_id);

create table if not exists hdb_catalog.hdb_scheduled_events (
  id text primary key default hdb_catalog.gen_hasura_uuid(),
  webhook_conf json not null,
  scheduled_time timestamptz not null,
  retry_conf json,
  payload json,
  header_conf json,
  status text not null default 'scheduled',
  tries integer not null default 0,
  created_at timestamptz default now(),
  next_retry_at timestamptz,
  comment text,
  constraint valid_status check (status in ('scheduled', 'locked', 'delivered', 'error', 'dead'))
);
create index if not exists hdb_scheduled_event_status on hdb_catalog.hdb_scheduled_events (status);

${invocationLogTableSql("hdb_scheduled_event_invocation_logs", "hdb_scheduled_events")}
`;

/** Creates (or completes) the scheduled-trigger catalog; idempotent and safe to race. */
export async function ensureScheduledCatalog(pool: Pool): Promise<void> {
  await withCatalogLock(pool, async (client) => {
    await client.query(SCHEDULED_CATALOG_SQL);
  });
}
