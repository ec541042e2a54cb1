/**
 * Relationships from action output types to tables (contract 3.1
 * `custom_types.objects[].relationships`): the output object gets a field of
 * the role's table type, resolved after the handler answered by selecting the
 * remote rows whose mapped columns equal the output's fields, under the role's
 * select permission (the engine's own SQL compiler, so filters, columns and
 * limits apply exactly as on the table's root fields).
 */
import { GraphQLObjectType, GraphQLSchema, getNamedType, type GraphQLFieldConfigArgumentMap, type GraphQLOutputType } from "graphql";
import type { Pool } from "pg";
import { listQuery, rootStatement, type CompileContext } from "../compile/select";
import { AliasGenerator, compileSql, sql, sqlAnd } from "../compile/sql";
import { HasuraError } from "../errors";
import { selectionOf, type FieldSelection } from "../execute/selection";
import type { ExtensionFieldCall } from "../extensions";
import { getTable, tableKey, type TableInfo, type TableModel } from "../schema/model";
import type { ActionRelationship } from "./definition";

declare module "graphql" {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    /** Set on the output-type fields that are relationships to tables. */
    actionRelationship?: ActionRelationship;
  }
}

/** The table a relationship points to, or undefined when it is not tracked. */
export function remoteTable(model: TableModel, rel: ActionRelationship): TableInfo | undefined {
  return model.tables.get(tableKey(rel.remoteTable));
}

/** A selection whose keys are field names, so the engine's re-keying by name finds the SQL result's keys. */
function byName(field: FieldSelection): FieldSelection {
  return { ...field, key: field.name, children: field.children.map(byName) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface RelationshipResolver {
  /** Adds the selected relationship fields to the checked handler output (mutated in place). */
  attach(output: unknown, call: ExtensionFieldCall): Promise<unknown>;
}

/**
 * Prepares relationship resolution for one action field: `fieldName`/`type`/
 * `args` describe the field as placed in the role schema.
 */
export function relationshipResolver(
  fieldName: string,
  type: GraphQLOutputType,
  args: GraphQLFieldConfigArgumentMap,
  deps: { pool: Pool; model: TableModel; role: string; stringifyNumeric?: boolean },
): RelationshipResolver | undefined {
  const named = getNamedType(type);
  if (!(named instanceof GraphQLObjectType)) return undefined;
  const rels = Object.values(named.getFields()).filter((f) => f.extensions?.actionRelationship);
  if (rels.length === 0) return undefined;
  // A schema around the field lets the engine's selection builder collect
  // sub-fields through fragments and directives exactly as for table fields;
  // built on first use, since most role schemas are never asked for it.
  let around: { root: GraphQLObjectType; schema: GraphQLSchema } | undefined;
  const schemaAround = () => {
    if (!around) {
      const root = new GraphQLObjectType({ name: "action_root", fields: { [fieldName]: { type, args } } });
      around = { root, schema: new GraphQLSchema({ query: root }) };
    }
    return around;
  };

  async function fetch(rel: ActionRelationship, selection: FieldSelection, source: Record<string, unknown>, call: ExtensionFieldCall): Promise<unknown> {
    const table = getTable(deps.model, tableKey(rel.remoteTable));
    const values = Object.entries(rel.fieldMapping).map(([outField, column]) => ({ column, value: source[outField] }));
    if (values.some((v) => v.value === null || v.value === undefined)) return rel.type === "object" ? null : [];
    const ctx: CompileContext = {
      model: deps.model,
      session: call.session.variables,
      aliases: new AliasGenerator(),
      role: { role: deps.role, backendOnly: false },
      stringifyNumeric: deps.stringifyNumeric ?? false,
    };
    const join = (alias: string) => sqlAnd(values.map((v) => sql`${sql.ident(alias, v.column)} = ${v.value}`));
    const compiled = compileSql(rootStatement(listQuery(table, byName(selection), ctx, join)));
    let rows: unknown;
    try {
      const result = await deps.pool.query<{ root: unknown }>({ text: compiled.text, values: compiled.values });
      rows = result.rows[0]?.root ?? [];
    } catch {
      throw new HasuraError("unexpected", "database query error", "$");
    }
    const list = Array.isArray(rows) ? rows : [];
    return rel.type === "object" ? (list[0] ?? null) : list;
  }

  return {
    async attach(output, call) {
      const { root, schema } = schemaAround();
      const selection = selectionOf({ schema, fragments: { ...call.fragments }, variables: { ...call.variables } }, root, fieldName, call.fieldNodes);
      const wanted = selection.children.filter((c) => named.getFields()[c.name]?.extensions?.actionRelationship);
      if (wanted.length === 0) return output;
      const objects = (Array.isArray(output) ? output : [output]).filter(isRecord);
      for (const object of objects) {
        for (const child of wanted) {
          const rel = named.getFields()[child.name].extensions.actionRelationship as ActionRelationship;
          object[child.name] = await fetch(rel, child, object, call);
        }
      }
      return output;
    },
  };
}
