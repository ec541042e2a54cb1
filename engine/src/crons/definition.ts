/**
 * Cron-trigger definitions and one-off scheduled event arguments (contract
 * 2.1, 2.5). Structurally the parsed output of common/src/metadata's
 * CronTriggerSchema; parsed again here so the module stands alone.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { HeaderConfSchema } from "../events/definition";

/** Defaults from the contract 2.1. */
export const SCHEDULED_RETRY_DEFAULTS = {
  num_retries: 0,
  retry_interval_seconds: 10,
  timeout_seconds: 60,
  tolerance_seconds: 21600,
} as const;

export const ScheduledRetryConfSchema = z.object({
  num_retries: z.number().int().nonnegative().default(SCHEDULED_RETRY_DEFAULTS.num_retries),
  retry_interval_seconds: z.number().int().positive().default(SCHEDULED_RETRY_DEFAULTS.retry_interval_seconds),
  timeout_seconds: z.number().int().positive().default(SCHEDULED_RETRY_DEFAULTS.timeout_seconds),
  tolerance_seconds: z.number().int().positive().default(SCHEDULED_RETRY_DEFAULTS.tolerance_seconds),
});
export type ScheduledRetryConf = z.infer<typeof ScheduledRetryConfSchema>;

/** Hasura accepts classic five-field cron only, evaluated in UTC (contract 2.1). */
export const CronScheduleSchema = z.string().refine((s) => {
  if (s.trim().split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(s, { tz: "UTC" });
    return true;
  } catch {
    return false;
  }
}, "a five-field cron schedule");

export const CronTriggerDefSchema = z.object({
  name: z.string().min(1),
  webhook: z.string().min(1),
  schedule: CronScheduleSchema,
  payload: z.unknown().optional(),
  headers: z.array(HeaderConfSchema).optional(),
  retry_conf: ScheduledRetryConfSchema.default(SCHEDULED_RETRY_DEFAULTS),
  comment: z.string().optional(),
  include_in_metadata: z.boolean().default(true),
});
export type CronTriggerDef = z.infer<typeof CronTriggerDefSchema>;

/** `create_scheduled_event` args (contract 2.1). */
export const CreateScheduledEventArgsSchema = z.object({
  webhook: z.string().min(1),
  schedule_at: z.iso.datetime({ offset: true }),
  payload: z.unknown().optional(),
  headers: z.array(HeaderConfSchema).optional(),
  retry_conf: ScheduledRetryConfSchema.default(SCHEDULED_RETRY_DEFAULTS),
  comment: z.string().optional(),
});
export type CreateScheduledEventArgs = z.infer<typeof CreateScheduledEventArgsSchema>;

/** The next `count` ticks of `schedule` strictly after `after`, in UTC. */
export function nextTicks(schedule: string, after: Date, count: number): Date[] {
  const expression = CronExpressionParser.parse(schedule, { currentDate: after, tz: "UTC" });
  return expression.take(count).map((d) => d.toDate());
}

/**
 * A test for whether a date is a tick of `schedule` (used to drop rows of a
 * replaced schedule). The expression is parsed once: the generator checks every
 * stored future tick of every trigger each cycle, and parsing per row cost
 * about half a second of CPU per cycle with the 100 ticks kept per trigger.
 */
export function tickMatcher(schedule: string): (date: Date) => boolean {
  const expression = CronExpressionParser.parse(schedule, { tz: "UTC" });
  return (date) => expression.includesDate(date);
}

/** Whether `date` is a tick of `schedule`. */
export function isTick(schedule: string, date: Date): boolean {
  return tickMatcher(schedule)(date);
}
