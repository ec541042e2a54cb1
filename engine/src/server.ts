/**
 * createEngine: the engine as an embeddable object. Loads the Hasura project,
 * introspects Postgres, builds per-role schemas lazily, and exposes an Express
 * app with Hasura's HTTP contracts. Never reads process.env and never listens
 * (main.ts does both).
 */
import type { Server } from "node:http";
import { resolve } from "node:path";
import { Pool } from "pg";
import type express from "express";
import type { GraphQLNamedType, GraphQLSchema } from "graphql";
import type { Logger } from "../../common/src/logger";
import { silentLogger } from "../../common/src/logger";
import { loadMetadata, type EngineMetadata } from "./metadata";
import { introspectCatalog } from "./introspection/catalog";
import { buildTableModel, modelOptionsFromEnv, type InconsistentObject, type TableModel } from "./schema/model";
import { buildRoleSchema } from "./schema/build";
import { applyGraphqlDefault, namingConventionOf } from "./schema/naming";
import type { EngineContext, EngineExtension, ExtensionRootField } from "./extensions";
import { parseJwtConfig } from "./auth/jwt-config";
import type { AuthConfig } from "./auth/authenticate";
import { createHttpApp } from "./http/app";
import { HasuraError } from "./errors";
import { CLOSE } from "./subscriptions/protocol";
import { createSubscriptionServer, DEFAULT_SUBSCRIPTION_OPTIONS, type SubscriptionOptions } from "./subscriptions/websocket";

export interface EngineOptions {
  /** Postgres URL of the `default` source. Ignored when `pool` is given. */
  databaseUrl?: string;
  pool?: Pool;
  /** Hasura project directory (config.yaml, metadata/). */
  projectDir: string;
  adminSecret?: string | null;
  /** HASURA_GRAPHQL_JWT_SECRET (JSON text). */
  jwtSecret?: string | null;
  unauthorizedRole?: string | null;
  stringifyNumeric?: boolean;
  /** Serve GraphiQL at / and /console. */
  enableConsole?: boolean;
  /** Reported by /v1/version. */
  version?: string;
  logger?: Logger;
  env?: Readonly<Record<string, string | undefined>>;
  extensions?: EngineExtension[];
  /** Pool size when the engine creates the pool. */
  poolSize?: number;
  /** HASURA_GRAPHQL_CORS_DOMAIN as a list (null or absent: every origin). */
  corsDomains?: string[] | null;
  /** HASURA_GRAPHQL_DISABLE_CORS. */
  disableCors?: boolean;
  /** WebSocket transport and subscription polling (refetch intervals, batch sizes, keep-alive, limits). */
  subscriptions?: Partial<SubscriptionOptions>;
  /**
   * Told after each successful reload or replace that was not itself a replay
   * (`{ replay: true }`), so that other processes serving the same project
   * (engine/src/cluster.ts) can apply the same change.
   */
  onMetadataChanged?: (change: MetadataChange) => void;
}

/** A change of the served metadata, as other engine processes replay it. */
export type MetadataChange = { kind: "reloaded" } | { kind: "replaced"; metadata: EngineMetadata };

/** `replay`: the change came from another process; do not report it again. */
export interface ChangeOptions {
  replay?: boolean;
}

/** The loaded project: replaced as a whole on reload. */
export interface EngineState {
  ctx: EngineContext;
  model: TableModel;
  schemaFor(role: string, backendOnly: boolean): GraphQLSchema;
  /** Objects left out because they do not fit the database (replace_metadata with allow_inconsistent_metadata). */
  inconsistencies: InconsistentObject[];
  /** Hasura's metadata `resource_version`: 1 at start, +1 for every replace_metadata / clear_metadata. */
  resourceVersion: number;
}

/** The engine without its HTTP app (what the HTTP layer itself needs). */
export type EngineCore = Omit<Engine, "app">;

export interface Engine {
  app: express.Express;
  /** Reloads metadata and catalog; throws (keeping the previous state) when they are inconsistent. */
  reload(options?: ChangeOptions): Promise<void>;
  /**
   * Replaces the served metadata (replace_metadata, clear_metadata). Held in
   * memory, as Hasura holds it in its catalog: the project directory is not
   * written, later reloads rebuild from it, a restart reads the directory again.
   * With inconsistent objects it throws (state unchanged) unless
   * `allowInconsistent`, which serves the rest; returns the objects left out.
   */
  replaceMetadata(metadata: EngineMetadata, allowInconsistent: boolean, options?: ChangeOptions): Promise<InconsistentObject[]>;
  /** Serves the WebSocket transport of /v1/graphql (subscriptions) on `server`, the HTTP server of `app`. */
  attachWebSocket(server: Server): void;
  /** Closes every WebSocket (1012) and stops subscription polling; close() does it too. */
  closeWebSockets(): Promise<void>;
  /** Closes WebSockets and subscription pollers, stops extensions and closes the pool the engine created. */
  close(): Promise<void>;
  pool: Pool;
  state(): EngineState;
}

export const DEFAULT_VERSION = "v2.48.3";

