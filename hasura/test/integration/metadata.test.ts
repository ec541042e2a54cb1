/**
 * hasura/metadata against the migrated database: it loads and validates, the
 * cross-check finds no dangling reference, and the cross-check does find each
 * kind of dangling reference when one is planted in a copy of the metadata.
 */
import { allTables, loadMetadata, type Metadata, type TableMetadata } from "../../../common/src/metadata";
import type { TestDatabase } from "../../../test/helpers/pg";
import { readCatalog, tableKey, type Catalog } from "../../scripts/catalog";
import { checkMetadata, indexRelationships } from "../../scripts/check-metadata";
import { inferRelationships } from "../../scripts/permissions";
import { createMigratedDatabase, HASURA_DIR } from "../helpers/project";

let db: TestDatabase;
let catalog: Catalog;
let metadata: Metadata;

beforeAll(async () => {
  db = await createMigratedDatabase("hasura_metadata");
  catalog = await readCatalog(db.url);
  metadata = loadMetadata(HASURA_DIR);
});

afterAll(async () => {
  await db?.drop();
});

/** A deep copy of the project's metadata with `table` (schema.name) changed by `edit`. */
function withTable(key: string, edit: (table: TableMetadata) => void): Metadata {
  const copy = structuredClone(metadata);
  const table = allTables(copy).find(({ table: t }) => tableKey(t.table) === key)?.table;
  if (!table) throw new Error(`no table ${key} in the metadata`);
  edit(table);
  return copy;
}

describe("hasura/metadata", () => {
  test("loads and validates: every tracked table of the migrated database, each once", () => {
    const tracked = allTables(metadata).map(({ table }) => tableKey(table.table)).sort();
    expect(tracked).toEqual([...catalog.keys()].sort());
    expect(tracked).toHaveLength(27);
  });

  test("has no dangling reference against the migrated database", () => {
    expect(checkMetadata(metadata, catalog)).toEqual([]);
  });

  test("the metadata-only relationship inference (used by the permission matrix) agrees with the catalog", () => {
    const fromCatalog = indexRelationships(metadata, catalog);
    const inferred = inferRelationships(metadata);
    for (const [table, relationships] of inferred) {
      for (const [name, relationship] of relationships) {
        expect({ table, name, remote: relationship.remoteTable }).toEqual({ table, name, remote: fromCatalog.get(table)?.get(name)?.remoteTable });
      }
    }
    // Only object relationships whose target keeps no inverse array relationship stay unresolved.
    const missing = [...fromCatalog].flatMap(([table, rels]) => [...rels.keys()].filter((n) => !inferred.get(table)?.has(n)).map((n) => `${table}.${n}`));
    expect(missing.sort()).toEqual([
      "public.data_subject_preference_values.sourceFormValue",
      "public.data_subject_rights_request_events.actor",
      "public.team_invitations.acceptedBy",
      "public.team_invitations.invitedBy",
    ]);
  });
});

