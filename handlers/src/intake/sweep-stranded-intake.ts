/**
 * sweepStrandedIntake: intake rows still `pending` long after they were
 * stored, because their event trigger used up its retries or the event was
 * lost, are processed by the very function the trigger calls
 * (processIntakeEvent), so nothing acknowledged to a platform is left
 * unprocessed (ARCHITECTURE.md principles: "nothing that was acknowledged is
 * ever lost").
 *
 * - Only rows pending for `minAgeMs` (longer than the trigger's own retry
 *   window) and not attempted by a sweep within `minAgeMs` are taken, oldest
 *   first, at most `batchSize` a run, in chunks claimed by a conditional
 *   update (attempts + 1, last_attempt_at), so overlapping sweeps never both
 *   count an attempt on one row.
 * - A failed attempt keeps the row pending with last_error; the attempt that
 *   reaches `maxAttempts` marks it `failed` (status and last_error are what an
 *   operator sees; redelivering the event or resetting the status retries it).
 * - Processing the same row as a late trigger delivery at the same time is
 *   safe: the activity's de-duplication key is unique and identity resolution
 *   commits all or nothing (identity/resolve-data-subject.ts), so exactly one
 *   activity and one subject result.
 * - No chunk starts after `budgetMs`, so the answer beats Hasura's 60 s cron
 *   timeout; the next tick takes the rest.
 */
import { performance } from "node:perf_hooks";
import { GraphqlOperationError } from "../adapters/graphql";
import type { HandlersSdk } from "../adapters/sdk";
import type { ClaimedIntake } from "./operations";
import { IntakeRowSchema, processIntakeEvent, type IntakeRow, type ProcessIntakeDeps, type ProcessIntakeResult } from "./process-intake-event";

export interface IntakeSweepOptions {
  /** Pending this long (and not attempted this long) before a row is taken. */
  minAgeMs: number;
  /** Rows taken per run at most. */
  batchSize: number;
  /** Attempts before a row is marked failed. */
  maxAttempts: number;
  /** No chunk starts after this much wall time (default 40 s). */
  budgetMs?: number;
}

export interface SweepDeps extends ProcessIntakeDeps {
  sdk: ProcessIntakeDeps["sdk"] & Pick<HandlersSdk, "FindStrandedIntake" | "ClaimStrandedIntake" | "RecordIntakeAttemptError">;
  /** Monotonic milliseconds for the time budget (default performance.now). */
  elapsed?: () => number;
}

export interface SweepResult {
  /** Rows the query returned. */
  found: number;
  /** Rows this run claimed and attempted. */
  claimed: number;
  /** Rows processed or claimed by someone else between the query and the claim. */
  skipped: number;
  /** Attempts that recorded the activity (inserted now or by a concurrent delivery). */
  recorded: number;
  /** Claimed rows the processing found already processed (or deleted). */
  alreadyProcessed: number;
  /** Attempts that failed with attempts left (row stays pending). */
  retrying: number;
  /** Rows marked failed (attempts used up, a row that does not parse, or no legal basis). */
  failed: number;
  /** Rows found but left for the next tick (time budget). */
  deferred: number;
}

/** Rows claimed and processed at once: enough to overlap round trips, few enough to leave the engine to the triggers. */
const CHUNK = 8;
const DEFAULT_BUDGET_MS = 40_000;
const MAX_ERROR_LENGTH = 500;

/**
 * A failure as stored in last_error: the operation and the server's messages
 * (GraphqlOperationError never carries variables) or the error's own message,
 * bounded. Intake rows hold only keyed hashes, so no raw personal data can be
 * in it.
 */
