/**
 * Every generated GraphQL name, in one place (Hasura contract 5.1, hasura-default
 * naming convention; docs: schema/postgres/custom-field-names, api-reference/syntax-defs
 * "Custom Root Fields").
 */

import { CUSTOM_ROOT_FIELD_KEYS } from "../../../common/src/metadata";

/** The root-field kinds a table's custom_root_fields can rename (one list, from the metadata schema). */
export const ROOT_FIELD_KINDS = CUSTOM_ROOT_FIELD_KEYS;
export type RootFieldKind = (typeof CUSTOM_ROOT_FIELD_KEYS)[number];

/** `<t>`: the table name in `public`, else `<schema>_<table>`; custom_name wins. */
export function tableGraphqlName(schema: string, name: string, customName: string | null): string {
  if (customName) return customName;
  return schema === "public" ? name : `${schema}_${name}`;
}

export function defaultRootFieldName(kind: RootFieldKind, t: string): string {
  switch (kind) {
    case "select":
      return t;
    case "select_by_pk":
      return `${t}_by_pk`;
    case "select_aggregate":
      return `${t}_aggregate`;
    case "select_stream":
      return `${t}_stream`;
    case "insert":
      return `insert_${t}`;
    case "insert_one":
      return `insert_${t}_one`;
    case "update":
      return `update_${t}`;
    case "update_by_pk":
      return `update_${t}_by_pk`;
    case "update_many":
      return `update_${t}_many`;
    case "delete":
      return `delete_${t}`;
    case "delete_by_pk":
      return `delete_${t}_by_pk`;
    default: {
      const never: never = kind;
      throw new Error(`[engine/schema] unknown root field kind ${String(never)}`);
    }
  }
}

/** Type names derived from `<t>` (contract 5.1 table of generated types). */
export const typeNames = {
  object: (t: string) => t,
  boolExp: (t: string) => `${t}_bool_exp`,
  orderBy: (t: string) => `${t}_order_by`,
  selectColumn: (t: string) => `${t}_select_column`,
  insertInput: (t: string) => `${t}_insert_input`,
  objRelInsertInput: (t: string) => `${t}_obj_rel_insert_input`,
  arrRelInsertInput: (t: string) => `${t}_arr_rel_insert_input`,
  onConflict: (t: string) => `${t}_on_conflict`,
  constraint: (t: string) => `${t}_constraint`,
  updateColumn: (t: string) => `${t}_update_column`,
  setInput: (t: string) => `${t}_set_input`,
  incInput: (t: string) => `${t}_inc_input`,
  appendInput: (t: string) => `${t}_append_input`,
  prependInput: (t: string) => `${t}_prepend_input`,
  deleteKeyInput: (t: string) => `${t}_delete_key_input`,
  deleteElemInput: (t: string) => `${t}_delete_elem_input`,
  deleteAtPathInput: (t: string) => `${t}_delete_at_path_input`,
  pkColumnsInput: (t: string) => `${t}_pk_columns_input`,
  updates: (t: string) => `${t}_updates`,
  mutationResponse: (t: string) => `${t}_mutation_response`,
  aggregate: (t: string) => `${t}_aggregate`,
  aggregateFields: (t: string) => `${t}_aggregate_fields`,
  aggregateOp: (t: string, op: string) => `${t}_${op}_fields`,
  aggregateOrderBy: (t: string) => `${t}_aggregate_order_by`,
  aggregateOpOrderBy: (t: string, op: string) => `${t}_${op}_order_by`,
  aggregateBoolExp: (t: string) => `${t}_aggregate_bool_exp`,
  aggregateBoolExpCount: (t: string) => `${t}_aggregate_bool_exp_count`,
  comparison: (scalar: string) => `${scalar}_comparison_exp`,
  arrayComparison: (scalar: string) => `${scalar}_array_comparison_exp`,
  streamCursorInput: (t: string) => `${t}_stream_cursor_input`,
  streamCursorValueInput: (t: string) => `${t}_stream_cursor_value_input`,
};

/** Postgres base type name -> GraphQL scalar (contract 5.2). */
export function scalarForColumn(typeName: string): string {
  switch (typeName) {
    case "int4":
    case "serial":
      return "Int";
    case "int2":
      return "smallint";
    case "int8":
      return "bigint";
    case "float4":
      return "Float";
    case "float8":
      return "float8";
    case "numeric":
      return "numeric";
    case "bool":
      return "Boolean";
    case "text":
    case "varchar":
      return "String";
    default:
      return typeName;
  }
}

/** Aggregate operators Hasura generates beside `count` (contract 5.1). */
export const NUMERIC_AGGREGATES = ["avg", "stddev", "stddev_pop", "stddev_samp", "sum", "var_pop", "var_samp", "variance"] as const;
export const ORDERED_AGGREGATES = ["max", "min"] as const;
