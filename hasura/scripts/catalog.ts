/**
 * Reads the parts of a migrated database's catalog that the metadata refers to:
 * tables, their columns with types, and foreign keys. Used to find dangling
 * references in hasura/metadata (check-metadata.ts) and by the hasura tests.
 */
import { Client } from "pg";
import { z } from "zod";
import { scalarForColumn } from "../../engine/src/schema/inflection";

export interface CatalogColumn {
  name: string;
  /** Postgres type name (`udt_name`): `uuid`, `text`, `_text` for text[], ... */
  typeName: string;
  nullable: boolean;
}

export interface CatalogForeignKey {
  name: string;
  columns: string[];
  /** `schema.table` of the referenced table. */
  refTable: string;
  refColumns: string[];
}

export interface CatalogTable {
  /** `schema.table`. */
  key: string;
  columns: Map<string, CatalogColumn>;
  foreignKeys: CatalogForeignKey[];
  /** Names of primary-key and unique constraints (what on_conflict can name). */
  uniqueConstraints: string[];
}

export type Catalog = Map<string, CatalogTable>;

const ColumnRowSchema = z.object({
  table_key: z.string(),
  column_name: z.string(),
  type_name: z.string(),
  nullable: z.boolean(),
});
const ConstraintRowSchema = z.object({
  table_key: z.string(),
  name: z.string(),
  kind: z.enum(["f", "p", "u"]),
  columns: z.array(z.string()),
  ref_table: z.string().nullable(),
  ref_columns: z.array(z.string()).nullable(),
});

/** `schema.table`, the key every catalog and metadata lookup uses here. */
export function tableKey(table: { schema: string; name: string }): string {
  return `${table.schema}.${table.name}`;
}

/**
 * Reads tables (and views) of `schemas` from the database at `databaseUrl`.
 * @throws when the database cannot be reached.
 */
export async function readCatalog(databaseUrl: string, schemas: readonly string[] = ["public", "auth"]): Promise<Catalog> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = await client.query(
      `select n.nspname || '.' || c.relname as table_key, a.attname as column_name, t.typname as type_name,
              not a.attnotnull as nullable
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
        where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped
        order by 1, a.attnum`,
      [schemas],
    );
    const constraints = await client.query(
      `select n.nspname || '.' || c.relname as table_key, k.conname as name, k.contype as kind,
              array(select a.attname from unnest(k.conkey) with ordinality u(attnum, ord)
                      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.ord)::text[] as columns,
              case when k.contype = 'f' then rn.nspname || '.' || r.relname end as ref_table,
              case when k.contype = 'f' then array(select a.attname from unnest(k.confkey) with ordinality u(attnum, ord)
                      join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum order by u.ord)::text[] end as ref_columns
         from pg_constraint k
         join pg_class c on c.oid = k.conrelid
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_class r on r.oid = k.confrelid
         left join pg_namespace rn on rn.oid = r.relnamespace
        where n.nspname = any($1) and k.contype in ('f', 'p', 'u')
        order by 1, 2`,
      [schemas],
    );
    const catalog: Catalog = new Map();
    const tableFor = (key: string): CatalogTable => {
      let table = catalog.get(key);
      if (!table) {
        table = { key, columns: new Map(), foreignKeys: [], uniqueConstraints: [] };
        catalog.set(key, table);
      }
      return table;
    };
    for (const row of z.array(ColumnRowSchema).parse(columns.rows)) {
      tableFor(row.table_key).columns.set(row.column_name, { name: row.column_name, typeName: row.type_name, nullable: row.nullable });
    }
    for (const row of z.array(ConstraintRowSchema).parse(constraints.rows)) {
      const table = tableFor(row.table_key);
      if (row.kind === "f") {
        table.foreignKeys.push({ name: row.name, columns: row.columns, refTable: row.ref_table ?? "", refColumns: row.ref_columns ?? [] });
      } else {
        table.uniqueConstraints.push(row.name);
      }
    }
    return catalog;
  } finally {
    await client.end();
  }
}

/** GraphQL built-in scalars. */
export const GRAPHQL_BUILT_IN_SCALARS: ReadonlySet<string> = new Set(["String", "Int", "Float", "Boolean", "ID"]);

/**
 * Every scalar the tracked tables of `catalog` put into the GraphQL schema, by
 * the engine's Postgres-to-GraphQL mapping (hasura-contract.md 5.2); array
 * types (`_text`) give their element's scalar.
 */
export function catalogScalars(catalog: Catalog, tracked: Iterable<string>): Set<string> {
  const scalars = new Set<string>();
  for (const key of tracked) {
    for (const column of catalog.get(key)?.columns.values() ?? []) scalars.add(scalarForColumn(column.typeName.replace(/^_/, "")));
  }
  return scalars;
}
