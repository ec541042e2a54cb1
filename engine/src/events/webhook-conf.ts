/**
 * Resolution of webhook URLs and headers from metadata against the server
 * environment, shared by event triggers, cron triggers, scheduled events and
 * actions (contract 1.1, 2.1, 3.3: `{{ENV_VAR}}` placeholders, `webhook_from_env`,
 * header `value_from_env`).
 *
 * A missing variable is an error that names the variable, never a value.
 */
import type { HeaderConf } from "./definition";

export type Env = Readonly<Record<string, string | undefined>>;

export class WebhookConfError extends Error {
  readonly variable: string;
  constructor(variable: string, where: string) {
    super(`environment variable '${variable}' is not set (${where})`);
    this.name = "WebhookConfError";
    this.variable = variable;
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces every `{{NAME}}` with the variable's value; throws WebhookConfError when one is unset. */
export function resolveTemplate(template: string, env: Env, where: string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = env[name];
    if (value === undefined) throw new WebhookConfError(name, where);
    return value;
  });
}

/** The URL of `{webhook}` (templated) or `{webhook_from_env}`. */
export function resolveWebhook(conf: { webhook?: string; webhook_from_env?: string }, env: Env, where: string): string {
  if (conf.webhook !== undefined) return resolveTemplate(conf.webhook, env, where);
  if (conf.webhook_from_env !== undefined) {
    const value = env[conf.webhook_from_env];
    if (value === undefined) throw new WebhookConfError(conf.webhook_from_env, where);
    return value;
  }
  throw new Error(`[engine/events] ${where}: neither webhook nor webhook_from_env`);
}

/**
 * A header ready to send. `fromEnv` names the variable the value came from, so
 * invocation logs can record the name instead of the (usually secret) value.
 */
export interface ResolvedHeader {
  name: string;
  value: string;
  fromEnv?: string;
}

export function resolveHeaders(headers: readonly HeaderConf[] | undefined, env: Env, where: string): ResolvedHeader[] {
  return (headers ?? []).map((h) => {
    if ("value_from_env" in h) {
      const value = env[h.value_from_env];
      if (value === undefined) throw new WebhookConfError(h.value_from_env, `${where}, header ${h.name}`);
      return { name: h.name, value, fromEnv: h.value_from_env };
    }
    return { name: h.name, value: resolveTemplate(h.value, env, `${where}, header ${h.name}`) };
  });
}

/** Headers as an invocation log stores them: env-sourced values by variable name only. */
export function headersForLog(headers: readonly ResolvedHeader[]): { name: string; value?: string; value_from_env?: string }[] {
  return headers.map((h) => (h.fromEnv !== undefined ? { name: h.name, value_from_env: h.fromEnv } : { name: h.name, value: h.value }));
}
