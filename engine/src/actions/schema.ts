/**
 * GraphQL types and root fields of actions for one role (contract 3.2): custom
 * object, input, enum and scalar types built from the SDL, sharing the role
 * schema's own types where a name already exists there (uuid, timestamptz,
 * table types). Only the actions the role may call become fields.
 */
import {
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  valueFromASTUntyped,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type InputValueDefinitionNode,
  type TypeNode,
} from "graphql";
import { typeNames } from "../schema/inflection";
import { canCall, type ActionDef, type ActionRelationship, type ActionsModel } from "./definition";
import "./relationships";

function isFieldful(t: GraphQLNamedType): t is GraphQLObjectType | GraphQLInputObjectType {
  return t instanceof GraphQLObjectType || t instanceof GraphQLInputObjectType;
}

/**
 * Runs the field thunks of every type the role schema derives from its tables,
 * so the scalars they use (uuid, timestamptz...) exist before the action types
 * ask for them by name. Without it an action could create its own `uuid`
 * scalar while a table's thunk later creates another, and graphql-js rejects
 * two types of one name.
 */
export function materializeRoleTypes(lookup: (name: string) => GraphQLNamedType | undefined, tableGqlNames: readonly string[]): void {
  const seen = new Set<GraphQLNamedType>();
  const visit = (t: GraphQLNamedType | undefined): void => {
    if (!t || seen.has(t) || !isFieldful(t)) return;
    seen.add(t);
    for (const f of Object.values(t.getFields())) {
      visit(getNamedTypeOf(f.type));
      for (const a of "args" in f ? f.args : []) visit(getNamedTypeOf(a.type));
    }
  };
  const perTable = Object.entries(typeNames).filter(([key, fn]) => fn.length === 1 && key !== "comparison" && key !== "arrayComparison") as [string, (t: string) => string][];
  for (const gqlName of tableGqlNames) for (const [, name] of perTable) visit(lookup(name(gqlName)));
}

function getNamedTypeOf(t: GraphQLOutputType | GraphQLInputType): GraphQLNamedType {
  let inner: GraphQLOutputType | GraphQLInputType = t;
  while (inner instanceof GraphQLNonNull || inner instanceof GraphQLList) inner = inner.ofType;
  return inner as GraphQLNamedType;
}

/** A scalar declared in actions.graphql that the role schema lacks: JSON values pass through. */
function passthroughScalar(name: string, description?: string): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    description,
    serialize: (v) => v,
    parseValue: (v) => v,
    parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
  });
}

export class ActionTypeBuilder {
  private readonly built = new Map<string, GraphQLNamedType>();
  /**
   * @param tableTypeName the GraphQL type name of a relationship's remote
   * table, or undefined when it is not tracked; the field is added only when
   * the role's schema has that type (the role may select the table).
   */
  constructor(
    private readonly model: ActionsModel,
    private readonly lookup: (name: string) => GraphQLNamedType | undefined,
    private readonly tableTypeName: (rel: ActionRelationship) => string | undefined = () => undefined,
  ) {}

  named(name: string): GraphQLNamedType {
    const existing = this.built.get(name) ?? this.lookup(name);
    if (existing) return existing;
    const { types } = this.model;
    let type: GraphQLNamedType;
    const object = types.objects.get(name);
    const input = types.inputs.get(name);
    const enumDef = types.enums.get(name);
    if (object) {
      type = new GraphQLObjectType({
        name,
        description: object.description?.value,
        fields: () => {
          const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
          for (const f of object.fields ?? []) {
            fields[f.name.value] = { type: this.output(f.type), description: f.description?.value };
          }
          for (const rel of types.relationships.get(name) ?? []) {
            const tableName = this.tableTypeName(rel);
            const tableType = tableName ? this.lookup(tableName) : undefined;
            if (!(tableType instanceof GraphQLObjectType)) continue;
            fields[rel.name] = {
              type: rel.type === "object" ? tableType : new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(tableType))),
              extensions: { actionRelationship: rel },
            };
          }
          return fields;
        },
      });
    } else if (input) {
      type = new GraphQLInputObjectType({
        name,
        description: input.description?.value,
        fields: () => {
          const fields: GraphQLInputFieldConfigMap = {};
          for (const f of input.fields ?? []) fields[f.name.value] = this.inputField(f);
          return fields;
        },
      });
    } else if (enumDef) {
      type = new GraphQLEnumType({
        name,
        description: enumDef.description?.value,
        values: Object.fromEntries((enumDef.values ?? []).map((v) => [v.name.value, { value: v.name.value, description: v.description?.value }])),
      });
    } else {
      type = passthroughScalar(name, types.scalars.get(name)?.description?.value);
    }
    this.built.set(name, type);
    return type;
  }

  output(node: TypeNode): GraphQLOutputType {
    switch (node.kind) {
      case Kind.NON_NULL_TYPE:
        return new GraphQLNonNull(this.output(node.type));
      case Kind.LIST_TYPE:
        return new GraphQLList(this.output(node.type));
      default: {
        const named = this.named(node.name.value);
        if (named instanceof GraphQLInputObjectType) throw new Error(`[engine/actions] ${node.name.value} is an input type used as output`);
        return named;
      }
    }
  }

  input(node: TypeNode): GraphQLInputType {
    switch (node.kind) {
      case Kind.NON_NULL_TYPE:
        return new GraphQLNonNull(this.input(node.type));
      case Kind.LIST_TYPE:
        return new GraphQLList(this.input(node.type));
      default: {
        const named = this.named(node.name.value);
        if (named instanceof GraphQLObjectType) throw new Error(`[engine/actions] ${node.name.value} is an object type used as input`);
        return named as GraphQLInputType;
      }
    }
  }

  private inputField(node: InputValueDefinitionNode): { type: GraphQLInputType; description?: string; defaultValue?: unknown } {
    return {
      type: this.input(node.type),
      description: node.description?.value,
      ...(node.defaultValue ? { defaultValue: valueFromASTUntyped(node.defaultValue) } : {}),
    };
  }

  args(action: ActionDef): GraphQLFieldConfigArgumentMap {
    const out: GraphQLFieldConfigArgumentMap = {};
    for (const arg of action.args) out[arg.name.value] = this.inputField(arg);
    return out;
  }
}

/** The actions `role` may call, split by root type. */
export function actionsForRole(model: ActionsModel, role: string): { query: ActionDef[]; mutation: ActionDef[] } {
  const visible = [...model.actions.values()].filter((a) => canCall(a, role));
  return { query: visible.filter((a) => a.operation === "query"), mutation: visible.filter((a) => a.operation === "mutation") };
}
