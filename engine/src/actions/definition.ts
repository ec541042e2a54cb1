/**
 * Actions as loaded from actions.graphql (SDL: root fields and custom types)
 * and actions.yaml (handler, headers, permissions, relationships), contract 3.1.
 *
 * The SDL may repeat `type Mutation { ... }` / `type Query { ... }` blocks (the
 * Hasura CLI writes one per action) or use `extend type`; each field of them is
 * an action, placed by the block it sits in.
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  type InputObjectTypeDefinitionNode,
  type InputValueDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ScalarTypeDefinitionNode,
  type TypeNode,
} from "graphql";
import type { Action, CustomTypes } from "../../../common/src/metadata";
import { HeaderConfSchema, type HeaderConf } from "../events/definition";

/** Default handler timeout in seconds (contract 3.1). */
export const DEFAULT_ACTION_TIMEOUT_SECONDS = 30;

export interface ActionRelationship {
  name: string;
  type: "object" | "array";
  remoteTable: { schema: string; name: string };
  /** Output field → remote column. */
  fieldMapping: Record<string, string>;
}

export interface ActionDef {
  name: string;
  operation: "query" | "mutation";
  kind: "synchronous" | "asynchronous";
  description?: string;
  args: readonly InputValueDefinitionNode[];
  outputType: TypeNode;
  /** Handler URL as configured (may hold `{{ENV}}`). */
  handler: string;
  headers: HeaderConf[];
  forwardClientHeaders: boolean;
  timeoutSeconds: number;
  /** Roles allowed besides admin (contract 3.2). */
  roles: ReadonlySet<string>;
}

export interface CustomTypeDefs {
  objects: Map<string, ObjectTypeDefinitionNode>;
  inputs: Map<string, InputObjectTypeDefinitionNode>;
  enums: Map<string, EnumTypeDefinitionNode>;
  scalars: Map<string, ScalarTypeDefinitionNode>;
  /** Relationships of custom object types to tables, by object type name. */
  relationships: Map<string, ActionRelationship[]>;
}

export interface ActionsModel {
  actions: Map<string, ActionDef>;
  types: CustomTypeDefs;
}

export class ActionDefinitionError extends Error {
  constructor(message: string) {
    super(`[engine/actions] ${message}`);
    this.name = "ActionDefinitionError";
  }
}

/** Builds the actions model; throws ActionDefinitionError naming what does not fit together. */
export function buildActionsModel(actions: readonly Action[], customTypes: CustomTypes, sdl: string): ActionsModel {
  const document: DocumentNode = sdl.trim() === "" ? { kind: Kind.DOCUMENT, definitions: [] } : parse(sdl);
  const rootFields = new Map<string, { operation: "query" | "mutation"; field: FieldDefinitionNode }>();
  const types: CustomTypeDefs = { objects: new Map(), inputs: new Map(), enums: new Map(), scalars: new Map(), relationships: new Map() };

  for (const def of document.definitions) {
    switch (def.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION: {
        const root = def.name.value === "Mutation" ? "mutation" : def.name.value === "Query" ? "query" : null;
        if (root) {
          for (const field of def.fields ?? []) rootFields.set(field.name.value, { operation: root, field });
        } else if (def.kind === Kind.OBJECT_TYPE_DEFINITION) {
          types.objects.set(def.name.value, def);
        }
        break;
      }
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        types.inputs.set(def.name.value, def);
        break;
      case Kind.ENUM_TYPE_DEFINITION:
        types.enums.set(def.name.value, def);
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
        types.scalars.set(def.name.value, def);
        break;
      default:
        break;
    }
  }

  for (const object of customTypes.objects) {
    const rels = (object.relationships ?? []).map((r) => ({
      name: r.name,
      type: r.type,
      remoteTable: { schema: r.remote_table.schema, name: r.remote_table.name },
      fieldMapping: r.field_mapping,
    }));
    if (rels.length > 0) types.relationships.set(object.name, rels);
  }

  const model = new Map<string, ActionDef>();
  for (const action of actions) {
    const root = rootFields.get(action.name);
    if (!root) throw new ActionDefinitionError(`action ${action.name} has no field in actions.graphql`);
    const d = action.definition;
    model.set(action.name, {
      name: action.name,
      operation: root.operation,
      kind: d.kind,
      description: root.field.description?.value ?? action.comment,
      args: root.field.arguments ?? [],
      outputType: root.field.type,
      handler: d.handler,
      headers: (d.headers ?? []).map((h) => HeaderConfSchema.parse(h)),
      forwardClientHeaders: d.forward_client_headers ?? false,
      timeoutSeconds: d.timeout ?? DEFAULT_ACTION_TIMEOUT_SECONDS,
      roles: new Set((action.permissions ?? []).map((p) => p.role)),
    });
  }
  return { actions: model, types };
}

/** Whether `role` may call the action: admin always, others when listed (contract 3.2). */
export function canCall(action: ActionDef, role: string): boolean {
  return role === "admin" || action.roles.has(role);
}
