import { loadEngineConfig } from "../../src/config";
import { ConfigError } from "../../../common/src/config";

describe("loadEngineConfig", () => {
  test("defaults: port 8080, project hasura/, DATABASE_URL as the fallback source URL", () => {
    const c = loadEngineConfig({ DATABASE_URL: "postgres://x/db" });
    expect([c.HASURA_GRAPHQL_SERVER_PORT, c.projectDir, c.databaseUrl, c.HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES]).toEqual([8080, "hasura", "postgres://x/db", false]);
  });

  test("HASURA_GRAPHQL_DATABASE_URL wins, and --project / --port flags beat the environment", () => {
    const c = loadEngineConfig(
      { HASURA_GRAPHQL_DATABASE_URL: "postgres://h/db", DATABASE_URL: "postgres://x/db", HASURA_GRAPHQL_PROJECT_DIR: "env-project", HASURA_GRAPHQL_SERVER_PORT: "9000" },
      ["--project", "other/project", "--port=9100"],
    );
    expect([c.databaseUrl, c.projectDir, c.HASURA_GRAPHQL_SERVER_PORT]).toEqual(["postgres://h/db", "other/project", 9100]);
  });

  test("a missing database URL and a bad boolean are named, without values", () => {
    try {
      loadEngineConfig({ HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES: "yes", HASURA_GRAPHQL_ADMIN_SECRET: "do-not-print" });
      throw new Error("expected a ConfigError");
    } catch (err: unknown) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join("\n");
      expect(problems).toContain("HASURA_GRAPHQL_STRINGIFY_NUMERIC_TYPES");
      expect(problems).toContain("HASURA_GRAPHQL_DATABASE_URL: is required");
      expect(problems).not.toContain("do-not-print");
    }
  });
});
