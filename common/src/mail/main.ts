/**
 * Runs the mail catcher on its own: `npx tsx common/src/mail/main.ts`.
 * `npm start` starts it in-process instead; this entry is for running it
 * beside services started some other way.
 */
import { z } from "zod";
import { ConfigError, LOG_LEVELS, parseEnv } from "../config";
import { createLogger } from "../logger";
import { startMailCatcher } from "./catcher";

const MailConfigSchema = z.object({
  /** SMTP port of the catcher. */
  MAIL_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
  /** Web page / JSON API port. */
  MAIL_WEB_PORT: z.coerce.number().int().min(0).max(65535).default(8025),
  /** Interface to bind; keep loopback unless you know who can reach it. */
  MAIL_HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

async function main(): Promise<void> {
  let config: z.infer<typeof MailConfigSchema>;
  try {
    config = parseEnv(MailConfigSchema, process.env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ name: "mail", level: config.LOG_LEVEL });
  const catcher = await startMailCatcher({ smtpPort: config.MAIL_SMTP_PORT, webPort: config.MAIL_WEB_PORT, host: config.MAIL_HOST, logger });
  logger.info({ smtpUrl: catcher.smtpUrl, webUrl: catcher.webUrl }, "mail catcher listening");
  const stop = (): void => {
    catcher.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`[common/mail] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
