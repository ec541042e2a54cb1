/**
 * Actions as an engine extension (contract 3): on every metadata load the
 * actions model is built from actions.graphql + actions.yaml and the handler
 * URLs and headers are resolved against the environment; `rootFields(role)`
 * contributes the role's query and mutation actions, each resolving by POSTing
 * Hasura's request body to the handler and checking the answer.
 *
 * Asynchronous actions are not served: their fields are left out and a warning
 * is logged (contract 3.5 needs hdb_action_log and a processor).
 */
import type { GraphQLFieldConfigArgumentMap } from "graphql";
import type { EngineContext, EngineExtension, ExtensionRootField } from "../extensions";
import { createWebhookHttpClient, type WebhookHttpClient } from "../events/http-client";
import { buildTableModel, type TableModel } from "../schema/model";
import { resolveHeaders, resolveTemplate, type ResolvedHeader } from "../events/webhook-conf";
import { buildActionsModel, type ActionDef, type ActionsModel } from "./definition";
import { callHandler, checkOutput, handlerHeaders } from "./handler";
import { relationshipResolver, remoteTable } from "./relationships";
import { actionsForRole, ActionTypeBuilder, materializeRoleTypes } from "./schema";

interface ResolvedAction {
  def: ActionDef;
  url: string;
  headers: ResolvedHeader[];
}

export interface ActionsExtensionOptions {
  /** Max open sockets to handlers. */
  maxSockets?: number;
}

export function createActionsExtension(options: ActionsExtensionOptions = {}): EngineExtension {
  let model: ActionsModel = { actions: new Map(), types: { objects: new Map(), inputs: new Map(), enums: new Map(), scalars: new Map(), relationships: new Map() } };
  let resolved = new Map<string, ResolvedAction>();
  let tables: TableModel | undefined;
  let http: WebhookHttpClient | undefined;
  const client = (): WebhookHttpClient => (http ??= createWebhookHttpClient({ maxSockets: options.maxSockets ?? 100 }));

  function field(action: ResolvedAction, builder: ActionTypeBuilder, role: string, ctx: EngineContext): ExtensionRootField {
    const type = builder.output(action.def.outputType);
    const args: GraphQLFieldConfigArgumentMap = builder.args(action.def);
    const relationships = tables ? relationshipResolver(action.def.name, type, args, { pool: ctx.pool, model: tables, role }) : undefined;
    return {
      type,
      args,
      description: action.def.description,
      async resolve(call) {
        const headers = handlerHeaders(action.headers, call.session.headers, action.def.forwardClientHeaders);
        const answer = await callHandler(
          client(),
          action.url,
          headers,
          { action: { name: action.def.name }, input: call.args, session_variables: call.session.variables, request_query: call.query },
          action.def.timeoutSeconds,
        );
        const output = checkOutput(answer, type);
        return relationships ? relationships.attach(output, call) : output;
      },
    };
  }

  return {
    name: "actions",

    async onMetadataLoaded(ctx) {
      const next = buildActionsModel(ctx.metadata.actions, ctx.metadata.customTypes, ctx.metadata.actionsGraphql);
      const map = new Map<string, ResolvedAction>();
      for (const def of next.actions.values()) {
        if (def.kind === "asynchronous") {
          ctx.logger.warn({ action: def.name }, "asynchronous actions are not supported by engine/; action left out");
          continue;
        }
        const where = `action ${def.name}`;
        // Contract 3.3: {{ENV}} placeholders are replaced when metadata is loaded.
        map.set(def.name, { def, url: resolveTemplate(def.handler, ctx.env, where), headers: resolveHeaders(def.headers, ctx.env, where) });
      }
      model = next;
      resolved = map;
      // The engine core's table model (pure data from metadata + catalog) gives
      // relationship targets their GraphQL names and permissions.
      tables = buildTableModel(ctx.metadata, ctx.catalog);
    },

    rootFields(role, ctx, types) {
      const visible = actionsForRole(model, role);
      if (visible.query.length + visible.mutation.length === 0) return {};
      if (tables) materializeRoleTypes((name) => types.get(name), [...tables.tables.values()].map((t) => t.gqlName));
      const builder = new ActionTypeBuilder(
        model,
        (name) => types.get(name),
        (rel) => (tables ? remoteTable(tables, rel)?.gqlName : undefined),
      );
      const build = (defs: ActionDef[]): Record<string, ExtensionRootField> => {
        const out: Record<string, ExtensionRootField> = {};
        for (const def of defs) {
          const action = resolved.get(def.name);
          if (action) out[def.name] = field(action, builder, role, ctx);
        }
        return out;
      };
      return { query: build(visible.query), mutation: build(visible.mutation) };
    },

    async stop() {
      http?.close();
      http = undefined;
    },
  };
}
