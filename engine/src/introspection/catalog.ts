/**
 * Reads the parts of the Postgres catalog the engine needs (tables, columns,
 * keys, unique constraints, foreign keys, enum types) in one round trip, the
 * way Hasura's source introspection does (repo: server/src-lib/Hasura/Backends/
 * Postgres/DDL/Source.hs, `fetchTableMetadata`).
 */
import { z } from "zod";
import type { Pool, PoolClient } from "pg";

export const CatalogColumnSchema = z.object({
  name: z.string(),
  position: z.number(),
  /** Type name as `format_type` prints it (usable in casts), e.g. `numeric(10,2)`, `text[]`. */
  sqlType: z.string(),
  /** Base type name (element type for arrays), e.g. `int4`, `timestamptz`, `mood`. */
  typeName: z.string(),
  /** Postgres type category of the base type: N numeric, S string, B boolean, D date/time, U user, E enum, A array... */
  typeCategory: z.string(),
  isArray: z.boolean(),
  nullable: z.boolean(),
  hasDefault: z.boolean(),
  isGenerated: z.boolean(),
  isIdentityAlways: z.boolean(),
  description: z.string().nullable(),
});
export type CatalogColumn = z.infer<typeof CatalogColumnSchema>;

export const CatalogConstraintSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
});
export type CatalogConstraint = z.infer<typeof CatalogConstraintSchema>;

export const CatalogForeignKeySchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  refSchema: z.string(),
  refTable: z.string(),
  refColumns: z.array(z.string()),
});
export type CatalogForeignKey = z.infer<typeof CatalogForeignKeySchema>;

export const CatalogTableSchema = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.string(),
  description: z.string().nullable(),
  columns: z.array(CatalogColumnSchema),
  primaryKey: CatalogConstraintSchema.nullable(),
  uniqueConstraints: z.array(CatalogConstraintSchema),
  foreignKeys: z.array(CatalogForeignKeySchema),
});
export type CatalogTable = z.infer<typeof CatalogTableSchema>;

export const CatalogEnumSchema = z.object({
  schema: z.string(),
  name: z.string(),
  values: z.array(z.string()),
});

/** One IN argument of a function (Hasura supports only IN arguments, docs: schema/postgres/custom-functions). */
export const CatalogFunctionArgSchema = z.object({
  /** "" for an unnamed argument (Hasura calls it `arg_<n>`). */
  name: z.string(),
  sqlType: z.string(),
  typeName: z.string(),
  typeCategory: z.string(),
  isArray: z.boolean(),
  hasDefault: z.boolean(),
  /** The table whose row type the argument is, if any (the table argument of a computed field). */
  table: z.object({ schema: z.string(), name: z.string() }).nullable(),
});
export type CatalogFunctionArg = z.infer<typeof CatalogFunctionArgSchema>;

export const CatalogFunctionSchema = z.object({
  schema: z.string(),
  name: z.string(),
  /** `i` immutable, `s` stable, `v` volatile (pg_proc.provolatile). */
  volatility: z.enum(["i", "s", "v"]),
  returnsSet: z.boolean(),
  /** Return type as `format_type` prints it, its base name and category (element type for arrays). */
  returnSqlType: z.string(),
  returnTypeName: z.string(),
  returnTypeCategory: z.string(),
  returnIsArray: z.boolean(),
  /** The table whose row type the function returns, if any. */
  returnTable: z.object({ schema: z.string(), name: z.string() }).nullable(),
  /** False when the function has OUT/INOUT/VARIADIC arguments, which Hasura does not support. */
  onlyInArgs: z.boolean(),
  args: z.array(CatalogFunctionArgSchema),
  description: z.string().nullable(),
});
export type CatalogFunction = z.infer<typeof CatalogFunctionSchema>;

export const CatalogSchema = z.object({
  tables: z.array(CatalogTableSchema),
  enums: z.array(CatalogEnumSchema),
  /** Functions (prokind 'f') outside the system schemas; optional so hand-built catalogs need not list any. */
  functions: z.array(CatalogFunctionSchema).optional(),
});
/** The introspected catalog: plain data, no connection. */
export type Catalog = z.infer<typeof CatalogSchema>;