export function describeAttemptError(err: unknown): string {
  const text = err instanceof GraphqlOperationError ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** The claimed row in the shape of the trigger's payload row (column names), parsed by the same schema. */
function toTriggerRow(claimed: ClaimedIntake): ReturnType<typeof IntakeRowSchema.safeParse> {
  return IntakeRowSchema.safeParse({
    id: claimed.id,
    controller_id: claimed.controllerId,
    data_processor_id: claimed.dataProcessorId,
    service: claimed.service,
    event_type: claimed.eventType,
    platform_event_id: claimed.platformEventId,
    pii: claimed.pii,
    field_types: claimed.fieldTypes,
    triggered_at: claimed.triggeredAt,
    status: claimed.status,
  });
}

type RowOutcome = "recorded" | "already_processed" | "retrying" | "failed";

function outcomeOf(result: ProcessIntakeResult): RowOutcome {
  switch (result.outcome) {
    case "recorded":
      return "recorded";
    case "already_processed":
    case "intake_gone":
      return "already_processed";
    case "failed":
      return "failed";
    default: {
      const never: never = result;
      throw new Error(`[handlers/intake] unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

async function attempt(claimed: ClaimedIntake, options: IntakeSweepOptions, deps: SweepDeps): Promise<RowOutcome> {
  const log = deps.logger.child({ intakeId: claimed.id, attempt: claimed.attempts });
  const parsed = toTriggerRow(claimed);
  if (!parsed.success) {
    // Not transient: the row can never become an activity as stored.
    const reason = `intake row does not match the intake schema at ${parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ")}`;
    await deps.sdk.MarkIntakeFailed({ id: claimed.id, error: reason });
    log.warn({ reason }, "stranded intake row marked failed");
    return "failed";
  }
  const row: IntakeRow = parsed.data;
  try {
    const result = await processIntakeEvent(row, deps);
    log.info({ service: row.service, eventType: row.event_type, fieldTypes: row.field_types, ...result }, "stranded intake row processed");
    return outcomeOf(result);
  } catch (err: unknown) {
    const reason = describeAttemptError(err);
    if (claimed.attempts >= options.maxAttempts) {
      await deps.sdk.MarkIntakeFailed({ id: claimed.id, error: `gave up after ${claimed.attempts} sweep attempts: ${reason}` });
      log.error({ err, maxAttempts: options.maxAttempts }, "stranded intake row marked failed after its last attempt");
      return "failed";
    }
    await deps.sdk.RecordIntakeAttemptError({ id: claimed.id, error: reason });
    log.warn({ err, maxAttempts: options.maxAttempts }, "stranded intake attempt failed; the next sweep retries");
    return "retrying";
  }
}

/** One sweep (see the file comment); throws only when the find or a claim fails (the cron is retried). */
export async function sweepStrandedIntake(options: IntakeSweepOptions, deps: SweepDeps): Promise<SweepResult> {
  const elapsed = deps.elapsed ?? (() => performance.now());
  const started = elapsed();
  const budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const now = deps.now();
  const cutoff = new Date(now.getTime() - options.minAgeMs).toISOString();
  const found = (await deps.sdk.FindStrandedIntake({ receivedBefore: cutoff, attemptedBefore: cutoff, limit: options.batchSize })).webhookIntake.map((r) => r.id);
  const result: SweepResult = { found: found.length, claimed: 0, skipped: 0, recorded: 0, alreadyProcessed: 0, retrying: 0, failed: 0, deferred: 0 };
  for (let i = 0; i < found.length; i += CHUNK) {
    if (elapsed() - started > budget) {
      result.deferred = found.length - i;
      break;
    }
    const claim = await deps.sdk.ClaimStrandedIntake({ ids: found.slice(i, i + CHUNK), attemptedBefore: cutoff, at: deps.now().toISOString() });
    const claimed = claim.updateWebhookIntake?.returning ?? [];
    result.claimed += claimed.length;
    result.skipped += Math.min(CHUNK, found.length - i) - claimed.length;
    const outcomes = await Promise.allSettled(claimed.map((c) => attempt(c, options, deps)));
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === "rejected") {
        // Recording the failure itself failed (engine unreachable): the row
        // stays pending with its attempt counted; the next sweep takes it.
        deps.logger.error({ err: outcome.reason, intakeId: claimed[index].id }, "could not record a stranded intake attempt");
        result.retrying += 1;
        continue;
      }
      if (outcome.value === "recorded") result.recorded += 1;
      else if (outcome.value === "already_processed") result.alreadyProcessed += 1;
      else if (outcome.value === "retrying") result.retrying += 1;
      else result.failed += 1;
    }
  }
  return result;
}
