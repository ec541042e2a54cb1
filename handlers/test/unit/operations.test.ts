import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, parse, validate } from "graphql";
import { RESULT_SCHEMAS } from "../../src/adapters/sdk";

const ROOT = join(__dirname, "..", "..", "..");
const schema = buildSchema(readFileSync(join(ROOT, "graphql", "schema.graphql"), "utf8"));
const names = Object.keys(RESULT_SCHEMAS).sort();

describe("graphql/operations/handlers", () => {
  it.each(names)("%s has its document, named like the operation, valid against graphql/schema.graphql", (name) => {
    const file = join(ROOT, "graphql", "operations", "handlers", `${name}.graphql`);
    expect(existsSync(file)).toBe(true);
    const document = parse(readFileSync(file, "utf8"));
    const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
    expect(operations.map((o) => (o.kind === "OperationDefinition" ? o.name?.value : undefined))).toEqual([name]);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });
});
