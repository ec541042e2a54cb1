/**
 * Conformance suite: every engine/test/conformance/<feature>/<case>.graphql
 * with its <case>.json ({ variables?, operationName?, headers?, jwt?, response })
 * is POSTed to /v1/graphql and the answer must equal `response` exactly.
 * Cases under a folder whose name starts with `mutation` each run on their own
 * clone of the seeded database; the others share one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { z } from "zod";
import type { TestDatabase } from "../../../test/helpers/pg";
import { createBlogTemplate, signJwt, startBlogEngine, type BlogEngine } from "../helpers/blog";

const CaseSchema = z.object({
  description: z.string().optional(),
  variables: z.record(z.string(), z.unknown()).optional(),
  operationName: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** Claims for a JWT signed with the fixture key, sent as `Authorization: Bearer`. */
  jwt: z.record(z.string(), z.unknown()).optional(),
  response: z.unknown(),
});

interface Case {
  feature: string;
  name: string;
  query: string;
  spec: z.infer<typeof CaseSchema>;
}

function loadCases(): Case[] {
  const root = __dirname;
  const cases: Case[] = [];
  for (const feature of readdirSync(root).sort()) {
    const dir = join(root, feature);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort()) {
      const name = file.replace(/\.graphql$/, "");
      const spec = CaseSchema.parse(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")));
      cases.push({ feature, name, query: readFileSync(join(dir, file), "utf8"), spec });
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

afterAll(async () => {
  await shared?.close();
  await template?.drop();
});

async function runCase(engine: BlogEngine, c: Case): Promise<unknown> {
  const headers: Record<string, string> = { ...c.spec.headers };
  if (c.spec.jwt) headers.authorization = `Bearer ${await signJwt(c.spec.jwt)}`;
  const res = await request(engine.engine.app)
    .post("/v1/graphql")
    .set(headers)
    .send({ query: c.query, variables: c.spec.variables, operationName: c.spec.operationName });
  expect(res.status).toBe(200);
  return res.body;
}

describe.each([...new Set(cases.map((c) => c.feature))])("conformance: %s", (feature) => {
  const featureCases = cases.filter((c) => c.feature === feature);
  test.each(featureCases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    if (feature.startsWith("mutation")) {
      const own = await startBlogEngine(template);
      try {
        expect(await runCase(own, c)).toEqual(c.spec.response);
      } finally {
        await own.close();
      }
    } else {
      expect(await runCase(shared, c)).toEqual(c.spec.response);
    }
  });
});
