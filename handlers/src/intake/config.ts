/**
 * Settings of the stranded-intake sweeper (cron sweep_stranded_intake),
 * spread into handlers' config schema (config.ts); documented in the root
 * README.md and handlers/README.md.
 */
import { z } from "zod";
import type { IntakeSweepOptions } from "./sweep-stranded-intake";

export const IntakeSweepConfigSchema = z.object({
  /**
   * Seconds an intake row must have been pending before the sweeper takes it.
   * Longer than the event trigger's own retry window (retry_conf of
   * webhook_intake_insert: 3 retries 10 s apart, 60 s timeout each, so about
   * 5 minutes), so the sweeper only takes rows the trigger gave up on or
   * never delivered; it also waits this long between its own attempts.
   */
  HANDLERS_INTAKE_SWEEP_AGE_SECONDS: z.coerce.number().int().min(60).default(900),
  /** Rows one sweep takes at most (the next tick takes the rest). */
  HANDLERS_INTAKE_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Sweep attempts before a row that keeps failing is marked failed (last_error kept for the operator). */
  HANDLERS_INTAKE_SWEEP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
});
export type IntakeSweepConfig = z.infer<typeof IntakeSweepConfigSchema>;

/** The sweeper's options from the parsed config. */
export function intakeSweepOptionsFromConfig(config: IntakeSweepConfig): IntakeSweepOptions {
  return {
    minAgeMs: config.HANDLERS_INTAKE_SWEEP_AGE_SECONDS * 1000,
    batchSize: config.HANDLERS_INTAKE_SWEEP_BATCH_SIZE,
    maxAttempts: config.HANDLERS_INTAKE_SWEEP_MAX_ATTEMPTS,
  };
}

/** The options when no HANDLERS_INTAKE_SWEEP_* variable is set. */
export const DEFAULT_INTAKE_SWEEP: IntakeSweepOptions = intakeSweepOptionsFromConfig(IntakeSweepConfigSchema.parse({}));
