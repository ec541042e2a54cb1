/**
 * Shared pieces of every rights step: labels, the deadline instants of a
 * request from its organization's calendar, timeline rows and e-mails.
 */
import { z } from "zod";
import { decryptSecret, type SecretKeyRing } from "../../../common/src/crypto";
import { outboxRow } from "../mail/outbox";
import type { TemplateName, TemplateVariables } from "../mail/templates";
import { computeDeadlines, endOfLocalDay, isKnownTimeZone, localDateOf, RegimeSchema, RightsRequestTypeSchema, type RightsRequestType } from "./deadlines";

/** AES-GCM context of the requester's address (hasura/README.md: the column name). */
export const REQUESTER_EMAIL_CONTEXT = "data_subject_rights_requests.requester_email_encrypted";

const LABELS: Record<RightsRequestType, string> = {
  access: "request for a copy of your data",
  deletion: "request to erase your data",
  portability: "request for your data in a portable format",
  rectification: "request to correct your data",
  restriction: "request to restrict processing",
  objection: "objection to processing",
  opt_out: "request to opt out of sale or sharing",
};

export function requestLabel(type: string): string {
  const parsed = RightsRequestTypeSchema.safeParse(type);
  return parsed.success ? LABELS[parsed.data] : "privacy request";
}

const HolidaysSchema = z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/));

/** The controller's public holidays: `settings.publicHolidays` (ISO dates) [policy]; none when absent or malformed. */
export function holidaysOf(settings: Record<string, unknown>): ReadonlySet<string> {
  const parsed = HolidaysSchema.safeParse(settings.publicHolidays);
  return new Set(parsed.success ? parsed.data : []);
}

export interface DeadlineInstants {
  receivedOn: string;
  dueOn: string;
  dueAt: string;
  targetDueAt: string;
  extendedDueOn: string;
  extendedDueAt: string;
  ackDueAt: string | null;
}

/** Deadline instants (end of the local day) of a request received at `receivedAt`. */
export function deadlineInstants(input: { regime: string; requestType: string; receivedAt: Date; timeZone: string | null | undefined; settings: Record<string, unknown> }): DeadlineInstants {
  const timeZone = input.timeZone && isKnownTimeZone(input.timeZone) ? input.timeZone : "UTC";
  const regime = RegimeSchema.parse(input.regime);
  const type = RightsRequestTypeSchema.parse(input.requestType);
  const receivedOn = localDateOf(input.receivedAt, timeZone);
  const d = computeDeadlines(regime, type, receivedOn, holidaysOf(input.settings));
  const end = (date: string): string => endOfLocalDay(date, timeZone).toISOString();
  return {
    receivedOn,
    dueOn: d.dueOn,
    dueAt: end(d.dueOn),
    targetDueAt: end(d.targetDueOn),
    extendedDueOn: d.extendedDueOn,
    extendedDueAt: end(d.extendedDueOn),
    ackDueAt: d.ackDueOn ? end(d.ackDueOn) : null,
  };
}

/** A timeline row (data_subject_rights_request_events) for AdvanceRightsRequest. */
export function timelineEvent(
  requestId: string,
  step: string,
  at: Date,
  extra: { status?: string; message?: string; details?: Record<string, unknown>; dueAt?: string | null; dataProcessorId?: string } = {},
): Record<string, unknown> {
  return {
    requestId,
    step,
    status: extra.status ?? "completed",
    message: extra.message ?? null,
    details: extra.details ?? {},
    dueAt: extra.dueAt ?? null,
    dataProcessorId: extra.dataProcessorId ?? null,
    occurredAt: at.toISOString(),
  };
}

/** An outbox row for a rights e-mail (idempotency key per logical message). */
export function rightsEmail<T extends TemplateName>(
  keys: SecretKeyRing,
  now: Date,
  message: { controllerId: string; to: string; template: T; variables: TemplateVariables<T>; idempotencyKey: string },
): Record<string, unknown> {
  return outboxRow({ ...message, locale: "en" }, keys, now);
}

/** The requester's address, or null when the request carries none (entered by staff without one). */
export function requesterEmail(encrypted: string | null, keys: SecretKeyRing): string | null {
  return encrypted ? decryptSecret(encrypted, keys, REQUESTER_EMAIL_CONTEXT) : null;
}

/** A date for people: `2026-04-02`, from an ISO instant in the controller's zone. */
export function displayDate(instant: string, timeZone: string | null | undefined): string {
  return localDateOf(new Date(instant), timeZone && isKnownTimeZone(timeZone) ? timeZone : "UTC");
}
