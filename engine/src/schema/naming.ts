/**
 * The `graphql-default` naming convention (contract 5.5; docs:
 * schema/postgres/naming-convention): type names PascalCase, field and
 * argument names camelCase (boolean operators keep their leading underscore:
 * `_isNull`), `order_by` values upper case. Enabled per source
 * (`customization.naming_convention`) or by HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION,
 * only with `naming_convention` in HASURA_GRAPHQL_EXPERIMENTAL_FEATURES.
 *
 * The role schema is built with hasura-default names and then renamed here as
 * a whole; every renamed field, argument and input field remembers its
 * hasura-default name (`extensions.engineName`), and `internalArgs` /
 * `internalFieldName` turn a client's selection back into those names, so the
 * compiler works on one set of names. Custom names (custom_root_fields,
 * column custom names) stay as written; a custom table name is an identifier
 * like any other (`UserInfo` -> `userInfo`, `userInfoByPk`, type `UserInfo`).
 */
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLArgument,
  type GraphQLEnumValueConfigMap,
  type GraphQLField,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLType,
} from "graphql";
import type { Source } from "../../../common/src/metadata";

declare module "graphql" {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    /** The hasura-default name of a field renamed by the naming convention. */
    engineName?: string;
  }
  interface GraphQLArgumentExtensions {
    engineName?: string;
  }
  interface GraphQLInputFieldExtensions {
    engineName?: string;
  }
}

export type NamingConvention = "hasura-default" | "graphql-default";

/** The convention of a source: its customization, else the server default; both need the experimental feature (contract 5.5). */
export function namingConventionOf(source: Source | undefined, env: Readonly<Record<string, string | undefined>>): NamingConvention {
  const features = (env.HASURA_GRAPHQL_EXPERIMENTAL_FEATURES ?? "").split(",").map((f) => f.trim());
  if (!features.includes("naming_convention")) return "hasura-default";
  const chosen = source?.customization?.naming_convention ?? env.HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION?.trim();
  return chosen === "graphql-default" ? "graphql-default" : "hasura-default";
}

const ROOT_TYPES = new Set(["query_root", "mutation_root", "subscription_root"]);

/** `insert_writers_one` -> `insertWritersOne`, `_is_null` -> `_isNull`, `UserInfo` -> `userInfo`. */
export function camelName(name: string): string {
  const lead = /^_*/.exec(name)?.[0] ?? "";
  const parts = name.slice(lead.length).split("_").filter((p) => p !== "");
  if (parts.length === 0) return name;
  return lead + parts[0][0].toLowerCase() + parts[0].slice(1) + parts.slice(1).map((p) => p[0].toUpperCase() + p.slice(1)).join("");
}

/** `writers_bool_exp` -> `WritersBoolExp`, `uuid` -> `Uuid`. */
export function pascalName(name: string): string {
  if (ROOT_TYPES.has(name) || name.startsWith("__")) return name;
  return name
    .split("_")
    .filter((p) => p !== "")
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
}

