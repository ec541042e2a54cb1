/**
 * Delivery settings from the environment (contract 1.7). The Hasura names and
 * defaults are kept; ENGINE_EVENTS_STALE_LOCK_SECONDS is engine/'s own knob for
 * the 30-minute abandoned-lock rule (contract 1.4), lowered only by tests.
 */
import { z } from "zod";
import { parseEnv } from "../../../common/src/config";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const EventSettingsEnvSchema = z.object({
  /** Max concurrent webhook deliveries. */
  HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: positiveInt(100),
  /** LIMIT of one fetch from hdb_catalog.event_log. */
  HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE: positiveInt(100),
  /** Milliseconds to sleep after a fetch that returned nothing. */
  HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL: positiveInt(1000),
  /** Seconds to wait for in-flight deliveries on shutdown. */
  HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT: positiveInt(60),
  /** Seconds after which a lock is treated as abandoned by a dead worker. */
  ENGINE_EVENTS_STALE_LOCK_SECONDS: positiveInt(1800),
});

export interface EventSettings {
  poolSize: number;
  batchSize: number;
  fetchIntervalMs: number;
  shutdownTimeoutMs: number;
  staleLockSeconds: number;
}

export const DEFAULT_EVENT_SETTINGS: EventSettings = {
  poolSize: 100,
  batchSize: 100,
  fetchIntervalMs: 1000,
  shutdownTimeoutMs: 60_000,
  staleLockSeconds: 1800,
};

/** Reads the settings; throws ConfigError naming each bad key. */
export function loadEventSettings(env: Record<string, string | undefined>): EventSettings {
  const known: Record<string, string | undefined> = {};
  for (const key of Object.keys(EventSettingsEnvSchema.shape)) known[key] = env[key];
  const parsed = parseEnv(EventSettingsEnvSchema, known);
  return {
    poolSize: parsed.HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE,
    batchSize: parsed.HASURA_GRAPHQL_EVENTS_FETCH_BATCH_SIZE,
    fetchIntervalMs: parsed.HASURA_GRAPHQL_EVENTS_FETCH_INTERVAL,
    shutdownTimeoutMs: parsed.HASURA_GRAPHQL_GRACEFUL_SHUTDOWN_TIMEOUT * 1000,
    staleLockSeconds: parsed.ENGINE_EVENTS_STALE_LOCK_SECONDS,
  };
}
