/**
 * Environment configuration, parsed once in each main.ts with zod.
 *
 * Services extend SharedConfigSchema with their own keys. parseEnv returns the
 * typed config or throws a ConfigError naming every bad key (never its value),
 * so a misconfigured process exits with one complete list of what to fix.
 */
import { z } from "zod";

/** "true"/"false" strings as booleans: z.coerce.boolean() would read "false" as true. */
export const booleanString = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const SharedConfigSchema = z.object({
  /** Postgres URL; unset means `npm start` runs embedded Postgres. */
  DATABASE_URL: z.string().url().optional(),
  /** GraphQL endpoint of Hasura or engine/, e.g. http://localhost:8080/v1/graphql. */
  HASURA_GRAPHQL_ENDPOINT: z.string().url().default("http://localhost:8080/v1/graphql"),
  /** Admin secret the services send as x-hasura-admin-secret. */
  HASURA_GRAPHQL_ADMIN_SECRET: z.string().min(1),
  /** pino level. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});
export type SharedConfig = z.infer<typeof SharedConfigSchema>;

export class ConfigError extends Error {
  /** Names of the keys that are missing or invalid, with what is wrong. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Parses `env` with `schema`. Throws ConfigError listing each offending key and
 * zod's description of the problem; values are never included.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv | Record<string, string | undefined>): z.infer<S> {
  // Empty strings mean "unset": docker-compose and shells often export KEY= .
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== "") cleaned[key] = value;
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join(".") || "(root)";
    return `${key}: ${issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message}`;
  });
  throw new ConfigError(problems);
}
