/**
 * SQL functions in the table model: computed fields of tables and tracked
 * functions (root fields), resolved against the introspected catalog the way
 * Hasura v2 validates them (docs: schema/postgres/computed-fields,
 * schema/postgres/custom-functions, api-reference/syntax-defs ComputedField,
 * CustomFunction and FunctionConfiguration; repo: server/src-lib/Hasura/Backends/
 * Postgres/DDL/ComputedField.hs, Function/API.hs). A function that does not
 * fit makes the metadata inconsistent: these builders throw an Error that
 * names the object, as the table builder does.
 */
import { z } from "zod";
import type { Catalog, CatalogFunction, CatalogFunctionArg } from "../introspection/catalog";
import { findCatalogFunction } from "../introspection/catalog";
import { scalarForColumn } from "./inflection";

/**
 * An object of the metadata that does not fit the database: `context` names
 * the object, `reason` is what Hasura reports in `inconsistent_objects`.
 */
export class ModelInconsistency extends Error {
  constructor(
    readonly context: string,
    readonly reason: string,
  ) {
    super(`[engine/schema] ${context}: ${reason}`);
    this.name = "ModelInconsistency";
  }
}

export type ColumnKind = "numeric" | "string" | "boolean" | "json" | "jsonb" | "datetime" | "uuid" | "other";

/** The kind of a Postgres base type, from its name and pg_type category. */
export function typeKind(typeName: string, typeCategory: string): ColumnKind {
  if (typeName === "jsonb") return "jsonb";
  if (typeName === "json") return "json";
  if (typeName === "uuid") return "uuid";
  switch (typeCategory) {
    case "N":
      return "numeric";
    case "S":
      return "string";
    case "B":
      return "boolean";
    case "D":
      return "datetime";
    default:
      return "other";
  }
}

/** One argument of a function, in SQL order. */
export interface FunctionArgInfo {
  /** SQL name; "" when the argument has none. */
  name: string;
  /** Field name in the `args` input object: the SQL name, else `arg_<n>` (n counts unnamed user arguments from 1). */
  gqlName: string;
  sqlType: string;
  typeName: string;
  scalar: string;
  kind: ColumnKind;
  isArray: boolean;
  hasDefault: boolean;
  /** `table`: the row of a computed field's table; `session`: the session JSON; `input`: given by the client. */
  role: "table" | "session" | "input";
}

/** What a scalar function returns, shaped like a column so the compiler treats it as one. */
export interface ScalarReturn {
  kind: "scalar";
  sqlType: string;
  typeName: string;
  scalar: string;
  valueKind: ColumnKind;
  isArray: boolean;
}

export interface ComputedFieldInfo {
  name: string;
  description: string;
  function: { schema: string; name: string };
  args: FunctionArgInfo[];
  /** Name of the `args` input type (`<field>_<table>_args`, Hasura's mkFunctionArgsTypeName). */
  argsTypeName: string;
  returns: ScalarReturn | { kind: "table"; table: string };
}

export interface TrackedFunctionInfo {
  schema: string;
  name: string;
  /** GraphQL name: configuration.custom_name, else the name (`<schema>_<name>` outside public). */
  gqlName: string;
  rootFields: { function: string; function_aggregate: string };
  argsTypeName: string;
  exposedAs: "query" | "mutation";
  /** The tracked table whose rows the function returns (`schema.name`). */
  returnTable: string;
  /** False for a function returning one row of the table (not SETOF): the field is a nullable object (Hasura's JASSingleObject). */
  returnsSet: boolean;
  args: FunctionArgInfo[];
  comment: string | null;
  /** Roles of the function's explicit permissions (used when function permissions are not inferred). */
  permissions: string[];
}

const FunctionNameSchema = z
  .union([z.string().min(1), z.object({ schema: z.string().min(1).default("public"), name: z.string().min(1) }).strict()])
  .transform((t) => (typeof t === "string" ? { schema: "public", name: t } : t));

const CustomRootFunctionFieldSchema = z.union([z.string().min(1), z.object({ name: z.string().min(1).optional(), comment: z.string().optional() }).strict()]);

