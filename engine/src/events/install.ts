/**
 * Installs the Postgres side of event triggers (contract 1.2): per trigger and
 * operation a PL/pgSQL function `hdb_catalog."notify_hasura_<trigger>_<OP>"()`
 * and a row trigger of the same name on the table. Functions of triggers (or
 * operations) no longer in the metadata are dropped with CASCADE, and the
 * pending events of dropped triggers are archived so none is delivered later.
 *
 * Everything runs in one transaction under the catalog lock, so a reload is
 * atomic and two engines reloading at once do not interleave.
 */
import type { Pool, PoolClient } from "pg";
import { ensureEventCatalog, withCatalogLock } from "./catalog";
import { CAPTURED_OPS, operationSpec, type CapturedOp, type ColumnList, type TableEventTrigger, type TableName } from "./definition";

const FUNCTION_PREFIX = "notify_hasura_";

export function triggerFunctionName(triggerName: string, op: CapturedOp): string {
  return `${FUNCTION_PREFIX}${triggerName}_${op}`;
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes an SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function qualified(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

interface ColumnInfo {
  name: string;
  /** True when the type has a default btree opclass, so `<>` works on it. */
  comparable: boolean;
}

/**
 * The table's columns in order, with whether each can be compared with `<>`.
 * Types without one (json, xml, point...) make the UPDATE check fall back to
 * the binary record comparison `*<>`, as Hasura's trigger does.
 */
async function tableColumns(client: PoolClient, table: TableName): Promise<ColumnInfo[]> {
  const { rows } = await client.query<{ name: string; comparable: boolean }>(
    `with cols as (
       select a.attname as name, a.attnum,
              coalesce(nullif(t.typelem, 0), t.oid) as elem_type, t.typtype, t.typbasetype
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
        where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped)
     select cols.name,
            (et.typtype in ('e', 'c')
             or exists (select 1 from pg_opclass oc join pg_am am on am.oid = oc.opcmethod
                         where am.amname = 'btree' and oc.opcdefault
                           and oc.opcintype = case when et.typtype = 'd' then et.typbasetype else et.oid end)) as comparable
       from cols join pg_type et on et.oid = cols.elem_type
      order by cols.attnum`,
    [table.schema, table.name],
  );
  if (rows.length === 0) throw new Error(`[engine/events] table ${table.schema}.${table.name} does not exist`);
  return rows;
}

function pickColumns(all: readonly ColumnInfo[], list: ColumnList | undefined, what: string, table: TableName): ColumnInfo[] {
  if (list === undefined || list === "*") return [...all];
  return list.map((name) => {
    const column = all.find((c) => c.name === name);
    if (!column) throw new Error(`[engine/events] ${what}: column ${name} does not exist in ${table.schema}.${table.name}`);
    return column;
  });
}

/** `row_to_json(REC)` for all columns, else an object of the payload columns (contract 1.2 step 2). */
function rowJson(record: "OLD" | "NEW", payload: readonly ColumnInfo[] | "*"): string {
  if (payload === "*") return `row_to_json(${record})`;
  const pairs = payload.map((c) => `${quoteLiteral(c.name)}, ${record}.${quoteIdent(c.name)}`).join(", ");
  return `json_build_object(${pairs})`;
}

/** The PL/pgSQL body for one trigger and operation. */
export function triggerFunctionSql(entry: TableEventTrigger, op: CapturedOp, columns: readonly ColumnInfo[]): string {
  const { table, trigger } = entry;
  const spec = operationSpec(trigger, op);
  if (!spec) throw new Error(`[engine/events] ${trigger.name} has no ${op} operation`);
  const payload = spec.payload === undefined || spec.payload === "*" ? "*" : pickColumns(columns, spec.payload, trigger.name, table);
  const oldJson = op === "INSERT" ? "null" : rowJson("OLD", payload);
  const newJson = op === "DELETE" ? "null" : rowJson("NEW", payload);
  const call = `perform hdb_catalog.insert_event_log(${quoteLiteral(table.schema)}, ${quoteLiteral(table.name)}, ${quoteLiteral(trigger.name)}, TG_OP, json_build_object('old', ${oldJson}, 'new', ${newJson}));`;

  let body: string;
  if (op === "UPDATE") {
    // Contract 1.2 step 1: compare only the listened columns; an update that
    // leaves them all unchanged records nothing. Record variables compare NULLs
    // as equal to each other (PostgreSQL docs 9.24.6), unlike row constructors.
    const listened = pickColumns(columns, spec.columns, trigger.name, table);
    const operator = listened.every((c) => c.comparable) ? "<>" : "*<>";
    const tuple = (rec: string) => (listened.length === 0 ? "row(null)" : `row(${listened.map((c) => `${rec}.${quoteIdent(c.name)}`).join(", ")})`);
    body = `declare
  _old record;
  _new record;
begin
  _old := ${tuple("OLD")};
  _new := ${tuple("NEW")};
  if _old ${operator} _new then
    ${call}
  end if;
  return null;
end;`;
  } else {
    body = `begin
  ${call}
  return null;
end;`;
  }
  const fn = `hdb_catalog.${quoteIdent(triggerFunctionName(trigger.name, op))}`;
  return `create or replace function ${fn}() returns trigger language plpgsql as $engine_trigger$
${body}
$engine_trigger$`;
}

interface InstalledFunction {
  name: string;
}

/**
 * Makes the database match `triggers`: (re)creates every wanted function and
 * table trigger, drops the others, archives events of triggers that are gone.
 * Returns the names of the dropped triggers.
 */
export async function installEventTriggers(pool: Pool, triggers: readonly TableEventTrigger[]): Promise<{ removedTriggers: string[] }> {
  await ensureEventCatalog(pool);
  return withCatalogLock(pool, async (client) => {
    const wanted = new Set<string>();
    const columnCache = new Map<string, ColumnInfo[]>();
    for (const entry of triggers) {
      const key = `${entry.table.schema}.${entry.table.name}`;
      let columns = columnCache.get(key);
      if (!columns) {
        columns = await tableColumns(client, entry.table);
        columnCache.set(key, columns);
      }
      for (const op of CAPTURED_OPS) {
        if (!operationSpec(entry.trigger, op)) continue;
        const fnName = triggerFunctionName(entry.trigger.name, op);
        wanted.add(fnName);
        await client.query(triggerFunctionSql(entry, op, columns));
        const tableSql = qualified(entry.table);
        await client.query(`drop trigger if exists ${quoteIdent(fnName)} on ${tableSql}`);
        await client.query(
          `create trigger ${quoteIdent(fnName)} after ${op.toLowerCase()} on ${tableSql} for each row execute procedure hdb_catalog.${quoteIdent(fnName)}()`,
        );
        if (entry.trigger.trigger_on_replication) {
          // Contract 1.1: fire for rows written by logical replication too.
          await client.query(`alter table ${tableSql} enable always trigger ${quoteIdent(fnName)}`);
        }
      }
    }

    const { rows } = await client.query<InstalledFunction>(
      `select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'hdb_catalog' and p.proname like 'notify\\_hasura\\_%'`,
    );
    const liveTriggerNames = new Set(triggers.map((t) => t.trigger.name));
    const removed = new Set<string>();
    for (const { name } of rows) {
      if (wanted.has(name)) continue;
      await client.query(`drop function hdb_catalog.${quoteIdent(name)}() cascade`);
      const match = /^notify_hasura_(.+)_(INSERT|UPDATE|DELETE)$/.exec(name);
      if (match && !liveTriggerNames.has(match[1])) removed.add(match[1]);
    }
    if (removed.size > 0) {
      // Contract 1.2: dropping a trigger archives its events so none is delivered later.
      await client.query(
        `update hdb_catalog.event_log set archived = true where trigger_name = any($1::text[]) and not archived`,
        [[...removed]],
      );
    }
    return { removedTriggers: [...removed].sort() };
  });
}
