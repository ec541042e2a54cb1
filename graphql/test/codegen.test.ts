/**
 * The committed SDK (graphql/generated/sdk.ts) must be exactly what codegen.yml
 * produces from graphql/schema.graphql and graphql/operations today: an
 * operation edited without `npm run codegen` fails here, as does an operation
 * that no longer validates against the schema.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "@graphql-codegen/cli";
import type { Types } from "@graphql-codegen/plugin-helpers";
import { parse as parseYaml } from "yaml";

const ROOT = join(__dirname, "..", "..");
const OUTPUT = "graphql/generated/sdk.ts";

describe("graphql/generated/sdk.ts", () => {
  it("is what `npm run codegen` generates from the schema and the operations", async () => {
    const config = parseYaml(readFileSync(join(ROOT, "codegen.yml"), "utf8")) as Types.Config;
    const previous = process.cwd();
    process.chdir(ROOT);
    try {
      const outputs = await generate({ ...config, cwd: ROOT, silent: true }, false);
      const generated = outputs.find((o: { filename: string }) => o.filename.endsWith(OUTPUT));
      expect(generated).toBeDefined();
      expect(readFileSync(join(ROOT, OUTPUT), "utf8")).toBe(generated?.content);
    } finally {
      process.chdir(previous);
    }
  }, 120_000);
});
