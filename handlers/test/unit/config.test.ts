import { ConfigError } from "../../../common/src/config";
import { loadConfig } from "../../src/config";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ HASURA_GRAPHQL_ADMIN_SECRET: "admin", HANDLERS_WEBHOOK_SECRET: "0123456789abcdef", SECRETS_ENCRYPTION_KEYS: "k1:key" });
    expect(config).toEqual({
      HASURA_GRAPHQL_ENDPOINT: "http://localhost:8080/v1/graphql",
      HASURA_GRAPHQL_ADMIN_SECRET: "admin",
      LOG_LEVEL: "info",
      HANDLERS_PORT: 3000,
      HANDLERS_HOST: "127.0.0.1",
      HANDLERS_INTAKE_SWEEP_AGE_SECONDS: 900,
      HANDLERS_INTAKE_SWEEP_BATCH_SIZE: 500,
      HANDLERS_INTAKE_SWEEP_MAX_ATTEMPTS: 5,
      HANDLERS_INTEGRATION_BASE_URLS: {},
      HANDLERS_SYNC_MAX_ATTEMPTS: 8,
      HANDLERS_SYNC_POLL_MS: 15000,
      CONDUIT_PUBLIC_BASE_URL: "http://localhost:3001",
      HANDLERS_SYNC_TIMEOUT_MS: 10000,
      HANDLERS_WEBHOOK_SECRET: "0123456789abcdef",
      SMTP_URL: "smtp://127.0.0.1:1025",
      HANDLERS_BODY_LIMIT_BYTES: 5242880,
      HANDLERS_SHUTDOWN_TIMEOUT_MS: 10000,
      SECRETS_ENCRYPTION_KEYS: "k1:key",
      HANDLERS_APP_BASE_URL: "http://localhost:3000",
      MAIL_FROM: "Privacy Platform <no-reply@localhost>",
      HANDLERS_MAIL_POLL_MS: 10000,
      HANDLERS_MAIL_MAX_ATTEMPTS: 8,
      DNS_RESOLVERS: [],
      HANDLERS_EXPORTS_DIR: ".data/exports",
      HANDLERS_EXPORTS_BASE_URL: "http://localhost:3000",
      HANDLERS_EXPORT_TTL_HOURS: 168,
      HANDLERS_RIGHTS_RATE_LIMIT_PER_HOUR: 10,
      HANDLERS_TRUSTED_PROXY_HOPS: 1,
      HANDLERS_ERASURE_POLL_MS: 30000,
      HANDLERS_VENDOR_CREDENTIALS: {},
      HANDLERS_VENDOR_API_BASE_URLS: {},
    });
  });

  it("reads DNS_RESOLVERS as a list of ip[:port] and names it when an entry is not one", () => {
    const base = { HASURA_GRAPHQL_ADMIN_SECRET: "admin", HANDLERS_WEBHOOK_SECRET: "0123456789abcdef", SECRETS_ENCRYPTION_KEYS: "k1:key" };
    expect(loadConfig({ ...base, DNS_RESOLVERS: "1.1.1.1, 127.0.0.1:5353,[::1]:53" }).DNS_RESOLVERS).toEqual(["1.1.1.1", "127.0.0.1:5353", "[::1]:53"]);
    expect(() => loadConfig({ ...base, DNS_RESOLVERS: "1.1.1.1,dns.example" })).toThrow(/DNS_RESOLVERS/);
  });

  it("reads vendor credentials by reference and vendor base URLs, and names a bad entry without echoing the secret", () => {
    const base = { HASURA_GRAPHQL_ADMIN_SECRET: "admin", HANDLERS_WEBHOOK_SECRET: "0123456789abcdef", SECRETS_ENCRYPTION_KEYS: "k1:key" };
    const config = loadConfig({ ...base, HANDLERS_VENDOR_CREDENTIALS: "acme/mailchimp=abc-us6, acme-stripe=sk_live_x=y", HANDLERS_VENDOR_API_BASE_URLS: "stripe=http://127.0.0.1:9/" });
    expect(config.HANDLERS_VENDOR_CREDENTIALS).toEqual({ "acme/mailchimp": "abc-us6", "acme-stripe": "sk_live_x=y" });
    expect(config.HANDLERS_VENDOR_API_BASE_URLS).toEqual({ stripe: "http://127.0.0.1:9/" });
    let caught: unknown;
    try {
      loadConfig({ ...base, HANDLERS_VENDOR_CREDENTIALS: "no-separator-sk_live_secret" });
    } catch (err: unknown) {
      caught = err;
    }
    expect((caught as ConfigError).problems.map((p) => p.split(":")[0])).toEqual(["HANDLERS_VENDOR_CREDENTIALS"]);
    expect((caught as ConfigError).message).not.toContain("sk_live_secret");
  });

  it("names every missing or invalid key without echoing values", () => {
    let caught: unknown;
    try {
      loadConfig({ HANDLERS_WEBHOOK_SECRET: "short-secret", HANDLERS_PORT: "http", SMTP_URL: "not a url" });
    } catch (err: unknown) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["HANDLERS_PORT", "HANDLERS_WEBHOOK_SECRET", "HASURA_GRAPHQL_ADMIN_SECRET", "SECRETS_ENCRYPTION_KEYS", "SMTP_URL"]);
    expect((caught as ConfigError).message).not.toContain("short-secret");
  });
});
