/**
 * The blog fixture project (engine/test/fixtures/blog) on a fresh database:
 * a template migrated and seeded once per test file, cloned per engine.
 */
import { join } from "node:path";
import { SignJWT } from "jose";
import { applyMigrations, applySeeds } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type Engine, type EngineOptions } from "../../src/server";

export const BLOG_PROJECT = join(__dirname, "..", "fixtures", "blog");
export const ADMIN_SECRET = "test-admin-secret";
export const JWT_KEY = "an-hmac-key-of-at-least-thirty-two-characters";
export const JWT_SECRET = JSON.stringify({ type: "HS256", key: JWT_KEY });

/** Creates the migrated, seeded template database. */
export async function createBlogTemplate(prefix = "engine_tpl"): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  await applyMigrations(db.url, join(BLOG_PROJECT, "migrations"));
  await applySeeds(db.url, join(BLOG_PROJECT, "seeds"));
  return db;
}

export interface BlogEngine {
  engine: Engine;
  db: TestDatabase;
  close(): Promise<void>;
}

/** A clone of the template with an engine on it (admin secret, HS256 JWT, anonymous role). */
export async function startBlogEngine(template: TestDatabase, overrides: Partial<EngineOptions> = {}): Promise<BlogEngine> {
  const db = await createTestDatabase("engine_run", template.name);
  const engine = await createEngine({
    databaseUrl: db.url,
    projectDir: BLOG_PROJECT,
    adminSecret: ADMIN_SECRET,
    jwtSecret: JWT_SECRET,
    unauthorizedRole: "anonymous",
    poolSize: 4,
    ...overrides,
  });
  return {
    engine,
    db,
    close: async () => {
      await engine.close();
      await db.drop();
    },
  };
}

/** Signs a Hasura JWT with the fixture key; `claims` go under the default namespace. */
export async function signJwt(claims: Record<string, unknown>, options: { expiresInSeconds?: number; extra?: Record<string, unknown>; key?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...(options.extra ?? {}), "https://hasura.io/jwt/claims": claims })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .setSubject(String(claims["x-hasura-user-id"] ?? "anonymous"))
    .sign(new TextEncoder().encode(options.key ?? JWT_KEY));
}
