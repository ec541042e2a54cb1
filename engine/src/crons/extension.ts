/**
 * Cron triggers and one-off scheduled events as an engine extension:
 * - onMetadataLoaded: creates the hdb_catalog tables (contract 2.4) and hands
 *   the validated cron_triggers.yaml entries to the processor;
 * - start/stop: runs the processor (lock release at start, contract 2.2);
 * - /v1/metadata: create_scheduled_event, delete_scheduled_event,
 *   get_scheduled_events, get_scheduled_event_invocations, get_cron_triggers.
 *
 * The processing interval is ENGINE_SCHEDULED_EVENTS_INTERVAL_MS (engine/'s own
 * knob; Hasura polls about every 10 s, the default here).
 */
import { z } from "zod";
import { parseEnv } from "../../../common/src/config";
import type { EngineExtension } from "../extensions";
import { createScheduledEvent, deleteScheduledEvent, getCronTriggers, getScheduledEventInvocations, getScheduledEvents } from "./api";
import { ensureScheduledCatalog } from "./catalog";
import { CronTriggerDefSchema, type CronTriggerDef } from "./definition";
import { CronProcessor, DEFAULT_CRON_SETTINGS, type CronSettings } from "./processor";

const CronEnvSchema = z.object({
  ENGINE_SCHEDULED_EVENTS_INTERVAL_MS: z.coerce.number().int().positive().default(DEFAULT_CRON_SETTINGS.intervalMs),
});

export interface CronsExtensionOptions {
  serverVersion?: string;
  settings?: Partial<CronSettings>;
  /** Injected clock (tests). */
  clock?: () => Date;
}

export function createCronsExtension(options: CronsExtensionOptions = {}): EngineExtension {
  let triggers: CronTriggerDef[] = [];
  let processor: CronProcessor | undefined;

  return {
    name: "crons",

    async onMetadataLoaded(ctx) {
      await ensureScheduledCatalog(ctx.pool);
      triggers = ctx.metadata.cronTriggers.map((c) => CronTriggerDefSchema.parse(c));
      processor?.setCronTriggers(triggers);
    },

    async start(ctx) {
      const env = parseEnv(CronEnvSchema, { ENGINE_SCHEDULED_EVENTS_INTERVAL_MS: ctx.env.ENGINE_SCHEDULED_EVENTS_INTERVAL_MS });
      processor = new CronProcessor({
        pool: ctx.pool,
        env: ctx.env,
        settings: { ...DEFAULT_CRON_SETTINGS, intervalMs: env.ENGINE_SCHEDULED_EVENTS_INTERVAL_MS, ...options.settings },
        logger: ctx.logger.child({ component: "crons" }),
        serverVersion: options.serverVersion,
        clock: options.clock,
      });
      processor.setCronTriggers(triggers);
      await processor.start();
    },

    async stop() {
      await processor?.stop();
      processor = undefined;
    },

    metadataOperations: {
      create_scheduled_event: async (args, ctx) => {
        const result = await createScheduledEvent(ctx.pool, args);
        processor?.wake();
        return result;
      },
      delete_scheduled_event: (args, ctx) => deleteScheduledEvent(ctx.pool, args),
      get_scheduled_events: (args, ctx) => getScheduledEvents(ctx.pool, args),
      get_scheduled_event_invocations: (args, ctx) => getScheduledEventInvocations(ctx.pool, args),
      get_cron_triggers: async () => getCronTriggers(triggers),
    },
  };
}
