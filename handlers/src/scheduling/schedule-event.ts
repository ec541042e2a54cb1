/**
 * scheduled_events_insert: validates a new scheduled event and, when it was
 * inserted without a time (next_event_at null, so inactive by the table's
 * check), computes its first occurrence and activates it:
 * - dsar_deadline_reminder: `payload.daysBefore` (default 7) days before the
 *   deadline that binds the request (extended, else legal, else the internal
 *   target; privacy-domain.md 3.1, 3.3);
 * - any other reference: one period after creation (a one-off event: at
 *   creation, i.e. the next tick).
 * The update is conditional on next_event_at still being null, so a
 * redelivered event changes nothing. Unknown references and frequencies are
 * reported, never activated.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { addPeriod, isFrequencyType } from "./frequency";
import { isScheduledReference } from "./run-scheduled-event";

export interface ScheduleDeps {
  sdk: Pick<HandlersSdk, "FindScheduledEvent" | "ActivateScheduledEvent" | "FindRightsRequestDeadline">;
}

export type ScheduleResult =
  | { outcome: "scheduled"; nextEventAt: string }
  | { outcome: "already_scheduled" }
  | { outcome: "not_found" }
  | { outcome: "invalid"; reason: "unknown_reference" | "unknown_frequency" | "no_deadline" | "owner_not_found" };

const DAY_MS = 24 * 3_600_000;
const DEFAULT_DAYS_BEFORE = 7;

export async function scheduleEvent(eventId: string, deps: ScheduleDeps): Promise<ScheduleResult> {
  const event = (await deps.sdk.FindScheduledEvent({ id: eventId })).scheduledEvent;
  if (!event) return { outcome: "not_found" };
  if (event.nextEventAt !== null) return { outcome: "already_scheduled" };
  if (!isFrequencyType(event.frequencyType)) return { outcome: "invalid", reason: "unknown_frequency" };
  if (!isScheduledReference(event.reference)) return { outcome: "invalid", reason: "unknown_reference" };

  let next: Date;
  if (event.reference === "dsar_deadline_reminder") {
    const request = (await deps.sdk.FindRightsRequestDeadline({ id: event.ownerId })).dataSubjectRightsRequest;
    if (!request) return { outcome: "invalid", reason: "owner_not_found" };
    const due = request.extendedDueAt ?? request.dueAt ?? request.targetDueAt;
    if (!due) return { outcome: "invalid", reason: "no_deadline" };
    const raw = event.payload.daysBefore;
    const daysBefore = typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw <= 90 ? raw : DEFAULT_DAYS_BEFORE;
    next = new Date(new Date(due).getTime() - daysBefore * DAY_MS);
  } else {
    const created = new Date(event.createdAt);
    next = addPeriod(created, event.frequencyType, event.frequencyRate) ?? created;
  }
  const updated = await deps.sdk.ActivateScheduledEvent({ id: event.id, next: next.toISOString() });
  if ((updated.updateScheduledEvents?.affected_rows ?? 0) === 0) return { outcome: "already_scheduled" };
  return { outcome: "scheduled", nextEventAt: next.toISOString() };
}
