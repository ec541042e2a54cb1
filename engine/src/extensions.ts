/**
 * Extension seams of the engine. Event triggers, cron triggers, scheduled
 * events, actions and migrations-at-start plug in here (engine/src/events,
 * crons, actions, migrations) without the GraphQL core knowing about them.
 *
 * Lifecycle, driven by createEngine (engine/src/server.ts):
 *   1. metadata loaded + catalog introspected -> `onMetadataLoaded(ctx)` on every
 *      extension, in array order (also after each `reload_metadata`);
 *   2. `start(ctx)` once, after the first load;
 *   3. `rootFields(role, ctx)` whenever the per-role schemas are (re)built;
 *   4. `stop()` on close, in reverse order.
 * `/v1/metadata` dispatches any op type the core does not handle to the first
 * extension listing it in `metadataOperations` (also inside `bulk`).
 */
import type { GraphQLFieldConfigArgumentMap, GraphQLOutputType, GraphQLNamedType, FieldNode, FragmentDefinitionNode } from "graphql";
import type { Pool } from "pg";
import type { Logger } from "../../common/src/logger";
import type { Catalog } from "./introspection/catalog";
import type { EngineMetadata } from "./metadata";

/** Session variables: lower-case `x-hasura-*` names to string values (Hasura contract 4.2). */
export type SessionVariables = Readonly<Record<string, string>>;

/** What every extension hook receives. Rebuilt on each metadata reload. */
export interface EngineContext {
  /** Pool on the source database (HASURA_GRAPHQL_DATABASE_URL / DATABASE_URL). */
  pool: Pool;
  /** The loaded Hasura project metadata (common/src/metadata `Metadata`). */
  metadata: EngineMetadata;
  /** The introspected Postgres catalog. */
  catalog: Catalog;
  logger: Logger;
  /** The environment the engine was started with ({{VAR}} templates, value_from_env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Absolute path of the Hasura project directory being served. */
  projectDir: string;
}

/** The caller of a metadata operation or a root field. */
export interface RequestSession {
  role: string;
  /** Includes `x-hasura-role`. */
  variables: SessionVariables;
  /** Client request headers, lower-case names (for forward_client_headers). */
  headers: Readonly<Record<string, string>>;
}

/** One call of an extension-provided root field. */
export interface ExtensionFieldCall {
  /** Arguments, already coerced by graphql-js against the field's argument types. */
  args: Record<string, unknown>;
  session: RequestSession;
  /** The field nodes of the call (one response key), for request_query and selections. */
  fieldNodes: readonly FieldNode[];
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  variables: Readonly<Record<string, unknown>>;
  /** The raw GraphQL document text of the request. */
  query: string;
}

/**
 * A root field contributed by an extension (actions). The resolver returns the
 * field's JSON value keyed by GraphQL *field names*; graphql-js then applies the
 * client's selection, aliases and __typename. Throw an `ExtensionError` (errors.ts `HasuraError`) to
 * answer a GraphQL error with your own message and extensions.
 */
export interface ExtensionRootField {
  type: GraphQLOutputType;
  args?: GraphQLFieldConfigArgumentMap;
  description?: string;
  resolve(call: ExtensionFieldCall): Promise<unknown>;
}

/** Lets rootFields reuse the types of the role's schema (table types, scalars). */
export interface RoleTypeLookup {
  /** The named type as built for this role (e.g. `uuid`, a table object type), if any. */
  get(name: string): GraphQLNamedType | undefined;
}

export interface ExtensionRootFields {
  query?: Record<string, ExtensionRootField>;
  mutation?: Record<string, ExtensionRootField>;
}

/** Handler of one `/v1/metadata` op type. Resolves to the JSON response body. */
export type MetadataOperation = (args: unknown, ctx: EngineContext, session: RequestSession) => Promise<unknown>;

export interface EngineExtension {
  name: string;
  metadataOperations?: Record<string, MetadataOperation>;
  onMetadataLoaded?(ctx: EngineContext): Promise<void>;
  start?(ctx: EngineContext): Promise<void>;
  stop?(): Promise<void>;
  rootFields?(role: string, ctx: EngineContext, types: RoleTypeLookup): ExtensionRootFields;
}

/**
 * Throw this from a resolver or metadata operation for a Hasura-shaped error:
 * on /v1/graphql `{message, extensions: {path, code, ...extensions}}` (HTTP 200);
 * on /v1/metadata `{path, error, code}` with its status (Hasura contract 8.2).
 * Constructor: `(code, message, path = "$", status = 400, extensions = {})`.
 */
export { HasuraError as ExtensionError } from "./errors";
