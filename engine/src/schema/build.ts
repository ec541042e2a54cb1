/**
 * Builds the GraphQL schema of one role from the table model, as Hasura v2
 * does for the same metadata (contract 5 and 6.1/6.3): a column, relationship,
 * root field or argument the role may not use is absent from its schema, in
 * introspection too. Names come from inflection.ts; fields and arguments are
 * sorted by name as Hasura's introspection lists them.
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  valueFromASTUntyped,
  type GraphQLEnumValueConfigMap,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from "graphql";
import type { ColumnInfo, ComputedFieldInfo, RelationshipInfo, TableInfo, TableModel, TrackedFunctionInfo } from "./model";
import { computedFieldColumn, getTable, hasInputArgs } from "./model";
import type { FunctionArgInfo } from "./functions";
import { typeNames, NUMERIC_AGGREGATES, ORDERED_AGGREGATES, type RootFieldKind } from "./inflection";
import { ADMIN_ROLE, roleView, type RoleOptions, type RoleView } from "../permissions/role-view";
import type { ExtensionRootField } from "../extensions";

/** What the executor needs to know about a root field. */
export type RootFieldInfo =
  | { kind: RootFieldKind; table: string }
  /** A tracked function's root field (`function`) or its `_aggregate`; `table` is the returned table. */
  | { kind: "function" | "function_aggregate"; table: string; function: TrackedFunctionInfo }
  | { kind: "extension"; field: ExtensionRootField }
  | { kind: "placeholder" };

declare module "graphql" {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    engine?: RootFieldInfo;
  }
}

const BUILTIN_SCALARS: Record<string, GraphQLScalarType> = {
  Int: GraphQLInt,
  Float: GraphQLFloat,
  String: GraphQLString,
  Boolean: GraphQLBoolean,
};

/** Scalars on which Hasura offers the text-pattern operators (contract 5.3). */
const STRING_LIKE = new Set(["String", "citext", "bpchar", "name"]);

export interface RoleSchemaInput {
  model: TableModel;
  options: RoleOptions;
  /** Root fields added by extensions (actions), built against this role's types. */
  extensionFields?: (lookup: (name: string) => GraphQLNamedType | undefined) => {
    query: Record<string, ExtensionRootField>;
    mutation: Record<string, ExtensionRootField>;
  };
}

function sortedEntries<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function nn<T extends GraphQLInputType | GraphQLOutputType>(t: T): GraphQLNonNull<T> {
  return new GraphQLNonNull(t) as GraphQLNonNull<T>;
}
const list = <T extends GraphQLInputType | GraphQLOutputType>(t: T): GraphQLList<T> => new GraphQLList(t);

function quotedTable(t: TableInfo): string {
  return t.schema === "public" ? `"${t.name}"` : `"${t.schema}.${t.name}"`;
}

