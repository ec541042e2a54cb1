/**
 * Event triggers as an engine extension (engine/src/extensions.ts):
 * - onMetadataLoaded: validates the tables' event_triggers, (re)installs the
 *   Postgres triggers (dropped ones removed, contract 1.2) and hands the
 *   resolved triggers to the worker;
 * - start/stop: runs the delivery worker with graceful shutdown (contract 1.4);
 * - /v1/metadata: pg_invoke_event_trigger, pg_redeliver_event,
 *   pg_get_event_logs, pg_get_event_invocation_logs, pg_get_event_by_id (1.8).
 */
import type { EngineContext, EngineExtension } from "../extensions";
import { getEventById, getEventInvocationLogs, getEventLogs, invokeEventTrigger, redeliverEvent } from "./api";
import { collectEventTriggers } from "./definition";
import { installEventTriggers } from "./install";
import { prepareTriggers, type PreparedTrigger } from "./prepare";
import { loadEventSettings, type EventSettings } from "./settings";
import { EventWorker } from "./worker";

export interface EventsExtensionOptions {
  /** Server version for the User-Agent header (the engine's /v1/version). */
  serverVersion?: string;
  /** Overrides the settings read from the environment (tests). */
  settings?: Partial<EventSettings>;
}

export function createEventsExtension(options: EventsExtensionOptions = {}): EngineExtension {
  let prepared = new Map<string, PreparedTrigger>();
  let worker: EventWorker | undefined;
  let settings: EventSettings | undefined;

  const settingsFor = (ctx: EngineContext): EventSettings => {
    settings ??= { ...loadEventSettings(ctx.env), ...options.settings };
    return settings;
  };

  return {
    name: "events",

    async onMetadataLoaded(ctx) {
      // The engine serves one Postgres source, `default` (ctx.pool); triggers
      // of other sources cannot be installed there.
      const others = ctx.metadata.sources.filter((s) => s.name !== "default" && s.tables.some((t) => (t.event_triggers ?? []).length > 0));
      for (const source of others) ctx.logger.warn({ source: source.name }, "event triggers of a source other than default are not served");
      const triggers = collectEventTriggers(ctx.metadata.sources.filter((s) => s.name === "default"));
      const { removedTriggers } = await installEventTriggers(ctx.pool, triggers);
      const result = prepareTriggers(triggers, ctx.env);
      for (const problem of result.problems) ctx.logger.warn({ triggerName: problem.trigger, reason: problem.message }, "event trigger left out");
      if (removedTriggers.length > 0) ctx.logger.info({ removedTriggers }, "event triggers removed");
      prepared = result.triggers;
      worker?.setTriggers(prepared);
    },

    async start(ctx) {
      worker = new EventWorker({
        pool: ctx.pool,
        settings: settingsFor(ctx),
        logger: ctx.logger.child({ component: "events" }),
        serverVersion: options.serverVersion,
      });
      worker.setTriggers(prepared);
      worker.start();
    },

    async stop() {
      await worker?.stop();
      worker = undefined;
    },

    metadataOperations: {
      pg_invoke_event_trigger: async (args, ctx, session) => {
        const result = await invokeEventTrigger(ctx.pool, prepared, args, session.variables);
        worker?.wake();
        return result;
      },
      pg_redeliver_event: async (args, ctx) => {
        const result = await redeliverEvent(ctx.pool, args, settingsFor(ctx).staleLockSeconds);
        worker?.wake();
        return result;
      },
      pg_get_event_logs: (args, ctx) => getEventLogs(ctx.pool, args),
      pg_get_event_invocation_logs: (args, ctx) => getEventInvocationLogs(ctx.pool, args),
      pg_get_event_by_id: (args, ctx) => getEventById(ctx.pool, args),
    },
  };
}
