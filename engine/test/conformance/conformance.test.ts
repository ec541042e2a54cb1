/**
 * Conformance suite: every engine/test/conformance/<feature>/<case>.graphql
 * with its <case>.json ({ variables?, operationName?, headers?, jwt?, response })
 * is POSTed to /v1/graphql and the answer must equal `response` exactly.
 * Cases under a folder whose name starts with `mutation` each run on their own
 * clone of the seeded database; the others share one. `followUp` is a second
 * request sent after the first (to see what a mutation left behind).
 *
 * A folder with a `_project.json` runs on another fixture project (projects.ts).
 *
 * ENGINE_CONFORMANCE_RECORD=1 writes the answers into the .json files instead
 * of comparing (for new cases; review every recorded answer against Hasura's
 * documented behaviour before committing). Never set in CI.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { z } from "zod";
import type { TestDatabase } from "../../../test/helpers/pg";
import { createBlogTemplate, signJwt, startBlogEngine, type BlogEngine } from "../helpers/blog";
import { createProjectTemplate, projectOf, startProjectEngine, type ProjectSpec } from "./projects";

const RequestSpecSchema = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  response: z.unknown(),
});

const CaseSchema = z.object({
  description: z.string().optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  operationName: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** Claims for a JWT signed with the fixture key, sent as `Authorization: Bearer`. */
  jwt: z.record(z.string(), z.unknown()).optional(),
  response: z.unknown(),
  followUp: RequestSpecSchema.optional(),
});

interface Case {
  feature: string;
  name: string;
  query: string;
  spec: z.infer<typeof CaseSchema>;
  file: string;
  project: ProjectSpec | null;
}

const RECORD = process.env.ENGINE_CONFORMANCE_RECORD === "1";

function loadCases(): Case[] {
  const root = __dirname;
  const cases: Case[] = [];
  for (const feature of readdirSync(root).sort()) {
    const dir = join(root, feature);
    if (!statSync(dir).isDirectory()) continue;
    const project = projectOf(dir);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort()) {
      const name = file.replace(/\.graphql$/, "");
      const spec = CaseSchema.parse(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")));
      cases.push({ feature, name, query: readFileSync(join(dir, file), "utf8"), spec, file: join(dir, `${name}.json`), project });
    }
  }
  return cases;
}

const cases = loadCases();
let template: TestDatabase;
let shared: BlogEngine;

beforeAll(async () => {
  template = await createBlogTemplate();
  shared = await startBlogEngine(template);
});

/** Other projects: one template and one shared engine per project and env, made when first needed. */
const others = new Map<string, { template: TestDatabase; shared: BlogEngine }>();
async function projectSetup(spec: ProjectSpec): Promise<{ template: TestDatabase; shared: BlogEngine }> {
  const key = JSON.stringify(spec);
  let setup = others.get(key);
  if (!setup) {
    const tpl = await createProjectTemplate(spec.project);
    setup = { template: tpl, shared: await startProjectEngine(spec, tpl) };
    others.set(key, setup);
  }
  return setup;
}

afterAll(async () => {
  await shared?.close();
  await template?.drop();
  for (const o of others.values()) {
    await o.shared.close();
    await o.template.drop();
  }
});

async function send(engine: BlogEngine, query: string, spec: { headers: Record<string, string>; variables?: unknown; operationName?: string; jwt?: Record<string, unknown> }): Promise<unknown> {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.jwt) headers.authorization = `Bearer ${await signJwt(spec.jwt)}`;
  const res = await request(engine.engine.app).post("/v1/graphql").set(headers).send({ query, variables: spec.variables, operationName: spec.operationName });
  // GraphQL and auth errors alike answer HTTP 200 on /v1/graphql (contract 6.4, 4.3).
  expect(res.status).toBe(200);
  return res.body;
}

async function check(engine: BlogEngine, c: Case): Promise<void> {
  const actual = await send(engine, c.query, c.spec);
  const followUp = c.spec.followUp ? await send(engine, c.spec.followUp.query, c.spec.followUp) : undefined;
  if (RECORD) {
    const recorded = { ...c.spec, response: actual, ...(c.spec.followUp ? { followUp: { ...c.spec.followUp, response: followUp } } : {}) };
    writeFileSync(c.file, `${JSON.stringify(recorded, null, 2)}\n`);
    return;
  }
  expect(actual).toEqual(c.spec.response);
  if (c.spec.followUp) expect(followUp).toEqual(c.spec.followUp.response);
}

describe.each([...new Set(cases.map((c) => c.feature))])("conformance: %s", (feature) => {
  const featureCases = cases.filter((c) => c.feature === feature);
  test.each(featureCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const setup = c.project ? await projectSetup(c.project) : { template, shared };
    if (feature.startsWith("mutation")) {
      const own = c.project ? await startProjectEngine(c.project, setup.template) : await startBlogEngine(template);
      try {
        await check(own, c);
      } finally {
        await own.close();
      }
    } else {
      await check(setup.shared, c);
    }
  });
});