/** Builds the schema of one role. Throws on an internal naming clash (a bug or bad metadata). */
export function buildRoleSchema(input: RoleSchemaInput): GraphQLSchema {
  const { model, options } = input;
  const types = new Map<string, GraphQLNamedType>();
  const views = new Map<string, RoleView>();
  const view = (key: string): RoleView => {
    let v = views.get(key);
    if (!v) {
      v = roleView(getTable(model, key), options);
      views.set(key, v);
    }
    return v;
  };
  const once = <T extends GraphQLNamedType>(name: string, make: () => T): T => {
    const existing = types.get(name);
    if (existing) return existing as T;
    const created = make();
    types.set(name, created);
    return created;
  };

  const scalar = (name: string): GraphQLScalarType =>
    BUILTIN_SCALARS[name] ??
    once(
      name,
      () =>
        new GraphQLScalarType({
          name,
          // Custom scalars travel in their Postgres text/JSON form (contract 5.2).
          serialize: (v) => v,
          parseValue: (v) => v,
          parseLiteral: (ast, variables) => {
            if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
            return valueFromASTUntyped(ast, variables);
          },
        }),
    );

  const orderByEnum = (): GraphQLEnumType =>
    once(
      "order_by",
      () =>
        new GraphQLEnumType({
          name: "order_by",
          description: "column ordering options",
          values: {
            asc: { description: "in ascending order, nulls last" },
            asc_nulls_first: { description: "in ascending order, nulls first" },
            asc_nulls_last: { description: "in ascending order, nulls last" },
            desc: { description: "in descending order, nulls first" },
            desc_nulls_first: { description: "in descending order, nulls first" },
            desc_nulls_last: { description: "in descending order, nulls last" },
          },
        }),
    );

  const columnOutputType = (c: ColumnInfo): GraphQLOutputType => {
    const base: GraphQLOutputType = c.isArray ? list(nn(scalar(c.scalar))) : scalar(c.scalar);
    return c.nullable ? base : nn(base);
  };
  const columnInputType = (c: ColumnInfo): GraphQLInputType => (c.isArray ? list(nn(scalar(c.scalar))) : scalar(c.scalar));

  const comparisonExp = (c: ColumnInfo): GraphQLInputObjectType => {
    const s = c.scalar;
    if (c.isArray) {
      return once(
        typeNames.arrayComparison(s),
        () =>
          new GraphQLInputObjectType({
            name: typeNames.arrayComparison(s),
            description: `Boolean expression to compare columns of type "${s}". All fields are combined with logical 'AND'.`,
            fields: () => {
              const arr = list(nn(scalar(s)));
              return sortedEntries<{ type: GraphQLInputType; description?: string }>({
                _contained_in: { type: arr, description: "is the array contained in the given array value" },
                _contains: { type: arr, description: "does the array contain the given value" },
                _eq: { type: arr },
                _gt: { type: arr },
                _gte: { type: arr },
                _in: { type: list(nn(arr)) },
                _is_null: { type: GraphQLBoolean },
                _lt: { type: arr },
                _lte: { type: arr },
                _neq: { type: arr },
                _nin: { type: list(nn(arr)) },
              });
            },
          }),
      );
    }
    return once(
      typeNames.comparison(s),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.comparison(s),
          description: `Boolean expression to compare columns of type "${s}". All fields are combined with logical 'AND'.`,
          fields: () => {
            const t = scalar(s);
            const f: Record<string, { type: GraphQLInputType; description?: string }> = {
              _eq: { type: t },
              _gt: { type: t },
              _gte: { type: t },
              _in: { type: list(nn(t)) },
              _is_null: { type: GraphQLBoolean },
              _lt: { type: t },
              _lte: { type: t },
              _neq: { type: t },
              _nin: { type: list(nn(t)) },
            };
            if (STRING_LIKE.has(s)) {
              Object.assign(f, {
                _ilike: { type: t, description: "does the column match the given case-insensitive pattern" },
                _iregex: { type: t, description: "does the column match the given POSIX regular expression, case insensitive" },
                _like: { type: t, description: "does the column match the given pattern" },
                _nilike: { type: t, description: "does the column NOT match the given case-insensitive pattern" },
                _niregex: { type: t, description: "does the column NOT match the given POSIX regular expression, case insensitive" },
                _nlike: { type: t, description: "does the column NOT match the given pattern" },
                _nregex: { type: t, description: "does the column NOT match the given POSIX regular expression, case sensitive" },
                _nsimilar: { type: t, description: "does the column NOT match the given SQL regular expression" },
                _regex: { type: t, description: "does the column match the given POSIX regular expression, case sensitive" },
                _similar: { type: t, description: "does the column match the given SQL regular expression" },
              });
            }
            if (s === "jsonb") {
              Object.assign(f, {
                _cast: {
                  type: once(
                    "jsonb_cast_exp",
                    () =>
                      new GraphQLInputObjectType({
                        name: "jsonb_cast_exp",
                        fields: () => ({ String: { type: comparisonExp({ ...c, scalar: "String", isArray: false }) } }),
                      }),
                  ),
                },
                _contained_in: { type: t, description: "is the column contained in the given json value" },
                _contains: { type: t, description: "does the column contain the given json value at the top level" },
                _has_key: { type: GraphQLString, description: "does the string exist as a top-level key in the column" },
                _has_keys_all: { type: list(nn(GraphQLString)), description: "do all of these strings exist as top-level keys in the column" },
                _has_keys_any: { type: list(nn(GraphQLString)), description: "do any of these strings exist as top-level keys in the column" },
              });
            }
            return sortedEntries(f);
          },
        }),
    );
  };

  const selectableColumns = (t: TableInfo): ColumnInfo[] => {
    const sel = view(t.key).select;
    return sel ? t.columns.filter((c) => sel.columns.includes(c.name)) : [];
  };
  const visibleRels = (t: TableInfo): RelationshipInfo[] => t.relationships.filter((r) => view(r.remote).select !== null);
  /** Scalar computed fields listed in the role's select permission; table ones when the role may select the returned table. */
  const visibleComputed = (t: TableInfo): ComputedFieldInfo[] => {
    const sel = view(t.key).select;
    if (!sel) return [];
    return t.computedFields.filter((cf) => (cf.returns.kind === "scalar" ? sel.computedFields.includes(cf.name) : view(cf.returns.table).select !== null));
  };
  /** Computed fields usable in where/order_by: no client arguments (docs: queries/postgres/filters/using-computed-fields). */
  const filterableComputed = (t: TableInfo): ComputedFieldInfo[] => visibleComputed(t).filter((cf) => !hasInputArgs(cf.args));

  /**
   * `args: <name>_args` for a function's client arguments (Schema/Postgres: functionArgs): absent without any,
   * non-null when one has no default; every field nullable (a missing mandatory one is refused at execution).
   */
  const functionArgsArg = (args: readonly FunctionArgInfo[], typeName: string, description: string): GraphQLFieldConfigArgumentMap => {
    const inputs = args.filter((a) => a.role === "input");
    if (inputs.length === 0) return {};
    const type = once(typeName, () => {
      const fields: GraphQLInputFieldConfigMap = {};
      for (const a of inputs) fields[a.gqlName] = { type: a.isArray ? list(nn(scalar(a.scalar))) : scalar(a.scalar) };
      return new GraphQLInputObjectType({ name: typeName, fields });
    });
    return { args: { type: inputs.some((a) => !a.hasDefault) ? nn(type) : type, description } };
  };
  const computedArgs = (t: TableInfo, cf: ComputedFieldInfo): GraphQLFieldConfigArgumentMap =>
    functionArgsArg(cf.args, cf.argsTypeName, `input parameters for computed field "${cf.name}" defined on table ${quotedTable(t)}`);
  const canAggregate = (key: string): boolean => view(key).select?.allowAggregations === true;
  const numericCols = (t: TableInfo): ColumnInfo[] => selectableColumns(t).filter((c) => c.kind === "numeric" && !c.isArray);
  const orderedCols = (t: TableInfo): ColumnInfo[] =>
    selectableColumns(t).filter((c) => !c.isArray && (c.kind === "numeric" || c.kind === "string" || c.kind === "datetime"));

  const selectColumnEnum = (t: TableInfo): GraphQLEnumType =>
    once(typeNames.selectColumn(t.gqlName), () => {
      const values: GraphQLEnumValueConfigMap = {};
      for (const c of selectableColumns(t)) values[c.gqlName] = { value: c.name, description: "column name" };
      return new GraphQLEnumType({
        name: typeNames.selectColumn(t.gqlName),
        description: `select columns of table ${quotedTable(t)}`,
        values: sortedEntries(values),
      });
    });

  const boolExp = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.boolExp(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.boolExp(t.gqlName),
          description: `Boolean expression to filter rows from the table ${quotedTable(t)}. All fields are combined with a logical 'AND'.`,
          fields: () => {
            const self = boolExp(t);
            const f: GraphQLInputFieldConfigMap = {
              _and: { type: list(nn(self)) },
              _not: { type: self },
              _or: { type: list(nn(self)) },
            };
            for (const c of selectableColumns(t)) f[c.gqlName] = { type: comparisonExp(c) };
            for (const cf of filterableComputed(t))
              f[cf.name] = { type: cf.returns.kind === "scalar" ? comparisonExp(computedFieldColumn(cf)) : boolExp(getTable(model, cf.returns.table)) };
            for (const r of visibleRels(t)) {
              const remote = getTable(model, r.remote);
              f[r.name] = { type: boolExp(remote) };
              if (r.kind === "array" && canAggregate(r.remote)) f[`${r.name}_aggregate`] = { type: aggregateBoolExp(remote) };
            }
            return sortedEntries(f);
          },
        }),
    );

  const aggregateBoolExp = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.aggregateBoolExp(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.aggregateBoolExp(t.gqlName),
          fields: () => ({
            count: {
              type: once(
                typeNames.aggregateBoolExpCount(t.gqlName),
                () =>
                  new GraphQLInputObjectType({
                    name: typeNames.aggregateBoolExpCount(t.gqlName),
                    fields: () => ({
                      arguments: { type: list(nn(selectColumnEnum(t))) },
                      distinct: { type: GraphQLBoolean },
                      filter: { type: boolExp(t) },
                      predicate: { type: nn(comparisonExp({ ...t.columns[0], scalar: "Int", isArray: false })) },
                    }),
                  }),
              ),
            },
          }),
        }),
    );

  const orderBy = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.orderBy(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.orderBy(t.gqlName),
          description: `Ordering options when selecting data from ${quotedTable(t)}.`,
          fields: () => {
            const f: GraphQLInputFieldConfigMap = {};
            for (const c of selectableColumns(t)) f[c.gqlName] = { type: orderByEnum() };
            for (const cf of filterableComputed(t)) if (cf.returns.kind === "scalar") f[cf.name] = { type: orderByEnum() };
            for (const r of visibleRels(t)) {
              const remote = getTable(model, r.remote);
              if (r.kind === "object") f[r.name] = { type: orderBy(remote) };
              else if (canAggregate(r.remote)) f[`${r.name}_aggregate`] = { type: aggregateOrderBy(remote) };
            }
            return sortedEntries(f);
          },
        }),
    );

  const aggregateOrderBy = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.aggregateOrderBy(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.aggregateOrderBy(t.gqlName),
          description: `order by aggregate values of table ${quotedTable(t)}`,
          fields: () => {
            const f: GraphQLInputFieldConfigMap = { count: { type: orderByEnum() } };
            for (const op of [...NUMERIC_AGGREGATES, ...ORDERED_AGGREGATES]) {
              const cols = (ORDERED_AGGREGATES as readonly string[]).includes(op) ? orderedCols(t) : numericCols(t);
              if (cols.length === 0) continue;
              f[op] = {
                type: once(typeNames.aggregateOpOrderBy(t.gqlName, op), () => {
                  const fields: GraphQLInputFieldConfigMap = {};
                  for (const c of cols) fields[c.gqlName] = { type: orderByEnum() };
                  return new GraphQLInputObjectType({ name: typeNames.aggregateOpOrderBy(t.gqlName, op), fields: sortedEntries(fields) });
                }),
              };
            }
            return sortedEntries(f);
          },
        }),
    );

  const listArgs = (t: TableInfo): GraphQLFieldConfigArgumentMap => ({
    distinct_on: { type: list(nn(selectColumnEnum(t))), description: "distinct select on columns" },
    limit: { type: GraphQLInt, description: "limit the number of rows returned" },
    offset: { type: GraphQLInt, description: "skip the first n rows. Use only with order_by" },
    order_by: { type: list(nn(orderBy(t))), description: "sort the rows by one or more columns" },
    where: { type: boolExp(t), description: "filter the rows returned" },
  });

  const objectType = (t: TableInfo): GraphQLObjectType =>
    once(
      t.gqlName,
      () =>
        new GraphQLObjectType({
          name: t.gqlName,
          description: t.description ?? `columns and relationships of ${quotedTable(t)}`,
          fields: () => {
            const f: GraphQLFieldConfigMap<unknown, unknown> = {};
            for (const c of selectableColumns(t)) {
              f[c.gqlName] = {
                type: columnOutputType(c),
                description: c.description ?? undefined,
                args: c.kind === "json" || c.kind === "jsonb" ? { path: { type: GraphQLString, description: "JSON select path" } } : undefined,
              };
            }
            for (const r of visibleRels(t)) {
              const remote = getTable(model, r.remote);
              if (r.kind === "object") {
                f[r.name] = { type: objectType(remote), description: r.description ?? "An object relationship" };
              } else {
                f[r.name] = { type: nn(list(nn(objectType(remote)))), args: listArgs(remote), description: r.description ?? "An array relationship" };
                if (canAggregate(r.remote))
                  f[`${r.name}_aggregate`] = { type: nn(aggregateType(remote)), args: listArgs(remote), description: "An aggregate relationship" };
              }
            }
            for (const cf of visibleComputed(t)) {
              const args = computedArgs(t, cf);
              if (cf.returns.kind === "scalar") {
                const c = computedFieldColumn(cf);
                const json = c.kind === "json" || c.kind === "jsonb";
                f[cf.name] = {
                  type: c.isArray ? list(nn(scalar(c.scalar))) : scalar(c.scalar),
                  description: cf.description,
                  args: { ...args, ...(json ? { path: { type: GraphQLString, description: "JSON select path" } } : {}) },
                };
              } else {
                // A set-returning computed field is a nullable list (Schema/Select.hs: P.multiple . P.nonNullableParser).
                const remote = getTable(model, cf.returns.table);
                f[cf.name] = { type: list(nn(objectType(remote))), description: cf.description, args: { ...args, ...listArgs(remote) } };
              }
            }
            return sortedEntries(f);
          },
        }),
    );

  const aggregateType = (t: TableInfo): GraphQLObjectType =>
    once(
      typeNames.aggregate(t.gqlName),
      () =>
        new GraphQLObjectType({
          name: typeNames.aggregate(t.gqlName),
          description: `aggregated selection of ${quotedTable(t)}`,
          fields: () => ({
            aggregate: { type: aggregateFields(t) },
            nodes: { type: nn(list(nn(objectType(t)))) },
          }),
        }),
    );

  const aggregateFields = (t: TableInfo): GraphQLObjectType =>
    once(
      typeNames.aggregateFields(t.gqlName),
      () =>
        new GraphQLObjectType({
          name: typeNames.aggregateFields(t.gqlName),
          description: `aggregate fields of ${quotedTable(t)}`,
          fields: () => {
            const f: GraphQLFieldConfigMap<unknown, unknown> = {
              count: {
                type: nn(GraphQLInt),
                args: { columns: { type: list(nn(selectColumnEnum(t))) }, distinct: { type: GraphQLBoolean } },
              },
            };
            for (const op of [...NUMERIC_AGGREGATES, ...ORDERED_AGGREGATES]) {
              const ordered = (ORDERED_AGGREGATES as readonly string[]).includes(op);
              const cols = ordered ? orderedCols(t) : numericCols(t);
              if (cols.length === 0) continue;
              f[op] = {
                type: once(typeNames.aggregateOp(t.gqlName, op), () => {
                  const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
                  for (const c of cols) fields[c.gqlName] = { type: ordered || op === "sum" ? scalar(c.scalar) : GraphQLFloat };
                  return new GraphQLObjectType({
                    name: typeNames.aggregateOp(t.gqlName, op),
                    description: `aggregate ${op} on columns`,
                    fields: sortedEntries(fields),
                  });
                }),
              };
            }
            return sortedEntries(f);
          },
        }),
    );

  // ---- mutation input types -------------------------------------------------

  const presetColumns = (t: TableInfo, kind: "insert" | "update"): Set<string> => new Set(Object.keys(view(t.key)[kind]?.set ?? {}));
  const insertColumns = (t: TableInfo): ColumnInfo[] => {
    const ins = view(t.key).insert;
    const presets = presetColumns(t, "insert");
    return ins ? t.columns.filter((c) => c.writable && ins.columns.includes(c.name) && !presets.has(c.name)) : [];
  };
  const updateColumns = (t: TableInfo): ColumnInfo[] => {
    const up = view(t.key).update;
    const presets = presetColumns(t, "update");
    return up ? t.columns.filter((c) => c.writable && up.columns.includes(c.name) && !presets.has(c.name)) : [];
  };

  const constraintEnum = (t: TableInfo): GraphQLEnumType =>
    once(typeNames.constraint(t.gqlName), () => {
      const values: GraphQLEnumValueConfigMap = {};
      for (const k of t.constraints)
        values[k.name] = { value: k.name, description: `unique or primary key constraint on columns ${k.columns.map((c) => `"${c}"`).join(", ")}` };
      return new GraphQLEnumType({
        name: typeNames.constraint(t.gqlName),
        description: `unique or primary key constraints on table ${quotedTable(t)}`,
        values: sortedEntries(values),
      });
    });

  const updateColumnEnum = (t: TableInfo): GraphQLEnumType =>
    once(typeNames.updateColumn(t.gqlName), () => {
      const values: GraphQLEnumValueConfigMap = {};
      for (const c of updateColumns(t)) values[c.gqlName] = { value: c.name, description: "column name" };
      // Hasura's placeholder when a role may update no column (contract 5.1).
      if (Object.keys(values).length === 0) values._PLACEHOLDER = { value: "_PLACEHOLDER", description: "placeholder (do not use)" };
      return new GraphQLEnumType({
        name: typeNames.updateColumn(t.gqlName),
        description: `update columns of table ${quotedTable(t)}`,
        values: sortedEntries(values),
      });
    });

  const hasOnConflict = (t: TableInfo): boolean => view(t.key).update !== null && view(t.key).select !== null && t.constraints.length > 0;

  const onConflict = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.onConflict(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.onConflict(t.gqlName),
          description: `on_conflict condition type for table ${quotedTable(t)}`,
          fields: () => ({
            constraint: { type: nn(constraintEnum(t)) },
            update_columns: { type: nn(list(nn(updateColumnEnum(t)))), defaultValue: [] },
            where: { type: boolExp(t) },
          }),
        }),
    );

  const insertInput = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.insertInput(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.insertInput(t.gqlName),
          description: `input type for inserting data into table ${quotedTable(t)}`,
          fields: () => {
            const f: GraphQLInputFieldConfigMap = {};
            for (const c of insertColumns(t)) f[c.gqlName] = { type: columnInputType(c) };
            for (const r of t.relationships) {
              if (view(r.remote).insert === null) continue;
              const remote = getTable(model, r.remote);
              f[r.name] = { type: r.kind === "object" ? objRelInsertInput(remote) : arrRelInsertInput(remote) };
            }
            return sortedEntries(f);
          },
        }),
    );

  const relInsertFields = (t: TableInfo, data: GraphQLInputType): GraphQLInputFieldConfigMap => {
    const f: GraphQLInputFieldConfigMap = { data: { type: data } };
    if (hasOnConflict(t)) f.on_conflict = { type: onConflict(t), description: "upsert condition" };
    return f;
  };
  const objRelInsertInput = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.objRelInsertInput(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.objRelInsertInput(t.gqlName),
          description: `input type for inserting object relation for remote table ${quotedTable(t)}`,
          fields: () => relInsertFields(t, nn(insertInput(t))),
        }),
    );
  const arrRelInsertInput = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.arrRelInsertInput(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.arrRelInsertInput(t.gqlName),
          description: `input type for inserting array relation for remote table ${quotedTable(t)}`,
          fields: () => relInsertFields(t, nn(list(nn(insertInput(t))))),
        }),
    );

  const mutationResponse = (t: TableInfo): GraphQLObjectType =>
    once(
      typeNames.mutationResponse(t.gqlName),
      () =>
        new GraphQLObjectType({
          name: typeNames.mutationResponse(t.gqlName),
          description: `response of any mutation on the table ${quotedTable(t)}`,
          fields: () => {
            const f: GraphQLFieldConfigMap<unknown, unknown> = {
              affected_rows: { type: nn(GraphQLInt), description: "number of rows affected by the mutation" },
            };
            if (view(t.key).select) f.returning = { type: nn(list(nn(objectType(t)))), description: "data from the rows affected by the mutation" };
            return f;
          },
        }),
    );

  /** `_set`, `_inc` and the jsonb operator arguments of update fields (contract 5.1). */
  const updateOperatorArgs = (t: TableInfo): GraphQLFieldConfigArgumentMap => {
    const cols = updateColumns(t);
    const args: GraphQLFieldConfigArgumentMap = {};
    const input = (name: string, description: string, fieldType: (c: ColumnInfo) => GraphQLInputType, which: ColumnInfo[]): GraphQLInputObjectType =>
      once(name, () => {
        const fields: GraphQLInputFieldConfigMap = {};
        for (const c of which) fields[c.gqlName] = { type: fieldType(c) };
        return new GraphQLInputObjectType({ name, description, fields: sortedEntries(fields) });
      });
    const jsonb = cols.filter((c) => c.kind === "jsonb" && !c.isArray);
    const numeric = cols.filter((c) => c.kind === "numeric" && !c.isArray);
    if (jsonb.length > 0) {
      args._append = { type: input(typeNames.appendInput(t.gqlName), "append existing jsonb value of filtered columns with new jsonb value", () => scalar("jsonb"), jsonb), description: "append existing jsonb value of filtered columns with new jsonb value" };
      args._delete_at_path = { type: input(typeNames.deleteAtPathInput(t.gqlName), "delete the field or element with specified path (for JSON arrays, negative integers count from the end)", () => list(nn(GraphQLString)), jsonb), description: "delete the field or element with specified path (for JSON arrays, negative integers count from the end)" };
      args._delete_elem = { type: input(typeNames.deleteElemInput(t.gqlName), "delete the array element with specified index (negative integers count from the end). throws an error if top level container is not an array", () => GraphQLInt, jsonb), description: "delete the array element with specified index (negative integers count from the end). throws an error if top level container is not an array" };
      args._delete_key = { type: input(typeNames.deleteKeyInput(t.gqlName), "delete key/value pair or string element. key/value pairs are matched based on their key value", () => GraphQLString, jsonb), description: "delete key/value pair or string element. key/value pairs are matched based on their key value" };
    }
    if (numeric.length > 0) args._inc = { type: input(typeNames.incInput(t.gqlName), `input type for incrementing numeric columns in table ${quotedTable(t)}`, (c) => scalar(c.scalar), numeric), description: "increments the numeric columns with given value of the filtered values" };
    if (jsonb.length > 0) args._prepend = { type: input(typeNames.prependInput(t.gqlName), "prepend existing jsonb value of filtered columns with new jsonb value", () => scalar("jsonb"), jsonb), description: "prepend existing jsonb value of filtered columns with new jsonb value" };
    args._set = { type: input(typeNames.setInput(t.gqlName), `input type for updating data in table ${quotedTable(t)}`, columnInputType, cols), description: "sets the columns of the filtered rows to the given values" };
    return args;
  };

  const pkArgs = (t: TableInfo): GraphQLFieldConfigArgumentMap => {
    const args: GraphQLFieldConfigArgumentMap = {};
    for (const name of t.primaryKey ?? []) {
      const c = t.columns.find((x) => x.name === name) as ColumnInfo;
      args[c.gqlName] = { type: nn(columnInputType(c)) };
    }
    return sortedEntries(args);
  };
  const pkSelectable = (t: TableInfo): boolean => {
    const sel = view(t.key).select;
    return !!sel && !!t.primaryKey && t.primaryKey.length > 0 && t.primaryKey.every((c) => sel.columns.includes(c));
  };

  // ---- streaming subscriptions (contract 5.1; repo: server/src-lib/Hasura/GraphQL/Schema/SubscriptionStream.hs) ----

  const cursorOrdering = (): GraphQLEnumType =>
    once(
      "cursor_ordering",
      () =>
        new GraphQLEnumType({
          name: "cursor_ordering",
          description: "ordering argument of a cursor",
          values: { ASC: { description: "ascending ordering of the cursor" }, DESC: { description: "descending ordering of the cursor" } },
        }),
    );
  /** Scalar columns the role may select; Hasura offers no stream field for a table without one. */
  const streamColumns = (t: TableInfo): ColumnInfo[] => selectableColumns(t);
  const streamCursorInput = (t: TableInfo): GraphQLInputObjectType =>
    once(
      typeNames.streamCursorInput(t.gqlName),
      () =>
        new GraphQLInputObjectType({
          name: typeNames.streamCursorInput(t.gqlName),
          description: `Streaming cursor of the table "${t.gqlName}"`,
          fields: () => ({
            initial_value: {
              type: nn(
                once(typeNames.streamCursorValueInput(t.gqlName), () => {
                  const fields: GraphQLInputFieldConfigMap = {};
                  for (const c of streamColumns(t)) fields[c.gqlName] = { type: columnInputType(c), description: c.description ?? undefined };
                  return new GraphQLInputObjectType({
                    name: typeNames.streamCursorValueInput(t.gqlName),
                    description: "Initial value of the column from where the streaming should start",
                    fields: sortedEntries(fields),
                  });
                }),
              ),
              description: "Stream column input with initial value",
            },
            ordering: { type: cursorOrdering(), description: "cursor ordering" },
          }),
        }),
    );

  /** subscription_root has query_root's table fields plus `<t>_stream`, filtered by `subscription_root_fields` (contract 6.1). */
  const subscriptionRoots = (t: TableInfo, v: RoleView): void => {
    const sel = v.select;
    if (!sel) return;
    const q = quotedTable(t);
    const allowed = (k: string): boolean => sel.subscriptionRootFields === null || sel.subscriptionRootFields.includes(k);
    if (allowed("select")) root(subscription, t, "select", { type: nn(list(nn(objectType(t)))), args: listArgs(t) }, `fetch data from the table: ${q}`);
    if (allowed("select_aggregate") && sel.allowAggregations)
      root(subscription, t, "select_aggregate", { type: nn(aggregateType(t)), args: listArgs(t) }, `fetch aggregated fields from the table: ${q}`);
    if (allowed("select_by_pk") && pkSelectable(t))
      root(subscription, t, "select_by_pk", { type: objectType(t), args: pkArgs(t) }, `fetch data from the table: ${q} using primary key columns`);
    if (allowed("select_stream") && streamColumns(t).length > 0) {
      root(
        subscription,
        t,
        "select_stream",
        {
          type: nn(list(nn(objectType(t)))),
          args: {
            batch_size: { type: nn(GraphQLInt), description: "maximum number of rows returned in a single batch" },
            cursor: { type: nn(list(streamCursorInput(t))), description: "cursor to stream the results returned by the query" },
            where: { type: boolExp(t), description: "filter the rows returned" },
          },
        },
        `fetch data from the table in a streaming manner: ${q}`,
      );
    }
  };

  // ---- root fields ----------------------------------------------------------

  const query: GraphQLFieldConfigMap<unknown, unknown> = {};
  const mutation: GraphQLFieldConfigMap<unknown, unknown> = {};
  const subscription: GraphQLFieldConfigMap<unknown, unknown> = {};
  const root = (
    target: GraphQLFieldConfigMap<unknown, unknown>,
    t: TableInfo,
    kind: RootFieldKind,
    config: Omit<GraphQLFieldConfig<unknown, unknown>, "extensions">,
    description: string,
  ): void => {
    const name = t.rootFields[kind];
    if (target[name]) throw new Error(`[engine/schema] root field "${name}" is defined twice`);
    target[name] = { ...config, description: t.rootFieldComments[kind] ?? description, extensions: { engine: { kind, table: t.key } } };
  };

  for (const t of model.tables.values()) {
    const v = view(t.key);
    const q = quotedTable(t);
    if (v.select) {
      const allowed = (k: string): boolean => v.select?.queryRootFields === null || v.select?.queryRootFields?.includes(k) === true;
      if (allowed("select")) root(query, t, "select", { type: nn(list(nn(objectType(t)))), args: listArgs(t) }, `fetch data from the table: ${q}`);
      if (allowed("select_aggregate") && v.select.allowAggregations)
        root(query, t, "select_aggregate", { type: nn(aggregateType(t)), args: listArgs(t) }, `fetch aggregated fields from the table: ${q}`);
      if (allowed("select_by_pk") && pkSelectable(t))
        root(query, t, "select_by_pk", { type: objectType(t), args: pkArgs(t) }, `fetch data from the table: ${q} using primary key columns`);
      subscriptionRoots(t, v);
    }
    if (v.insert) {
      const args = (a: GraphQLFieldConfigArgumentMap): GraphQLFieldConfigArgumentMap =>
        hasOnConflict(t) ? { ...a, on_conflict: { type: onConflict(t), description: "upsert condition" } } : a;
      root(mutation, t, "insert", { type: mutationResponse(t), args: args({ objects: { type: nn(list(nn(insertInput(t)))), description: "the rows to be inserted" } }) }, `insert data into the table: ${q}`);
      if (v.select)
        root(mutation, t, "insert_one", { type: objectType(t), args: args({ object: { type: nn(insertInput(t)), description: "the row to be inserted" } }) }, `insert a single row into the table: ${q}`);
    }
    if (v.update && v.select && updateColumns(t).length + Object.keys(v.update.set).length > 0) {
      const ops = updateOperatorArgs(t);
      root(mutation, t, "update", { type: mutationResponse(t), args: sortedEntries({ ...ops, where: { type: nn(boolExp(t)), description: "filter the rows which have to be updated" } }) }, `update data of the table: ${q}`);
      if (pkSelectable(t)) {
        const pkInput = once(typeNames.pkColumnsInput(t.gqlName), () => {
          const fields: GraphQLInputFieldConfigMap = {};
          for (const [name, arg] of Object.entries(pkArgs(t))) fields[name] = { type: arg.type };
          return new GraphQLInputObjectType({ name: typeNames.pkColumnsInput(t.gqlName), description: `primary key columns input for table: ${t.name}`, fields });
        });
        root(mutation, t, "update_by_pk", { type: objectType(t), args: sortedEntries({ ...ops, pk_columns: { type: nn(pkInput) } }) }, `update single row of the table: ${q}`);
      }
      const updates = once(typeNames.updates(t.gqlName), () => {
        const fields: GraphQLInputFieldConfigMap = {};
        for (const [name, arg] of Object.entries(ops)) fields[name] = { type: arg.type, description: arg.description };
        fields.where = { type: nn(boolExp(t)), description: "filter the rows which have to be updated" };
        return new GraphQLInputObjectType({ name: typeNames.updates(t.gqlName), fields: sortedEntries(fields) });
      });
      root(mutation, t, "update_many", { type: list(mutationResponse(t)), args: { updates: { type: nn(list(nn(updates))), description: "updates to execute, in order" } } }, `update multiples rows of table: ${q}`);
    }
    if (v.delete && v.select) {
      root(mutation, t, "delete", { type: mutationResponse(t), args: { where: { type: nn(boolExp(t)), description: "filter the rows which have to be deleted" } } }, `delete data from the table: ${q}`);
      if (pkSelectable(t)) root(mutation, t, "delete_by_pk", { type: objectType(t), args: pkArgs(t) }, `delete single row from the table: ${q}`);
    }
  }

  // Tracked functions (docs: schema/postgres/custom-functions; Schema/Postgres: buildFunctionQueryFieldsPG, buildFunctionMutationFieldsPG).
  for (const fn of model.functions) {
    const t = getTable(model, fn.returnTable);
    const sel = view(t.key).select;
    if (!sel) continue;
    // With HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS=false a role needs an explicit function permission as well.
    if (options.role !== ADMIN_ROLE && !model.inferFunctionPermissions && !fn.permissions.includes(options.role)) continue;
    const fq = fn.schema === "public" ? `"${fn.name}"` : `"${fn.schema}.${fn.name}"`;
    const args = sortedEntries({ ...functionArgsArg(fn.args, fn.argsTypeName, `input parameters for function "${fn.rootFields.function}"`), ...listArgs(t) });
    const add = (target: GraphQLFieldConfigMap<unknown, unknown>, name: string, config: Omit<GraphQLFieldConfig<unknown, unknown>, "extensions">, info: RootFieldInfo): void => {
      if (target[name]) throw new Error(`[engine/schema] root field "${name}" is defined twice`);
      target[name] = { ...config, extensions: { engine: info } };
    };
    // SETOF <table>: a list; <table>: one nullable row (Schema/Postgres: JASSingleObject).
    const rows = (): GraphQLOutputType => (fn.returnsSet ? nn(list(nn(objectType(t)))) : objectType(t));
    if (fn.exposedAs === "mutation") {
      add(mutation, fn.rootFields.function, { type: rows(), args, description: fn.comment ?? `execute VOLATILE function ${fq} which returns ${quotedTable(t)}` }, { kind: "function", table: t.key, function: fn });
      continue;
    }
    // Query functions are on subscription_root too (Schema/Postgres buildFunctionQueryFieldsPG serves both roots).
    for (const target of [query, subscription]) {
      add(target, fn.rootFields.function, { type: rows(), args, description: fn.comment ?? `execute function ${fq} which returns ${quotedTable(t)}` }, { kind: "function", table: t.key, function: fn });
      if (sel.allowAggregations)
        add(
          target,
          fn.rootFields.function_aggregate,
          { type: nn(aggregateType(t)), args, description: `execute function ${fq} and query aggregates on result of table type ${quotedTable(t)}` },
          { kind: "function_aggregate", table: t.key, function: fn },
        );
    }
  }

  if (input.extensionFields) {
    const ext = input.extensionFields((name) => types.get(name) ?? BUILTIN_SCALARS[name]);
    for (const [target, fields] of [
      [query, ext.query],
      [mutation, ext.mutation],
    ] as const) {
      for (const [name, field] of Object.entries(fields)) {
        if (target[name]) throw new Error(`[engine/schema] extension root field "${name}" clashes with a table root field`);
        target[name] = { type: field.type, args: field.args, description: field.description, extensions: { engine: { kind: "extension", field } } };
      }
    }
  }

  if (Object.keys(query).length === 0) {
    // Hasura's query_root for a role that may read nothing.
    query.no_queries_available = { type: nn(GraphQLString), extensions: { engine: { kind: "placeholder" } } };
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: "query_root", fields: sortedEntries(query) }),
    mutation: Object.keys(mutation).length > 0 ? new GraphQLObjectType({ name: "mutation_root", fields: sortedEntries(mutation) }) : undefined,
    subscription: Object.keys(subscription).length > 0 ? new GraphQLObjectType({ name: "subscription_root", fields: sortedEntries(subscription) }) : undefined,
  });
}
