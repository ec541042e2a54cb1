/**
 * A small @graphql-codegen plugin: emits `OperationVariables` and
 * `OperationResults`, interfaces keyed by operation name, so code that runs an
 * operation by name (the services' runners) gets its variables and result
 * types checked against graphql/schema.graphql at compile time.
 *
 * It relies on the names typescript-operations gives each operation:
 * `<Name>Query` / `<Name>Mutation` and `<Name>QueryVariables` / `<Name>MutationVariables`.
 */
const { Kind } = require("graphql");

/** @type {import("@graphql-codegen/plugin-helpers").CodegenPlugin["plugin"]} */
function plugin(_schema, documents) {
  const operations = [];
  for (const source of documents) {
    for (const definition of source.document ? source.document.definitions : []) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
      const suffix = definition.operation === "query" ? "Query" : definition.operation === "mutation" ? "Mutation" : "Subscription";
      operations.push({ name: definition.name.value, type: `${definition.name.value}${suffix}` });
    }
  }
  operations.sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    "/** Variables of every operation in graphql/operations, by operation name. */",
    "export interface OperationVariables {",
    ...operations.map((op) => `  ${op.name}: ${op.type}Variables;`),
    "}",
    "",
    "/** Result (`data`) of every operation in graphql/operations, by operation name. */",
    "export interface OperationResults {",
    ...operations.map((op) => `  ${op.name}: ${op.type};`),
    "}",
    "",
    "export type OperationName = keyof OperationVariables;",
  ];
  return lines.join("\n") + "\n";
}

module.exports = { plugin };
