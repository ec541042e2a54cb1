/**
 * Keeps docker-compose.yml, the Dockerfiles and README.md honest: pinned
 * images, healthchecks, health-gated start order, the Hasura project mounted,
 * every variable the metadata references provided to Hasura, and every
 * variable any part parses documented in README.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { SharedConfigSchema } from "../../../common/src/config";
import { ConfigSchema as ConduitConfigSchema } from "../../../conduit/src/config";
import { EngineConfigSchema } from "../../../engine/src/config";
import { HandlersConfigSchema } from "../../../handlers/src/config";
import { StartEnvSchema } from "../../lib/start-config";

const ROOT = resolve(__dirname, "../../..");
const read = (path: string): string => readFileSync(join(ROOT, path), "utf8");

const ServiceSchema = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]) }),
});
const ComposeSchema = z.object({ services: z.record(z.string(), ServiceSchema) });

const compose = ComposeSchema.parse(parse(read("docker-compose.yml")));
const readme = read("README.md");

/** Every file under hasura/metadata, concatenated (small). */
function metadataText(): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(readFileSync(path, "utf8"));
    }
  };
  walk(join(ROOT, "hasura/metadata"));
  return out.join("\n");
}

describe("docker-compose.yml", () => {
  it("runs postgres, the real Hasura, handlers, conduit and a mail catcher (no engine/)", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["conduit", "handlers", "hasura", "mailpit", "postgres"]);
  });

  it("pins every image to an exact version and gives every service a healthcheck", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9/._-]+:v?\d+\.\d+(\.\d+)?[a-z0-9.-]*$/) });
      else expect(service.build).toBeDefined();
      expect(service.healthcheck.test.length).toBeGreaterThan(0);
    }
    expect(compose.services.hasura.image).toMatch(/^hasura\/graphql-engine:v2\.\d+\.\d+\.cli-migrations-v3$/);
  });

  it("starts each service only once its dependencies are healthy", () => {
    const edges = Object.entries(compose.services).flatMap(([name, s]) => Object.entries(s.depends_on ?? {}).map(([dep, d]) => `${name}->${dep}:${d.condition}`));
    expect(edges.sort()).toEqual([
      "conduit->hasura:service_healthy",
      "handlers->hasura:service_healthy",
      "handlers->mailpit:service_healthy",
      "hasura->postgres:service_healthy",
    ]);
  });

  it("mounts the Hasura project where the cli-migrations-v3 image applies it", () => {
    expect(compose.services.hasura.volumes).toEqual(["./hasura/migrations:/hasura-migrations:ro", "./hasura/metadata:/hasura-metadata:ro"]);
    expect(existsSync(join(ROOT, "hasura/migrations/default"))).toBe(true);
    expect(existsSync(join(ROOT, "hasura/metadata/version.yaml"))).toBe(true);
  });

  it("gives Hasura every environment variable the metadata references", () => {
    const text = metadataText();
    const referenced = new Set([...text.matchAll(/(?:value_from_env|webhook_from_env|from_env):\s*([A-Z_][A-Z0-9_]*)/g), ...text.matchAll(/\{\{([A-Z_][A-Z0-9_]*)\}\}/g)].map((m) => m[1]));
    expect(referenced.size).toBeGreaterThan(0);
    const provided = Object.keys(compose.services.hasura.environment ?? {});
    expect([...referenced].filter((name) => !provided.includes(name))).toEqual([]);
  });

  it("gives handlers and conduit every variable their config requires (no default)", () => {
    const required = (schema: z.ZodObject): string[] =>
      Object.entries(schema.shape)
        .filter(([, type]) => !(type as z.ZodType).safeParse(undefined).success)
        .map(([key]) => key);
    const missing = (service: string, schema: z.ZodObject): string[] =>
      required(schema).filter((key) => !(key in (compose.services[service].environment ?? {})));
    expect({ handlers: missing("handlers", HandlersConfigSchema), conduit: missing("conduit", ConduitConfigSchema) }).toEqual({ handlers: [], conduit: [] });
  });

  it("builds handlers and conduit from Dockerfiles whose entry point exists", () => {
    for (const name of ["handlers", "conduit"]) {
      const build = compose.services[name].build;
      expect(build).toEqual({ context: ".", dockerfile: `${name}/Dockerfile` });
      const dockerfile = read(`${name}/Dockerfile`);
      expect(dockerfile).toMatch(/^FROM node:20\.\d+\.\d+-bookworm-slim$/m);
      expect(dockerfile).toContain(`CMD ["node", "--import", "tsx", "${name}/src/main.ts"]`);
      expect(dockerfile).toMatch(/^USER node$/m);
      expect(existsSync(join(ROOT, `${name}/src/main.ts`))).toBe(true);
    }
  });
});

describe("README.md", () => {
  const documented = (name: string): boolean => readme.includes(`\`${name}\``);

  it("documents every variable docker-compose.yml reads", () => {
    const vars = new Set([...read("docker-compose.yml").matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
    expect([...vars].filter((v) => !documented(v))).toEqual([]);
  });

  it("documents every variable the parts parse", () => {
    const schemas = [SharedConfigSchema, HandlersConfigSchema, ConduitConfigSchema, EngineConfigSchema, StartEnvSchema];
    const keys = new Set(schemas.flatMap((s) => Object.keys(s.shape)));
    expect([...keys].filter((k) => !documented(k))).toEqual([]);
  });

  it("names the two commands", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm install && npm test");
  });
});
