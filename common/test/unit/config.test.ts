import { z } from "zod";
import { booleanString, ConfigError, parseEnv, SharedConfigSchema } from "../../src/config";

describe("parseEnv", () => {
  const Schema = SharedConfigSchema.extend({ PORT: z.coerce.number().int().default(3001), PRETTY: booleanString(false) });

  it("applies defaults and reads 'false' as false", () => {
    const config = parseEnv(Schema, { HASURA_GRAPHQL_ADMIN_SECRET: "s3cret", PRETTY: "false" });
    expect(config).toEqual({
      HASURA_GRAPHQL_ENDPOINT: "http://localhost:8080/v1/graphql",
      HASURA_GRAPHQL_ADMIN_SECRET: "s3cret",
      LOG_LEVEL: "info",
      PORT: 3001,
      PRETTY: false,
    });
  });

  it("lists every bad key by name and never its value", () => {
    let caught: unknown;
    try {
      parseEnv(Schema, { PORT: "not-a-number", DATABASE_URL: "hunter2-not-a-url", HASURA_GRAPHQL_ADMIN_SECRET: "" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "HASURA_GRAPHQL_ADMIN_SECRET", "PORT"]);
    expect(problems.join(" ")).not.toContain("hunter2");
    expect(problems.find((p) => p.startsWith("HASURA_GRAPHQL_ADMIN_SECRET"))).toBe("HASURA_GRAPHQL_ADMIN_SECRET: is required");
  });
});
