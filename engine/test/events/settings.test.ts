/**
 * Delivery settings from the environment (hasura-contract.md 1.7).
 */
import { ConfigError } from "../../../common/src/config";
import { DEFAULT_EVENT_SETTINGS, loadEventSettings } from "../../src/events/settings";

test("loadEventSettings uses Hasura's defaults when nothing is set", () => {
  expect(loadEventSettings({})).toEqual({ poolSize: 100, batchSize: 100, fetchIntervalMs: 1000, shutdownTimeoutMs: 60_000, staleLockSeconds: 1800 });
  expect(loadEventSettings({})).toEqual(DEFAULT_EVENT_SETTINGS);
});

test("loadEventSettings reads pool size, batch size, fetch interval and shutdown timeout", () => {
  expect(
    loadEventSettings({
      HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: "8",
      HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE: "250",
      HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: "50",
      HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT: "5",
      ENGINE_EVENTS_STALE_LOCK_SECONDS: "120",
      UNRELATED: "x",
    }),
  ).toEqual({ poolSize: 8, batchSize: 250, fetchIntervalMs: 50, shutdownTimeoutMs: 5000, staleLockSeconds: 120 });
});

test("loadEventSettings names every bad key and never echoes its value", () => {
  let error: unknown;
  try {
    loadEventSettings({ HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: "zero-ish", HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE: "-3" });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems;
  expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE", "HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE"]);
  expect((error as Error).message).not.toContain("zero-ish");
});
