/**
 * PostGraphile v5 over the benchmark database, for bench/engine/run.ts only.
 * Runs under Node >= 22 (run.ts starts it with the Node it fetched) with
 * NODE_PATH pointing at the PostGraphile install in bench/engine/.cache.
 *
 * Authentication mirrors the engine's, with the very same request headers:
 * - `x-hasura-admin-secret` equal to the configured secret: no session
 *   settings, so queries run as the connecting superuser (row-level security
 *   bypassed), as the engine's admin role skips permission filters;
 * - `authorization: Bearer <HS256 JWT>` with Hasura's claims namespace: the
 *   signature and expiry are verified (jose, as the engine does) and the
 *   request runs as Postgres role bench_pgl_user with jwt.claims.user_id set,
 *   which the policies in setup.sql read;
 * - anything else runs as bench_pgl_anonymous, which may read nothing.
 *
 * Environment (all required): BENCH_PGL_DATABASE_URL, BENCH_PGL_PORT,
 * BENCH_PGL_ADMIN_SECRET, BENCH_PGL_JWT_KEY, BENCH_PGL_POOL_MAX.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { jwtVerify } from "jose";
import { postgraphile, type RequestContext } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { z } from "zod";

const envSchema = z.object({
  BENCH_PGL_DATABASE_URL: z.string().url(),
  BENCH_PGL_PORT: z.coerce.number().int().min(1).max(65535),
  BENCH_PGL_ADMIN_SECRET: z.string().min(1),
  BENCH_PGL_JWT_KEY: z.string().min(32),
  BENCH_PGL_POOL_MAX: z.coerce.number().int().positive(),
});

const claimsSchema = z.object({
  "https://hasura.io/jwt/claims": z.object({
    "x-hasura-default-role": z.literal("user"),
    // guid, not uuid: Postgres takes any 8-4-4-4-12 hex, without RFC 9562's version and variant bits.
    "x-hasura-user-id": z.guid(),
  }),
});

const env = envSchema.parse(process.env);
const jwtKey = new TextEncoder().encode(env.BENCH_PGL_JWT_KEY);
const adminSecret = Buffer.from(env.BENCH_PGL_ADMIN_SECRET);
const ANONYMOUS = { role: "bench_pgl_anonymous" };
let warned = false;

function isAdmin(header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const given = Buffer.from(header);
  return given.length === adminSecret.length && timingSafeEqual(given, adminSecret);
}

/** Session settings for one request (see the module comment). */
async function pgSettingsFor(requestContext: RequestContext): Promise<Record<string, string> | null> {
  const headers = requestContext.node?.req.headers;
  if (!headers) return ANONYMOUS;
  if (isAdmin(headers["x-hasura-admin-secret"])) return null;
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? "");
  if (!match) return ANONYMOUS;
  try {
    const { payload } = await jwtVerify(match[1], jwtKey, { algorithms: ["HS256"] });
    const claims = claimsSchema.parse(payload)["https://hasura.io/jwt/claims"];
    return { role: "bench_pgl_user", "jwt.claims.user_id": claims["x-hasura-user-id"] };
  } catch (err) {
    // Once: a bad token here is a broken benchmark, and the check before
    // measuring fails on it anyway; the message names no claim value.
    if (!warned) process.stderr.write(`bench/engine/postgraphile: token rejected (${err instanceof Error ? err.name : "error"}), running as bench_pgl_anonymous\n`);
    warned = true;
    return ANONYMOUS;
  }
}

async function main(): Promise<void> {
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({ connectionString: env.BENCH_PGL_DATABASE_URL, schemas: ["public"], poolConfig: { max: env.BENCH_PGL_POOL_MAX } }),
    ],
    grafast: { explain: false, context: async (requestContext) => ({ pgSettings: await pgSettingsFor(requestContext) }) },
    grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  });
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  await serv.addTo(server);
  server.listen(env.BENCH_PGL_PORT, "127.0.0.1");
  // serv.release() also releases the PostGraphile instance and its pool.
  const stop = (): void => {
    server.closeAllConnections();
    server.close();
    serv.release().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/engine/postgraphile: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