/** An entry of databases/<db>/functions/functions.yaml (syntax-defs: Function, FunctionConfiguration). */
export const TrackedFunctionSchema = z
  .object({
    function: FunctionNameSchema,
    configuration: z
      .object({
        custom_name: z.string().min(1).optional(),
        custom_root_fields: z
          .object({ function: CustomRootFunctionFieldSchema.optional(), function_aggregate: CustomRootFunctionFieldSchema.optional() })
          .strict()
          .optional(),
        session_argument: z.string().min(1).optional(),
        exposed_as: z.enum(["query", "mutation"]).optional(),
      })
      .strict()
      .optional(),
    permissions: z.array(z.object({ role: z.string().min(1) }).strict()).optional(),
    comment: z.string().optional(),
  })
  .strict();
export type TrackedFunctionMetadata = z.infer<typeof TrackedFunctionSchema>;

/** A computed field entry of a table file (the shape common/src/metadata validates). */
export interface ComputedFieldMetadata {
  name: string;
  definition: { function: { schema: string; name: string }; table_argument?: string; session_argument?: string };
  comment?: string;
}

function qualified(schema: string, name: string): string {
  return schema === "public" ? name : `${schema}.${name}`;
}

function uniqueFunction(catalog: Catalog, schema: string, name: string, what: string): CatalogFunction {
  const found = findCatalogFunction(catalog, schema, name);
  if (found.length === 0) throw new ModelInconsistency(what, `no such function exists: "${qualified(schema, name)}"`);
  // Hasura refuses overloaded functions (Function/API.hs: "function is overloaded").
  if (found.length > 1) throw new ModelInconsistency(what, `function "${qualified(schema, name)}" is overloaded. Overloaded functions are not supported`);
  const fn = found[0];
  if (!fn.onlyInArgs) throw new ModelInconsistency(what, `function "${qualified(schema, name)}" has OUT/INOUT/VARIADIC arguments; only IN arguments are supported`);
  return fn;
}

function argInfo(arg: CatalogFunctionArg, role: FunctionArgInfo["role"], gqlName: string): FunctionArgInfo {
  return {
    name: arg.name,
    gqlName,
    sqlType: arg.sqlType,
    typeName: arg.typeName,
    scalar: scalarForColumn(arg.typeName),
    kind: typeKind(arg.typeName, arg.typeCategory),
    isArray: arg.isArray,
    hasDefault: arg.hasDefault,
    role,
  };
}

/** Classifies the arguments; `tableIndex` is the table argument's position or -1. */
function classifyArgs(fn: CatalogFunction, tableIndex: number, sessionArgument: string | undefined, what: string): FunctionArgInfo[] {
  let sessionSeen = false;
  let positional = 1;
  const out = fn.args.map((arg, i) => {
    if (i === tableIndex) return argInfo(arg, "table", arg.name);
    if (sessionArgument !== undefined && arg.name === sessionArgument) {
      if (arg.typeName !== "json" && arg.typeName !== "jsonb")
        throw new ModelInconsistency(what, `session argument "${sessionArgument}" should be of type json or jsonb`);
      sessionSeen = true;
      return argInfo(arg, "session", arg.name);
    }
    const gqlName = arg.name !== "" ? arg.name : `arg_${positional++}`;
    return argInfo(arg, "input", gqlName);
  });
  if (sessionArgument !== undefined && !sessionSeen) throw new ModelInconsistency(what, `session argument "${sessionArgument}" not found`);
  return out;
}

/**
 * Resolves one computed field of table `tableKey` (whose GraphQL name is
 * `tableGql`). `trackedTables` are the keys of every tracked table.
 */
