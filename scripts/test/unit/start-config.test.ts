import { ConfigError } from "../../../common/src/config";
import { DEMO_PII_HASH_KEYS, DEMO_SECRETS_ENCRYPTION_KEYS } from "../../../hasura/scripts/demo-credentials";
import { DEV_CONDUIT_JWE_KEYS, resolveStartConfig } from "../../lib/start-config";

/** Deterministic "random" bytes so generated values can be asserted exactly. */
const fakeRandom = (size: number): Buffer => Buffer.alloc(size, 7);

describe("resolveStartConfig", () => {
  it("fills documented defaults and names what it generated", () => {
    const config = resolveStartConfig({}, fakeRandom);
    expect(config).toMatchObject({
      EMBEDDED_PG_DATA_DIR: ".data/postgres",
      EMBEDDED_PG_PORT: 5433,
      EMBEDDED_PG_DATABASE: "privacy_platform",
      ENGINE_PORT: 8080,
      HANDLERS_PORT: 3000,
      CONDUIT_PORT: 3001,
      MAIL_SMTP_PORT: 1025,
      MAIL_WEB_PORT: 8025,
      HASURA_GRAPHQL_UNAUTHORIZED_ROLE: "anonymous",
      HANDLERS_BASE_URL: "http://127.0.0.1:3000",
      HANDLERS_EVENT_WEBHOOK_URL: "http://127.0.0.1:3000/events",
      HASURA_GRAPHQL_ADMIN_SECRET: `dev-${Buffer.alloc(18, 7).toString("base64url")}`,
      HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: "HS256", key: "07".repeat(32) }),
      HANDLERS_WEBHOOK_SECRET: Buffer.alloc(24, 7).toString("base64url"),
      PII_HASH_KEYS: DEMO_PII_HASH_KEYS,
      SECRETS_ENCRYPTION_KEYS: DEMO_SECRETS_ENCRYPTION_KEYS,
      CONDUIT_JWE_KEYS: DEV_CONDUIT_JWE_KEYS,
      generated: ["HASURA_GRAPHQL_ADMIN_SECRET", "HASURA_GRAPHQL_JWT_SECRET", "HANDLERS_WEBHOOK_SECRET"],
      devKeys: ["PII_HASH_KEYS", "SECRETS_ENCRYPTION_KEYS", "CONDUIT_JWE_KEYS"],
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.START_SERVICES).toBeUndefined();
  });

  it("keeps what the environment sets and generates nothing for it", () => {
    const config = resolveStartConfig(
      {
        HASURA_GRAPHQL_ADMIN_SECRET: "admin",
        HASURA_GRAPHQL_JWT_SECRET: '{"type":"HS256","key":"k"}',
        HANDLERS_WEBHOOK_SECRET: "a-long-enough-secret",
        PII_HASH_KEYS: "1:x",
        SECRETS_ENCRYPTION_KEYS: "a:y",
        CONDUIT_JWE_KEYS: "b:z",
        HANDLERS_PORT: "4000",
        HANDLERS_BASE_URL: "http://handlers.internal:4000/",
        START_SERVICES: " handlers , conduit ",
      },
      fakeRandom,
    );
    expect(config.generated).toEqual([]);
    expect(config.devKeys).toEqual([]);
    expect(config.HANDLERS_EVENT_WEBHOOK_URL).toBe("http://handlers.internal:4000/events");
    expect(config.START_SERVICES).toEqual(["handlers", "conduit"]);
    expect(config.HANDLERS_PORT).toBe(4000);
  });

  it("generates different secrets on each run with the real random source", () => {
    expect(resolveStartConfig({}).HASURA_GRAPHQL_ADMIN_SECRET).not.toBe(resolveStartConfig({}).HASURA_GRAPHQL_ADMIN_SECRET);
  });

  it("rejects bad values naming each key and never the value", () => {
    let caught: unknown;
    try {
      resolveStartConfig({ HANDLERS_PORT: "0", START_SERVICES: "engine,database", HANDLERS_WEBHOOK_SECRET: "short-secret", EMBEDDED_PG_DATABASE: "Bad-Name" });
    } catch (err: unknown) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "EMBEDDED_PG_DATABASE",
      "HANDLERS_PORT",
      "HANDLERS_WEBHOOK_SECRET",
      "START_SERVICES.1",
    ]);
    expect((caught as ConfigError).message).not.toContain("short-secret");
  });
});
