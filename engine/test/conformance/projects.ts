/**
 * Fixture projects of the conformance suite besides the blog: a feature
 * folder with a `_project.json` (`{"project": "<fixture dir>", "env": {...}}`)
 * runs its cases on that project (migrated and seeded once per run), with the
 * engine env it names (e.g. HASURA_GRAPHQL_INFER_FUNCTION_PERMISSIONS).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { applyMigrations, applySeeds } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type EngineOptions } from "../../src/server";
import { ADMIN_SECRET, JWT_SECRET, type BlogEngine } from "../helpers/blog";

export const ProjectSpecSchema = z.object({ project: z.string().regex(/^[a-z0-9-]+$/), env: z.record(z.string(), z.string()).default({}) }).strict();
export type ProjectSpec = z.infer<typeof ProjectSpecSchema>;

/** The `_project.json` of a feature folder, or null for the blog. */
export function projectOf(featureDir: string): ProjectSpec | null {
  const file = join(featureDir, "_project.json");
  return existsSync(file) ? ProjectSpecSchema.parse(JSON.parse(readFileSync(file, "utf8"))) : null;
}

export function fixtureDir(project: string): string {
  return join(__dirname, "..", "fixtures", project);
}

export async function createProjectTemplate(project: string): Promise<TestDatabase> {
  const db = await createTestDatabase(`engine_tpl_${project.replace(/-/g, "_")}`);
  await applyMigrations(db.url, join(fixtureDir(project), "migrations"));
  await applySeeds(db.url, join(fixtureDir(project), "seeds"));
  return db;
}

/** An engine on a clone of `template` (admin secret, HS256 JWT, anonymous role, as the blog engine). */
export async function startProjectEngine(spec: ProjectSpec, template: TestDatabase, overrides: Partial<EngineOptions> = {}): Promise<BlogEngine> {
  const db = await createTestDatabase("engine_run", template.name);
  const engine = await createEngine({
    databaseUrl: db.url,
    projectDir: fixtureDir(spec.project),
    adminSecret: ADMIN_SECRET,
    jwtSecret: JWT_SECRET,
    unauthorizedRole: "anonymous",
    poolSize: 4,
    env: spec.env,
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
