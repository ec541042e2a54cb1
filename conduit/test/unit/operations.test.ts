/**
 * conduit's operation documents are valid against graphql/schema.graphql (the
 * SDL the engine produces for hasura/metadata), so the same files can feed
 * codegen and cannot drift from the metadata's names unnoticed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, parse, validate } from "graphql";

const ROOT = join(__dirname, "..", "..", "..");
const schema = buildSchema(readFileSync(join(ROOT, "graphql", "schema.graphql"), "utf8"));
const dir = join(ROOT, "graphql", "operations", "conduit");
const files = readdirSync(dir).filter((f) => f.endsWith(".graphql")).sort();

test("there is one operation per file, named after the file", () => {
  expect(files.length).toBeGreaterThanOrEqual(14);
  for (const file of files) {
    const doc = parse(readFileSync(join(dir, file), "utf8"));
    expect(doc.definitions).toHaveLength(1);
    const def = doc.definitions[0];
    expect(def.kind === "OperationDefinition" ? def.name?.value : undefined).toBe(file.replace(/\.graphql$/, ""));
  }
});

test.each(files)("%s validates against graphql/schema.graphql", (file) => {
  const errors = validate(schema, parse(readFileSync(join(dir, file), "utf8")));
  expect(errors.map((e) => e.message)).toEqual([]);
});
