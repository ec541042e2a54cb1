/**
 * pino JSON logging with redaction built in.
 *
 * Services create one logger in main.ts and pass it down; children carry scope
 * fields (requestId, service, triggerName...). Credentials in headers and any
 * field named like a secret are censored before a line is written; personal
 * data must never be handed to the logger at all (only field types and hashes).
 */
import pino from "pino";

export type Logger = pino.Logger;

/** Paths pino censors wherever they appear in a logged object. */
export const REDACTED_PATHS: readonly string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-hasura-admin-secret"]',
  'req.headers["x-handlers-secret"]',
  'req.headers["x-webhook-secret"]',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["stripe-signature"]',
  "headers.authorization",
  'headers["x-hasura-admin-secret"]',
  'headers["x-handlers-secret"]',
  'headers["x-webhook-secret"]',
  "*.password",
  "*.secret",
  "*.token",
  "*.dxKey",
  "*.apiKey",
  "*.adminSecret",
  "*.webhookSecret",
  "*.signingSecret",
  "password",
  "secret",
  "token",
  "dxKey",
  "apiKey",
  "adminSecret",
  "webhookSecret",
  "signingSecret",
];

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
}

/** A JSON logger with the project's redaction rules. */
export function createLogger(options: LoggerOptions): Logger {
  const config: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? "info",
    redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" },
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that writes nothing: the default for embeddable code and tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
