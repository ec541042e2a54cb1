/**
 * handlers/ configuration: the shared keys (common/src/config.ts) plus the
 * service's own. Parsed once in main.ts; nothing else reads process.env.
 */
import { z } from "zod";
import { parseEnv, SharedConfigSchema } from "../../common/src/config";

export const HandlersConfigSchema = SharedConfigSchema.extend({
  /** Port the service listens on (Hasura calls it there). */
  HANDLERS_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind: 127.0.0.1 for `npm start`, 0.0.0.0 inside a container. */
  HANDLERS_HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * Shared secret Hasura sends as the x-handlers-secret header on every event
   * trigger, cron trigger and action (value_from_env in the metadata). At least
   * 16 characters so it cannot be guessed.
   */
  HANDLERS_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters"),
  /** SMTP server for outgoing mail, e.g. smtp://127.0.0.1:1025 (the local catcher). */
  SMTP_URL: z.string().url().default("smtp://127.0.0.1:1025"),
  /** Largest accepted JSON body in bytes (event payloads carry whole rows). */
  HANDLERS_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  /** Milliseconds to let in-flight requests finish on SIGTERM before exiting. */
  HANDLERS_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export type HandlersConfig = z.infer<typeof HandlersConfigSchema>;

/** Parses the environment; throws ConfigError naming every bad key (never values). */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): HandlersConfig {
  return parseEnv(HandlersConfigSchema, env);
}
