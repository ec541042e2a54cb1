/**
 * The slice of PostGraphile v5's API that server.ts uses. PostGraphile is not
 * a project dependency (it requires Node >= 22 and brings about 185 packages;
 * see bench/engine/README.md): it is installed into bench/engine/.cache at
 * bench time and resolved at run time through NODE_PATH, so the type checker
 * of this Node 20 project only sees these declarations. Checked against
 * postgraphile 5.1.5 (postgraphile/dist/index.d.ts, grafast/dist/index.d.ts,
 * @dataplan/pg/dist/adaptors/pg.d.ts, grafserv/dist/servers/node/index.d.ts).
 */
declare module "postgraphile" {
  import type { IncomingMessage, Server } from "node:http";

  export interface RequestContext {
    node?: { readonly req: IncomingMessage };
  }
  export interface Preset {
    extends?: readonly Preset[];
    pgServices?: readonly PgService[];
    grafast?: {
      explain?: boolean;
      context?: (requestContext: RequestContext) => Promise<{ pgSettings: Record<string, string> | null }>;
    };
    grafserv?: { graphqlPath?: string; graphiql?: boolean; watch?: boolean; maxRequestLength?: number };
    schema?: Record<string, unknown>;
  }
  /** Opaque: what makePgService returns. */
  export interface PgService {
    readonly name?: string;
  }
  export interface Serv {
    addTo(server: Server): Promise<void>;
    release(): Promise<void>;
  }
  export type GrafservFactory = (config: unknown) => Serv;
  export interface PostGraphileInstance {
    createServ(grafserv: GrafservFactory): Serv;
    release(): Promise<void>;
  }
  export function postgraphile(preset: Preset): PostGraphileInstance;
}

declare module "postgraphile/presets/amber" {
  import type { Preset } from "postgraphile";
  export const PostGraphileAmberPreset: Preset;
}

declare module "postgraphile/adaptors/pg" {
  import type { PgService } from "postgraphile";
  export function makePgService(options: {
    connectionString: string;
    schemas: string[];
    poolConfig?: { max?: number };
  }): PgService;
}

declare module "postgraphile/grafserv/node" {
  import type { GrafservFactory } from "postgraphile";
  export const grafserv: GrafservFactory;
}
