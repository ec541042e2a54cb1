/**
 * The client's selection as plain data: fields collected per response key
 * (fragments spread, @skip/@include applied, aliases kept), arguments coerced
 * by graphql-js against the role's schema. The compiler reads only this.
 */
import { getNamedType, isObjectType, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { collectSubfields } from "graphql/execution/collectFields";
import { getArgumentValues } from "graphql/execution/values";
import { internalArgs, internalFieldName } from "../schema/naming";

export interface FieldSelection {
  /** Response key (the alias, else the field name). */
  key: string;
  /** Hasura's JSON path of the field, e.g. `$.selectionSet.authors.selectionSet.articles`. */
  path: string;
  name: string;
  args: Record<string, unknown>;
  nodes: readonly FieldNode[];
  /** Sub-selections when the field's type is an object type; empty for scalars and __typename. */
  children: FieldSelection[];
}

export interface SelectionEnv {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function fieldDefinition(type: GraphQLObjectType, name: string): GraphQLField<unknown, unknown> | undefined {
  return type.getFields()[name];
}

/** Builds the selection of one field (the nodes of one response key) of `parent`. */
export function selectionOf(env: SelectionEnv, parent: GraphQLObjectType, key: string, nodes: readonly FieldNode[], parentPath = "$"): FieldSelection {
  const name = nodes[0].name.value;
  const path = `${parentPath}.selectionSet.${key}`;
  const def = fieldDefinition(parent, name);
  if (!def) return { key, path, name, args: {}, nodes, children: [] };
  // Names renamed by a naming convention go back to hasura-default ones, the names the compiler knows (schema/naming.ts).
  const args = internalArgs(def, getArgumentValues(def, nodes[0], env.variables));
  const named = getNamedType(def.type);
  const children: FieldSelection[] = [];
  if (isObjectType(named)) {
    for (const [childKey, childNodes] of collectSubfields(env.schema, env.fragments, env.variables, named, nodes)) {
      children.push(selectionOf(env, named, childKey, childNodes, path));
    }
  }
  return { key, path, name: internalFieldName(def), args, nodes, children };
}
