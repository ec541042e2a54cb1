/**
 * handlers/ configuration: the shared keys (common/src/config.ts) plus the
 * service's own. Parsed once in main.ts; nothing else reads process.env.
 */
import { z } from "zod";
import { parseEnv, SharedConfigSchema } from "../../common/src/config";
import { IntakeSweepConfigSchema } from "./intake/config";
import { IntegrationSyncConfigSchema } from "./integrations/config";
import { RightsConfigSchema } from "./rights/config";

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
  /**
   * AES-256-GCM key ring (`kid:<base64url 32 bytes>,...`, first is current),
   * the same variable conduit uses: encrypts e-mail recipients and variables in
   * the outbox and derives the e-mail verification token key.
   */
  SECRETS_ENCRYPTION_KEYS: z.string().min(1),
  /** Base URL of the web app, used in links inside e-mails. */
  HANDLERS_APP_BASE_URL: z.string().url().default("http://localhost:3000"),
  /** From header of outgoing mail. */
  MAIL_FROM: z.string().min(3).default("Privacy Platform <no-reply@localhost>"),
  /** How often the outbox sender looks for due e-mail besides being woken by handlers. */
  HANDLERS_MAIL_POLL_MS: z.coerce.number().int().min(100).default(10_000),
  /** Attempts before an e-mail is abandoned (status failed, kept for audit). */
  HANDLERS_MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /**
   * DNS servers verify_domain_records asks for TXT records, "ip[:port],..."
   * (e.g. "1.1.1.1,9.9.9.9"); empty uses the host's resolv.conf.
   */
  DNS_RESOLVERS: z
    .string()
    .default("")
    .refine((v) => v.split(",").every((s) => s.trim() === "" || /^(\[[0-9a-fA-F:]+\](:\d{1,5})?|[0-9.]+(:\d{1,5})?|[0-9a-fA-F:]+)$/.test(s.trim())), "must be a comma-separated list of ip[:port]")
    .transform((v) => v.split(",").map((s) => s.trim()).filter((s) => s.length > 0)),
  // Outbound integration calls and the consent sync worker (integrations/config.ts).
  ...IntegrationSyncConfigSchema.shape,
  ...RightsConfigSchema.shape,
  // The stranded-intake sweeper (intake/config.ts).
  ...IntakeSweepConfigSchema.shape,
});

export type HandlersConfig = z.infer<typeof HandlersConfigSchema>;

/** Parses the environment; throws ConfigError naming every bad key (never values). */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): HandlersConfig {
  return parseEnv(HandlersConfigSchema, env);
}
