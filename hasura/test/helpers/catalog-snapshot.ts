/**
 * A textual snapshot of everything a migration can create in the schemas it
 * owns: schemas, relations, columns (type, nullability, default), constraints,
 * indexes, functions (with a digest of their body), triggers, types and
 * comments. Two snapshots are equal exactly when the catalogs are, so
 * "before up" = "after down" proves a down.sql undoes its up.sql.
 * hdb_catalog is left out: it holds the migration runner's own state.
 */
import type { Client } from "pg";
import { z } from "zod";

const IGNORED_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast", "hdb_catalog"];

const QUERIES: Record<string, string> = {
  schema: `select n.nspname as item from pg_namespace n
            where n.nspname <> all($1) and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`,
  relation: `select n.nspname || '.' || c.relname || ' ' || c.relkind::text || coalesce(' comment=' || obj_description(c.oid, 'pg_class'), '') as item
               from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname <> all($1)`,
  column: `select n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                  || case when a.attnotnull then ' not null' else '' end
                  || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                  || coalesce(' comment=' || col_description(c.oid, a.attnum), '') as item
             from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
             left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where n.nspname <> all($1) and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
  constraint: `select n.nspname || '.' || coalesce(c.relname, t.typname) || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) as item
                 from pg_constraint k join pg_namespace n on n.oid = k.connamespace
                 left join pg_class c on c.oid = k.conrelid left join pg_type t on t.oid = k.contypid
                where n.nspname <> all($1)`,
  index: `select pg_get_indexdef(i.indexrelid) as item from pg_index i join pg_class c on c.oid = i.indexrelid
            join pg_namespace n on n.oid = c.relnamespace where n.nspname <> all($1)`,
  function: `select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
                    || pg_get_function_result(p.oid) || ' ' || md5(p.prosrc) as item
               from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname <> all($1)`,
  trigger: `select pg_get_triggerdef(t.oid) as item from pg_trigger t join pg_class c on c.oid = t.tgrelid
              join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal and n.nspname <> all($1)`,
  type: `select n.nspname || '.' || t.typname || ' ' || t.typtype::text as item from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where n.nspname <> all($1) and t.typtype in ('e', 'd', 'c', 'r', 'm')
            and not exists (select 1 from pg_class c where c.reltype = t.oid)`,
  extension: `select e.extname as item from pg_extension e where e.extname <> 'plpgsql'`,
};

const RowsSchema = z.array(z.object({ item: z.string() }));

/** Sorted lines `<kind>: <definition>` describing the catalog outside pg_catalog and hdb_catalog. */
export async function catalogSnapshot(client: Client): Promise<string[]> {
  const lines: string[] = [];
  for (const [kind, sql] of Object.entries(QUERIES)) {
    const { rows } = await client.query(sql, kind === "extension" ? [] : [IGNORED_SCHEMAS]);
    for (const row of RowsSchema.parse(rows)) lines.push(`${kind}: ${row.item}`);
  }
  return lines.sort();
}
