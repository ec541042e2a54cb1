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
import type { EngineExtension, ExtensionRootField } from "../extensions";
import { createWebhookHttpClient, type WebhookHttpClient } from "../events/http-client";
import { resolveHeaders, resolveTemplate, type ResolvedHeader } from "../events/webhook-conf";
import { buildActionsModel, type ActionDef, type ActionsModel } from "./definition";
import { callHandler, checkOutput, handlerHeaders } from "./handler";
import { actionsForRole, ActionTypeBuilder } from "./schema";

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
  let http: WebhookHttpClient | undefined;
  const client = (): WebhookHttpClient => (http ??= createWebhookHttpClient({ maxSockets: options.maxSockets ?? 100 }));

  function field(action: ResolvedAction, builder: ActionTypeBuilder): ExtensionRootField {
    const type = builder.output(action.def.outputType);
    const args: GraphQLFieldConfigArgumentMap = builder.args(action.def);
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
        return checkOutput(answer, type);
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
    },

    rootFields(role, _ctx, types) {
      const builder = new ActionTypeBuilder(model, (name) => types.get(name));
      const visible = actionsForRole(model, role);
      const build = (defs: ActionDef[]): Record<string, ExtensionRootField> => {
        const out: Record<string, ExtensionRootField> = {};
        for (const def of defs) {
          const action = resolved.get(def.name);
          if (action) out[def.name] = field(action, builder);
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
