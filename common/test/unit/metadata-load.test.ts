import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allTables, loadMetadata, MetadataError } from "../../src/metadata";

const FIXTURE = join(__dirname, "..", "fixtures", "metadata-project");

/** A writable copy of the fixture project, to break one thing in. */
function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "pp-metadata-"));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function loadError(dir: string): MetadataError {
  try {
    loadMetadata(dir);
  } catch (err) {
    if (err instanceof MetadataError) return err;
    throw err;
  }
  throw new Error("expected loadMetadata to fail");
}

describe("loadMetadata", () => {
  it("resolves nested !include files and applies Hasura's defaults", () => {
    const metadata = loadMetadata(FIXTURE);
    expect(metadata.sources.map((s) => s.name)).toEqual(["default"]);
    expect(allTables(metadata).map(({ table }) => `${table.table.schema}.${table.table.name}`)).toEqual(["public.authors", "public.articles"]);
    const authors = metadata.sources[0].tables[0];
    expect(authors.configuration?.custom_name).toBe("writers");
    expect(authors.event_triggers?.[0]).toEqual({
      name: "authors_insert",
      definition: { enable_manual: false, insert: { columns: "*" } },
      retry_conf: { num_retries: 2, interval_sec: 10, timeout_sec: 60 },
      webhook_from_env: "EVENTS_URL",
      headers: [{ name: "x-secret", value_from_env: "EVENTS_SECRET" }],
    });
    expect(authors.select_permissions?.[0].permission.filter).toEqual({ id: { _eq: "X-Hasura-User-Id" } });
    expect(metadata.actions[0].definition).toEqual({ kind: "synchronous", handler: "{{ACTIONS_URL}}/publish" });
    expect(metadata.actionsGraphql).toContain("publishArticle(input: PublishInput!): PublishOutput");
    expect(metadata.cronTriggers[0].retry_conf?.tolerance_seconds).toBe(3600);
    expect(metadata.other.remote_schemas).toEqual([]);
  });

  it("names the file and path of a misspelt permission key", () => {
    const dir = copyFixture();
    const file = join(dir, "metadata/databases/default/tables/public_articles.yaml");
    writeFileSync(file, "table: { name: articles, schema: public }\nselect_permissions:\n  - role: user\n    permission: { columns: '*', filer: {} }\n");
    const err = loadError(dir);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain("databases.yaml");
    expect(err.problems[0]).toMatch(/\$\.0\.tables\.1\.select_permissions\.0\.permission: Unrecognized key: "filer"/);
  });

  it("fails on a missing include file and on an include cycle", () => {
    const missing = copyFixture();
    writeFileSync(join(missing, "metadata/databases/default/tables/tables.yaml"), '- "!include public_nope.yaml"\n');
    expect(loadError(missing).problems[0]).toMatch(/public_nope\.yaml: file not found$/);

    const cyclic = copyFixture();
    writeFileSync(join(cyclic, "metadata/databases/default/tables/tables.yaml"), '- "!include tables.yaml"\n');
    expect(loadError(cyclic).problems[0]).toMatch(/include cycle/);
  });

  it("reports duplicate event trigger names across tables", () => {
    const dir = copyFixture();
    const file = join(dir, "metadata/databases/default/tables/public_articles.yaml");
    writeFileSync(
      file,
      "table: { name: articles, schema: public }\nevent_triggers:\n  - name: authors_insert\n    definition: { delete: { columns: '*' } }\n    webhook: http://x\n",
    );
    expect(loadError(dir).problems).toEqual(["source default: event trigger authors_insert defined twice"]);
  });
});
