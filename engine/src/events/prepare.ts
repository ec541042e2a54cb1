/**
 * Event triggers resolved against the environment, ready for delivery.
 */
import type { EventRetryConf, TableEventTrigger, TableName } from "./definition";
import { resolveHeaders, resolveWebhook, WebhookConfError, type Env, type ResolvedHeader } from "./webhook-conf";

export interface PreparedTrigger {
  name: string;
  table: TableName;
  url: string;
  headers: ResolvedHeader[];
  retry: EventRetryConf;
  enableManual: boolean;
}

export interface PrepareResult {
  triggers: Map<string, PreparedTrigger>;
  /** Triggers left out because a variable they need is unset (named, never valued). */
  problems: { trigger: string; message: string }[];
}

/**
 * Resolves URLs and headers. A trigger whose configuration cannot be resolved
 * is left out, so its events stay pending until the metadata is fixed, the way
 * Hasura treats an inconsistent trigger.
 */
export function prepareTriggers(entries: readonly TableEventTrigger[], env: Env): PrepareResult {
  const triggers = new Map<string, PreparedTrigger>();
  const problems: PrepareResult["problems"] = [];
  for (const { table, trigger } of entries) {
    const where = `event trigger ${trigger.name}`;
    try {
      triggers.set(trigger.name, {
        name: trigger.name,
        table,
        url: resolveWebhook(trigger, env, where),
        headers: resolveHeaders(trigger.headers, env, where),
        retry: trigger.retry_conf,
        enableManual: trigger.definition.enable_manual,
      });
    } catch (err) {
      if (!(err instanceof WebhookConfError)) throw err;
      problems.push({ trigger: trigger.name, message: err.message });
    }
  }
  return { triggers, problems };
}
