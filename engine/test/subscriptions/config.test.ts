/**
 * The subscription settings in engine/src/config.ts: Hasura's variable names
 * and defaults, our limits, and bad values named without their values.
 */
import { ConfigError } from "../../../common/src/config";
import { loadEngineConfig } from "../../src/config";

describe("subscription settings", () => {
  test("default to Hasura's values (1000 ms refetch, batches of 100, keep-alive 5 s, init timeout 3 s) and our limits", () => {
    const c = loadEngineConfig({ DATABASE_URL: "postgres://x/db" });
    expect([
      c.HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL,
      c.HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_BATCH_SIZE,
      c.HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL,
      c.HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_BATCH_SIZE,
      c.HASURA_GRAPHQL_WEBSOCKET_KEEPALIVE,
      c.HASURA_GRAPHQL_WEBSOCKET_CONNECTION_INIT_TIMEOUT,
      c.ENGINE_WS_MAX_CONNECTIONS,
      c.ENGINE_WS_MAX_OPERATIONS_PER_CONNECTION,
    ]).toEqual([1000, 100, 1000, 100, 5, 3, 1000, 100]);
  });

  test("read from the environment; zero or text is refused by name", () => {
    const c = loadEngineConfig({ DATABASE_URL: "postgres://x/db", HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL: "250", ENGINE_WS_MAX_CONNECTIONS: "20" });
    expect([c.HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_REFETCH_INTERVAL, c.ENGINE_WS_MAX_CONNECTIONS]).toEqual([250, 20]);
    let error: unknown;
    try {
      loadEngineConfig({ DATABASE_URL: "postgres://x/db", HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL: "0", HASURA_GRAPHQL_WEBSOCKET_KEEPALIVE: "often" });
    } catch (err: unknown) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toContain("HASURA_GRAPHQL_STREAMING_QUERIES_MULTIPLEXED_REFETCH_INTERVAL");
    expect(problems).toContain("HASURA_GRAPHQL_WEBSOCKET_KEEPALIVE");
    expect(problems).not.toContain("often");
  });
});