/**
 * Loads the project and builds the engine. Rejects when the metadata is
 * invalid, a tracked object is missing from the database, or the JWT config is bad.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const logger = options.logger ?? silentLogger();
  const ownsPool = !options.pool;
  const pool = options.pool ?? new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
  // An idle client whose backend goes away (Postgres restarted, the database
  // dropped) makes the pool emit "error"; unheard, that event crashes the
  // process. The pool replaces the client on next use, so a log line is enough.
  if (ownsPool) pool.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "idle database connection lost"));
  const extensions = options.extensions ?? [];
  const projectDir = resolve(options.projectDir);
  if ((options.jwtSecret || options.unauthorizedRole) && !options.adminSecret) {
    // Hasura refuses to start in these modes without an admin secret (contract 4.1).
    throw new Error("[engine] HASURA_GRAPHQL_JWT_SECRET and HASURA_GRAPHQL_UNAUTHORIZED_ROLE need HASURA_GRAPHQL_ADMIN_SECRET");
  }
  const auth: AuthConfig = {
    adminSecret: options.adminSecret ?? null,
    jwt: options.jwtSecret ? await parseJwtConfig(options.jwtSecret) : null,
    unauthorizedRole: options.unauthorizedRole ?? null,
  };

  /** Metadata set through the API; null while the project directory is the source. */
  let stored: EngineMetadata | null = null;
  /** Builds a state; with `inconsistencies`, objects that do not fit are left out and listed there. */
  const build = async (metadata: EngineMetadata, inconsistencies?: InconsistentObject[]): Promise<EngineState> => {
    const catalog = await introspectCatalog(pool);
    const model = buildTableModel(metadata, catalog, { ...modelOptionsFromEnv(options.env ?? {}), inconsistencies });
    const ctx: EngineContext = { pool, metadata, catalog, logger, env: options.env ?? {}, projectDir };
    const cache = new Map<string, GraphQLSchema>();
    const naming = namingConventionOf(metadata.sources.find((src) => src.name === "default") ?? metadata.sources[0], options.env ?? {});
    const schemaFor = (role: string, backendOnly: boolean): GraphQLSchema => {
      const key = `${role}\u0000${backendOnly ? 1 : 0}`;
      let schema = cache.get(key);
      if (!schema) {
        schema = buildRoleSchema({
          model,
          options: { role, backendOnly },
          extensionFields: (lookup: (name: string) => GraphQLNamedType | undefined) => {
            const query: Record<string, ExtensionRootField> = {};
            const mutation: Record<string, ExtensionRootField> = {};
            for (const ext of extensions) {
              const fields = ext.rootFields?.(role, ctx, { get: lookup });
              Object.assign(query, fields?.query ?? {});
              Object.assign(mutation, fields?.mutation ?? {});
            }
            return { query, mutation };
          },
        });
        if (naming === "graphql-default") schema = applyGraphqlDefault(schema, model.customNames);
        cache.set(key, schema);
      }
      return schema;
    };
    return { ctx, model, schemaFor, inconsistencies: inconsistencies ?? [], resourceVersion: 1 };
  };
  const load = async (): Promise<EngineState> => {
    // Metadata set through the API is rebuilt as Hasura rebuilds its stored metadata: objects that no longer fit are left out and listed.
    const state = stored ? await build(stored, []) : await build(loadMetadata(projectDir));
    for (const ext of extensions) await ext.onMetadataLoaded?.(state.ctx);
    return state;
  };

  let current = await load();
  for (const ext of extensions) await ext.start?.(current.ctx);
  const cors = { domains: options.corsDomains ?? null, disabled: options.disableCors ?? false };
  const subscriptions = createSubscriptionServer({
    pool,
    state: () => current,
    auth,
    stringifyNumeric: options.stringifyNumeric ?? false,
    cors,
    logger,
    options: { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...options.subscriptions },
  });

  const core: EngineCore = {
    pool,
    state: () => current,
    reload: async (change) => {
      current = { ...(await load()), resourceVersion: current.resourceVersion };
      // Hasura closes every WebSocket when the metadata changes; clients reconnect to the new schema (WebSocket.hs mkCloseWebsocketsOnMetadataChangeAction).
      subscriptions.closeAll(CLOSE.SERVICE_RESTART, "Server state changed, restarting the server");
      if (!change?.replay) options.onMetadataChanged?.({ kind: "reloaded" });
    },
    replaceMetadata: async (metadata, allowInconsistent, change) => {
      const inconsistencies: InconsistentObject[] = [];
      const next = await build(metadata, inconsistencies);
      // Hasura: "cannot continue due to inconsistent metadata" (400 unexpected, objects under `internal`), nothing changed.
      if (inconsistencies.length > 0 && !allowInconsistent)
        throw new HasuraError("unexpected", "cannot continue due to inconsistent metadata", "$.args", 400, { internal: inconsistencies });
      for (const ext of extensions) await ext.onMetadataLoaded?.(next.ctx);
      stored = metadata;
      current = { ...next, resourceVersion: current.resourceVersion + 1 };
      subscriptions.closeAll(CLOSE.SERVICE_RESTART, "Server state changed, restarting the server");
      if (!change?.replay) options.onMetadataChanged?.({ kind: "replaced", metadata });
      return inconsistencies;
    },
    attachWebSocket: (server) => subscriptions.attach(server),
    closeWebSockets: () => subscriptions.close(),
    close: async () => {
      await subscriptions.close();
      for (const ext of [...extensions].reverse()) await ext.stop?.();
      if (ownsPool) await pool.end();
    },
  };
  const app = createHttpApp({
    engine: core,
    auth,
    extensions,
    stringifyNumeric: options.stringifyNumeric ?? false,
    enableConsole: options.enableConsole ?? false,
    version: options.version ?? DEFAULT_VERSION,
    logger,
    cors,
  });
  return { ...core, app };
}