describe("checkMetadata names each dangling reference", () => {
  test("a tracked table missing from the database", () => {
    const copy = structuredClone(metadata);
    copy.sources[0].tables.push({ table: { schema: "public", name: "ghosts" } });
    expect(checkMetadata(copy, catalog)).toEqual(["table public.ghosts is tracked but does not exist in the database"]);
  });

  test("an object relationship over a column without a foreign key", () => {
    const copy = withTable("public.data_subjects", (t) => {
      t.object_relationships?.push({ name: "byDid", using: { foreign_key_constraint_on: "did" } });
    });
    expect(checkMetadata(copy, catalog)).toEqual(["table public.data_subjects: object relationship byDid: no foreign key on public.data_subjects (did)"]);
  });

  test("an array relationship whose remote column does not reference the table", () => {
    const copy = withTable("public.data_controllers", (t) => {
      t.array_relationships?.push({
        name: "wrongLinks",
        using: { foreign_key_constraint_on: { table: { schema: "public", name: "privacy_preserving_links" }, column: "data_subject_id" } },
      });
    });
    expect(checkMetadata(copy, catalog)).toEqual([
      "table public.data_controllers: array relationship wrongLinks: no foreign key on public.privacy_preserving_links (data_subject_id) referencing public.data_controllers",
    ]);
  });

  test("a manual relationship mapping a missing column", () => {
    const copy = withTable("public.data_controllers", (t) => {
      t.object_relationships?.push({
        name: "profile",
        using: { manual_configuration: { remote_table: { schema: "public", name: "data_controller_details" }, column_mapping: { id: "controller" } } },
      });
    });
    expect(checkMetadata(copy, catalog)).toEqual([
      "table public.data_controllers: object relationship profile: column_mapping names column controller, which public.data_controller_details does not have",
    ]);
  });

  test("permission columns, presets and filter keys that do not exist", () => {
    const copy = withTable("public.purposes", (t) => {
      const select = t.select_permissions?.find((p) => p.role === "user")?.permission;
      if (!select || select.columns === "*") throw new Error("fixture changed");
      select.columns.push("legal_bases");
      select.filter = { controller: { memberz: { user_id: { _eq: "X-Hasura-User-Id" } } } };
      const insert = t.insert_permissions?.[0]?.permission;
      if (!insert) throw new Error("fixture changed");
      insert.set = { created_by: "X-Hasura-User-Id" };
      const update = t.update_permissions?.[0]?.permission;
      if (!update) throw new Error("fixture changed");
      update.check = { status: { _equals: "active" } };
    });
    expect(checkMetadata(copy, catalog)).toEqual([
      "table public.purposes: select permission of user: column legal_bases does not exist in public.purposes",
      'table public.purposes: select permission of user: filter.controller.memberz: "memberz" is neither a column nor a relationship of public.data_controllers',
      "table public.purposes: insert permission of user: set: column created_by does not exist in public.purposes",
      "table public.purposes: update permission of user: check.status: unknown operator _equals",
    ]);
  });

  test("event trigger columns and column_config entries that do not exist, and a column without a GraphQL name", () => {
    const copy = withTable("public.data_subject_rights_requests", (t) => {
      const trigger = t.event_triggers?.find((e) => e.name === "data_subject_rights_requests_update");
      if (!trigger?.definition.update || trigger.definition.update.columns === "*") throw new Error("fixture changed");
      trigger.definition.update.columns.push("state");
      const config = t.configuration?.column_config;
      if (!config) throw new Error("fixture changed");
      config.deadline = { custom_name: "deadline" };
      delete config.due_at;
    });
    expect(checkMetadata(copy, catalog)).toEqual([
      "table public.data_subject_rights_requests: column_config names column deadline, which does not exist",
      "table public.data_subject_rights_requests: column due_at has no column_config custom_name",
      "table public.data_subject_rights_requests: event trigger data_subject_rights_requests_update (update): column state does not exist in public.data_subject_rights_requests",
    ]);
  });

  test("a relationship named like a column, and two tables claiming one root field", () => {
    const copy = withTable("public.data_subjects", (t) => {
      t.object_relationships?.push({ name: "mergedInto", using: { foreign_key_constraint_on: "merged_into" } });
      const roots = t.configuration?.custom_root_fields;
      if (!roots) throw new Error("fixture changed");
      roots.select_by_pk = "purpose";
    });
    expect(checkMetadata(copy, catalog)).toEqual([
      "table public.data_subjects: relationship mergedInto has the GraphQL name of a column",
      "GraphQL name purpose is used by both table public.data_subjects and table public.purposes",
    ]);
  });

  test("a cron schedule that does not parse or has six fields", () => {
    const copy = structuredClone(metadata);
    copy.cronTriggers[0].schedule = "0 25 * * *";
    copy.cronTriggers[1].schedule = "0 0 0 1 * *";
    const problems = checkMetadata(copy, catalog);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^cron trigger delete_expired_controllers: schedule "0 25 \* \* \*" does not parse: /);
    expect(problems[1]).toBe('cron trigger monthly_usage_check: schedule "0 0 0 1 * *" has 6 fields; Hasura takes five');
  });

  test("actions: an undefined type, an input type used as output, a field without an action, a bad custom type relationship", () => {
    const copy = structuredClone(metadata);
    copy.actionsGraphql = copy.actionsGraphql
      .replace("requestId: uuid!\n  token: String!", "requestId: uuid!\n  token: Secret!")
      .replace("customIntegrations(controllerId: uuid!): [CustomIntegration!]!", "customIntegrations(controllerId: uuid!): [CreateCustomIntegrationInput!]!")
      .concat("\ntype Mutation {\n  forgetEverything: Boolean\n}\n");
    const custom = copy.customTypes.objects.find((o) => o.name === "CustomIntegration");
    if (!custom?.relationships?.[0]) throw new Error("fixture changed");
    custom.relationships[0].field_mapping = { processorId: "uuid" };
    expect(checkMetadata(copy, catalog)).toEqual([
      "actions.graphql: Query.customIntegrations uses type CreateCustomIntegrationInput, which cannot be used as output",
      "actions.graphql: VerifyRightsRequestInput.token uses type Secret, which is defined nowhere",
      "actions.graphql: field forgetEverything has no action in actions.yaml",
      "actions.yaml: custom type CustomIntegration relationship dataProcessor: field processorId is not a field of CustomIntegration",
      "actions.yaml: custom type CustomIntegration relationship dataProcessor: column uuid does not exist in public.data_processors",
    ]);
  });

  test("actions: an output type used as an argument, and custom_types out of step with the SDL", () => {
    const copy = structuredClone(metadata);
    copy.actionsGraphql = copy.actionsGraphql.replace("deleteCustomIntegration(dataProcessorId: uuid!)", "deleteCustomIntegration(dataProcessorId: ConsentChoice!)");
    copy.customTypes.enums = copy.customTypes.enums.filter((e) => e.name !== "PrivacyRegime");
    copy.customTypes.scalars.push({ name: "Money" });
    expect(checkMetadata(copy, catalog)).toEqual([
      "actions.graphql: Mutation.deleteCustomIntegration(dataProcessorId) uses type ConsentChoice, which cannot be used as input",
      "actions.yaml: custom_types.enums does not list PrivacyRegime, defined in actions.graphql",
      "actions.yaml: custom_types.scalars lists Money, which actions.graphql does not define",
    ]);
  });
});