/** Renames a role schema to graphql-default. Extension root fields (actions) keep their names and types, as Hasura does. */
export function applyGraphqlDefault(schema: GraphQLSchema, verbatim: ReadonlySet<string> = new Set()): GraphQLSchema {
  const cache = new Map<string, GraphQLNamedType>();
  const camel = (name: string): string => (verbatim.has(name) ? name : camelName(name));
  const named = (t: GraphQLNamedType): GraphQLNamedType => {
    const hit = cache.get(t.name);
    if (hit) return hit;
    const made = convertNamed(t);
    cache.set(t.name, made);
    return made;
  };
  const wrap = <T extends GraphQLType>(t: T): T => {
    if (isNonNullType(t)) return new GraphQLNonNull(wrap(t.ofType)) as unknown as T;
    if (isListType(t)) return new GraphQLList(wrap(t.ofType)) as unknown as T;
    return named(t as GraphQLNamedType) as unknown as T;
  };
  const args = (list: readonly GraphQLArgument[]): GraphQLFieldConfigArgumentMap => {
    const out: GraphQLFieldConfigArgumentMap = {};
    for (const a of list)
      out[camel(a.name)] = { type: wrap(a.type), description: a.description, defaultValue: a.defaultValue, extensions: { ...a.extensions, engineName: a.name } };
    return out;
  };
  const fields = (map: Record<string, GraphQLField<unknown, unknown>>): GraphQLFieldConfigMap<unknown, unknown> => {
    const out: GraphQLFieldConfigMap<unknown, unknown> = {};
    for (const f of Object.values(map)) {
      if (f.extensions.engine?.kind === "extension") {
        out[f.name] = { type: f.type, args: Object.fromEntries(f.args.map((a) => [a.name, { type: a.type, description: a.description, defaultValue: a.defaultValue }])), description: f.description, extensions: f.extensions };
        continue;
      }
      out[camel(f.name)] = { type: wrap(f.type) as GraphQLOutputType, args: args(f.args), description: f.description, extensions: { ...f.extensions, engineName: f.name } };
    }
    return out;
  };
  const convertNamed = (t: GraphQLNamedType): GraphQLNamedType => {
    if (isScalarType(t)) {
      if (isSpecifiedScalarType(t)) return t;
      return new GraphQLScalarType({ name: pascalName(t.name), description: t.description, serialize: t.serialize, parseValue: t.parseValue, parseLiteral: t.parseLiteral });
    }
    if (isObjectType(t)) return new GraphQLObjectType({ name: pascalName(t.name), description: t.description, fields: () => fields(t.getFields()), extensions: t.extensions });
    if (isInputObjectType(t)) {
      return new GraphQLInputObjectType({
        name: pascalName(t.name),
        description: t.description,
        fields: () => {
          const out: GraphQLInputFieldConfigMap = {};
          for (const f of Object.values(t.getFields()))
            out[camel(f.name)] = { type: wrap(f.type) as GraphQLInputType, description: f.description, defaultValue: f.defaultValue, extensions: { ...f.extensions, engineName: f.name } };
          return out;
        },
      });
    }
    if (isEnumType(t)) {
      const values: GraphQLEnumValueConfigMap = {};
      // order_by's values are upper case (ASC_NULLS_FIRST); column enums name fields, so they follow the field names;
      // other values (constraint names, cursor_ordering) stay as defined.
      const columnEnum = t.name.endsWith("_select_column") || t.name.endsWith("_update_column");
      for (const v of t.getValues())
        values[t.name === "order_by" ? v.name.toUpperCase() : columnEnum ? camel(v.name) : v.name] = { value: v.value, description: v.description };
      return new GraphQLEnumType({ name: pascalName(t.name), description: t.description, values });
    }
    return t;
  };
  const root = (t: GraphQLObjectType | null | undefined): GraphQLObjectType | undefined => (t ? (named(t) as GraphQLObjectType) : undefined);
  return new GraphQLSchema({ query: root(schema.getQueryType()), mutation: root(schema.getMutationType()), subscription: root(schema.getSubscriptionType()) });
}

/** The hasura-default name of a (possibly renamed) field. */
export function internalFieldName(def: GraphQLField<unknown, unknown>): string {
  return def.extensions.engineName ?? def.name;
}

function internalValue(type: GraphQLInputType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return internalValue(type.ofType, value);
  if (isListType(type)) return Array.isArray(value) ? value.map((v) => internalValue(type.ofType, v)) : internalValue(type.ofType, value);
  if (isInputObjectType(type) && typeof value === "object") {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (f.name in source) out[f.extensions.engineName ?? f.name] = internalValue(f.type, source[f.name]);
    return out;
  }
  return value;
}

/** Coerced arguments of `def` keyed (deeply) by hasura-default names; unchanged for a schema that was not renamed. */
export function internalArgs(def: GraphQLField<unknown, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  if (def.extensions.engineName === undefined) return args;
  const out: Record<string, unknown> = {};
  for (const a of def.args) if (a.name in args) out[a.extensions.engineName ?? a.name] = internalValue(a.type, args[a.name]);
  return out;
}
