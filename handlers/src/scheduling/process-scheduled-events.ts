/**
 * process_scheduled_events (every 10 minutes): runs each active scheduled
 * event whose next_event_at has passed, then moves next_event_at on by its
 * frequency (to the first occurrence after now: missed periods fire once) or
 * deactivates a one-off event.
 *
 * Safe to overlap with itself (a redelivered tick, two replicas): the effect
 * of an occurrence is idempotent (runScheduledEvent), and the advance is a
 * conditional update on the next_event_at this run read, so only one run
 * moves it and the others see 0 rows. An event whose run throws is not
 * advanced and is retried at the next tick; the others still proceed.
 */
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { isFrequencyType, nextOccurrence } from "./frequency";
import { isScheduledReference, runScheduledEvent, SCHEDULED_REFERENCES, type RunEventDeps } from "./run-scheduled-event";

export interface ProcessDeps extends RunEventDeps {
  sdk: RunEventDeps["sdk"] & Pick<HandlersSdk, "FindDueScheduledEvents" | "AdvanceScheduledEvent">;
  logger: Logger;
}

export interface ProcessResult {
  due: number;
  fired: number;
  /** Another run advanced them first. */
  alreadyAdvanced: number;
  failed: number;
  deactivated: number;
}

/** Events per page; bounded pages per tick keep one delivery inside Hasura's 60 s timeout. */
const PAGE = 100;
const MAX_PAGES = 20;

export async function processScheduledEvents(deps: ProcessDeps): Promise<ProcessResult> {
  const result: ProcessResult = { due: 0, fired: 0, alreadyAdvanced: 0, failed: 0, deactivated: 0 };
  const failedIds = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const now = deps.now();
    // Events that failed in this run stay due: ask for enough rows to see past them.
    const limit = PAGE + failedIds.size;
    const { scheduledEvents } = await deps.sdk.FindDueScheduledEvents({ now: now.toISOString(), references: [...SCHEDULED_REFERENCES], limit });
    const todo = scheduledEvents.filter((e) => !failedIds.has(e.id));
    if (todo.length === 0) break;
    for (const event of todo) {
      result.due += 1;
      const log = deps.logger.child({ scheduledEventId: event.id, controllerId: event.controllerId, reference: event.reference });
      if (!isScheduledReference(event.reference) || !isFrequencyType(event.frequencyType)) {
        failedIds.add(event.id);
        result.failed += 1;
        continue;
      }
      try {
        const outcome = await runScheduledEvent({ ...event, reference: event.reference }, { ...deps, logger: log });
        const scheduled = new Date(event.nextEventAt);
        const next = nextOccurrence(scheduled, event.frequencyType, event.frequencyRate, deps.now());
        const advanced = await deps.sdk.AdvanceScheduledEvent({
          id: event.id,
          expected: event.nextEventAt,
          next: (next ?? scheduled).toISOString(),
          active: next !== null,
          firedAt: deps.now().toISOString(),
        });
        if ((advanced.updateScheduledEvents?.affected_rows ?? 0) === 0) {
          result.alreadyAdvanced += 1;
          failedIds.add(event.id);
          continue;
        }
        result.fired += 1;
        if (next === null) result.deactivated += 1;
        log.info({ ...outcome, next: next?.toISOString() ?? null }, "scheduled event fired");
      } catch (err: unknown) {
        // Left due: the next tick tries again (its effects are idempotent).
        failedIds.add(event.id);
        result.failed += 1;
        log.error({ err }, "scheduled event failed; retried at the next tick");
      }
    }
    if (scheduledEvents.length < limit) break;
  }
  return result;
}