export function resolveComputedField(
  cf: ComputedFieldMetadata,
  tableKey: string,
  tableGql: string,
  catalog: Catalog,
  trackedTables: ReadonlySet<string>,
): ComputedFieldInfo {
  const what = `computed field "${cf.name}" of "${tableKey}"`;
  const { schema, name } = cf.definition.function;
  const fn = uniqueFunction(catalog, schema, name, what);
  if (fn.volatility === "v")
    throw new ModelInconsistency(what, `the function "${qualified(schema, name)}" is of type VOLATILE; cannot be added as a computed field`);
  const isTableRow = (a: CatalogFunctionArg): boolean => a.table !== null && `${a.table.schema}.${a.table.name}` === tableKey;
  let tableIndex: number;
  if (cf.definition.table_argument !== undefined) {
    tableIndex = fn.args.findIndex((a) => a.name === cf.definition.table_argument);
    if (tableIndex < 0) throw new ModelInconsistency(what, `table argument "${cf.definition.table_argument}" not found`);
  } else {
    if (fn.args.length === 0) throw new ModelInconsistency(what, `the function has no input arguments; the first one must be the table row`);
    tableIndex = 0;
  }
  if (!isTableRow(fn.args[tableIndex]))
    throw new ModelInconsistency(what, `the table argument must be of the row type of "${tableKey}"`);
  const args = classifyArgs(fn, tableIndex, cf.definition.session_argument, what);
  let returns: ComputedFieldInfo["returns"];
  if (fn.returnTable) {
    const key = `${fn.returnTable.schema}.${fn.returnTable.name}`;
    if (!fn.returnsSet) throw new ModelInconsistency(what, `a function returning one row of a table is not supported; return SETOF "${key}"`);
    if (!trackedTables.has(key)) throw new ModelInconsistency(what, `the function returns table "${key}", which is not tracked`);
    returns = { kind: "table", table: key };
  } else {
    if (fn.returnsSet) throw new ModelInconsistency(what, `a function returning SETOF a base type is not supported`);
    if (fn.returnTypeCategory === "C" || fn.returnTypeCategory === "P")
      throw new ModelInconsistency(what, `the function must return a base type or SETOF a tracked table`);
    returns = {
      kind: "scalar",
      sqlType: fn.returnSqlType,
      typeName: fn.returnTypeName,
      scalar: scalarForColumn(fn.returnTypeName),
      valueKind: typeKind(fn.returnTypeName, fn.returnTypeCategory),
      isArray: fn.returnIsArray,
    };
  }
  return {
    name: cf.name,
    description: cf.comment ?? `A computed field, executes function "${qualified(schema, name)}"`,
    function: { schema, name },
    args,
    argsTypeName: `${cf.name}_${tableGql}_args`,
    returns,
  };
}

/** Resolves one tracked function (functions.yaml entry). */
export function resolveTrackedFunction(entry: TrackedFunctionMetadata, catalog: Catalog, trackedTables: ReadonlySet<string>): TrackedFunctionInfo {
  const { schema, name } = entry.function;
  const what = `function "${qualified(schema, name)}"`;
  const fn = uniqueFunction(catalog, schema, name, what);
  const config = entry.configuration ?? {};
  if (!fn.returnTable) throw new ModelInconsistency(what, `the function must return a table row type (SETOF <table> or <table>)`);
  const returnTable = `${fn.returnTable.schema}.${fn.returnTable.name}`;
  if (!trackedTables.has(returnTable)) throw new ModelInconsistency(what, `the function returns table "${returnTable}", which is not tracked`);
  const args = classifyArgs(fn, -1, config.session_argument, what);
  // Hasura: without exposed_as, VOLATILE functions go to mutation_root and the others to query_root (docs: metadata-api/custom-functions).
  const exposedAs = config.exposed_as ?? (fn.volatility === "v" ? "mutation" : "query");
  const gqlName = config.custom_name ?? (schema === "public" ? name : `${schema}_${name}`);
  const rootName = (v: z.infer<typeof CustomRootFunctionFieldSchema> | undefined): string | undefined => (typeof v === "string" ? v : v?.name);
  return {
    schema,
    name,
    gqlName,
    rootFields: {
      function: rootName(config.custom_root_fields?.function) ?? gqlName,
      function_aggregate: rootName(config.custom_root_fields?.function_aggregate) ?? `${gqlName}_aggregate`,
    },
    argsTypeName: `${gqlName}_args`,
    exposedAs,
    returnTable,
    returnsSet: fn.returnsSet,
    args,
    comment: entry.comment ?? null,
    permissions: (entry.permissions ?? []).map((p) => p.role),
  };
}

/** Parses the `functions` list of a source (loaded as opaque data by common/src/metadata). */
export function parseTrackedFunctions(raw: readonly unknown[], sourceName: string, firstIndex = 0): TrackedFunctionMetadata[] {
  return raw.map((entry, n) => {
    const i = firstIndex + n;
    const parsed = TrackedFunctionSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ModelInconsistency(`source ${sourceName}: functions[${i}]${issue.path.length ? `.${issue.path.join(".")}` : ""}`, issue.message);
    }
    return parsed.data;
  });
}