const CATALOG_SQL = `
with tabs as (
  select c.oid, n.nspname as schema, c.relname as name, c.relkind as kind,
         obj_description(c.oid, 'pg_class') as description
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'v', 'm', 'f', 'p')
    and n.nspname <> all (array['pg_catalog', 'information_schema', 'hdb_catalog'])
    and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
)
select json_build_object(
  'tables', coalesce((
    select json_agg(json_build_object(
      'schema', t.schema, 'name', t.name, 'kind', t.kind, 'description', t.description,
      'columns', coalesce((
        select json_agg(json_build_object(
          'name', a.attname,
          'position', a.attnum,
          'sqlType', format_type(a.atttypid, a.atttypmod),
          'typeName', coalesce(et.typname, ty.typname),
          'typeCategory', coalesce(et.typcategory, ty.typcategory),
          'isArray', ty.typcategory = 'A' and et.oid is not null,
          'nullable', not a.attnotnull,
          'hasDefault', a.atthasdef or a.attidentity <> '',
          'isGenerated', a.attgenerated <> '',
          'isIdentityAlways', a.attidentity = 'a',
          'description', col_description(t.oid, a.attnum)
        ) order by a.attnum)
        from pg_attribute a
        join pg_type ty on ty.oid = a.atttypid
        left join pg_type et on et.oid = ty.typelem and ty.typcategory = 'A'
        where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped), '[]'),
      'primaryKey', (
        select json_build_object('name', k.conname, 'columns', (
          select json_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(attnum, ord)
          join pg_attribute a on a.attrelid = t.oid and a.attnum = u.attnum))
        from pg_constraint k where k.conrelid = t.oid and k.contype = 'p'),
      'uniqueConstraints', coalesce((
        select json_agg(json_build_object('name', k.conname, 'columns', (
          select json_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(attnum, ord)
          join pg_attribute a on a.attrelid = t.oid and a.attnum = u.attnum)) order by k.conname)
        from pg_constraint k where k.conrelid = t.oid and k.contype = 'u'), '[]'),
      'foreignKeys', coalesce((
        select json_agg(json_build_object(
          'name', k.conname,
          'columns', (select json_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(attnum, ord)
            join pg_attribute a on a.attrelid = t.oid and a.attnum = u.attnum),
          'refSchema', rn.nspname, 'refTable', rc.relname,
          'refColumns', (select json_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(attnum, ord)
            join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum)
        ) order by k.conname)
        from pg_constraint k
        join pg_class rc on rc.oid = k.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
        where k.conrelid = t.oid and k.contype = 'f'), '[]')
    ) order by t.schema, t.name)
    from tabs t), '[]'),
  'enums', coalesce((
    select json_agg(json_build_object('schema', n.nspname, 'name', ty.typname,
      'values', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = ty.oid)))
    from pg_type ty join pg_namespace n on n.oid = ty.typnamespace where ty.typtype = 'e'), '[]'),
  'functions', coalesce((
    select json_agg(json_build_object(
      'schema', n.nspname, 'name', p.proname, 'volatility', p.provolatile, 'returnsSet', p.proretset,
      'returnSqlType', format_type(p.prorettype, null),
      'returnTypeName', coalesce(ret.typname, rt.typname),
      'returnTypeCategory', coalesce(ret.typcategory, rt.typcategory),
      'returnIsArray', rt.typcategory = 'A' and ret.oid is not null,
      'returnTable', (select json_build_object('schema', rn.nspname, 'name', rc.relname)
        from pg_class rc join pg_namespace rn on rn.oid = rc.relnamespace where rc.oid = rt.typrelid and rt.typrelid <> 0),
      'onlyInArgs', p.proargmodes is null or p.proargmodes <@ array['i']::"char"[],
      'args', coalesce((
        select json_agg(json_build_object(
          'name', coalesce(p.proargnames[u.ord], ''),
          'sqlType', format_type(u.t, null),
          'typeName', coalesce(ae.typname, at.typname),
          'typeCategory', coalesce(ae.typcategory, at.typcategory),
          'isArray', at.typcategory = 'A' and ae.oid is not null,
          'hasDefault', u.ord > p.pronargs - p.pronargdefaults,
          'table', (select json_build_object('schema', an.nspname, 'name', ac.relname)
            from pg_class ac join pg_namespace an on an.oid = ac.relnamespace where ac.oid = at.typrelid and at.typrelid <> 0)
        ) order by u.ord)
        from unnest(p.proargtypes::oid[]) with ordinality u(t, ord)
        join pg_type at on at.oid = u.t
        left join pg_type ae on ae.oid = at.typelem and at.typcategory = 'A'), '[]'),
      'description', obj_description(p.oid, 'pg_proc')
    ) order by n.nspname, p.proname)
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    join pg_type rt on rt.oid = p.prorettype
    left join pg_type ret on ret.oid = rt.typelem and rt.typcategory = 'A'
    where p.prokind = 'f'
      and n.nspname <> all (array['pg_catalog', 'information_schema', 'hdb_catalog'])
      and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'), '[]')
) as catalog`;

/**
 * Introspects the database behind `db`. Returns the catalog as plain data;
 * throws when the query fails or the result does not have the expected shape.
 */
export async function introspectCatalog(db: Pool | PoolClient): Promise<Catalog> {
  const result = await db.query<{ catalog: unknown }>(CATALOG_SQL);
  return CatalogSchema.parse(result.rows[0]?.catalog);
}

/** The overloads of a function of the catalog by schema and name. */
export function findCatalogFunction(catalog: Catalog, schema: string, name: string): CatalogFunction[] {
  return (catalog.functions ?? []).filter((f) => f.schema === schema && f.name === name);
}

/** Finds a table of the catalog by schema and name. */
export function findCatalogTable(catalog: Catalog, schema: string, name: string): CatalogTable | undefined {
  return catalog.tables.find((t) => t.schema === schema && t.name === name);
}
