/**
 * Recurrence arithmetic for scheduled_events (frequency_type x frequency_rate),
 * in UTC. Months and years add calendar months and clamp to the month's last
 * day (31 Jan + 1 month = 28/29 Feb), the same clamping privacy-domain.md 3.1
 * uses for deadlines; hours, days and weeks are fixed lengths.
 */
export const FREQUENCY_TYPES = ["once", "hourly", "daily", "weekly", "monthly", "yearly"] as const;
export type FrequencyType = (typeof FREQUENCY_TYPES)[number];

export function isFrequencyType(value: string): value is FrequencyType {
  return (FREQUENCY_TYPES as readonly string[]).includes(value);
}

function addMonthsClamped(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(from);
  d.setUTCFullYear(y, m, Math.min(from.getUTCDate(), lastDay));
  return d;
}

/** One period after `from`; null for a one-off event. */
export function addPeriod(from: Date, type: FrequencyType, rate: number): Date | null {
  if (!Number.isInteger(rate) || rate < 1) throw new RangeError(`frequency_rate must be a positive integer, got ${rate}`);
  const hour = 3_600_000;
  switch (type) {
    case "once":
      return null;
    case "hourly":
      return new Date(from.getTime() + rate * hour);
    case "daily":
      return new Date(from.getTime() + rate * 24 * hour);
    case "weekly":
      return new Date(from.getTime() + rate * 7 * 24 * hour);
    case "monthly":
      return addMonthsClamped(from, rate);
    case "yearly":
      return addMonthsClamped(from, 12 * rate);
  }
}

/**
 * The next occurrence strictly after `now`, stepping from `scheduled` by whole
 * periods: a job that was down for a week fires once, not once per missed
 * period. Null for a one-off event. Bounded: monthly steps are computed from
 * the original time (no drift from clamping), and at most `maxSteps` steps.
 */
export function nextOccurrence(scheduled: Date, type: FrequencyType, rate: number, now: Date, maxSteps = 100_000): Date | null {
  if (type === "once") return null;
  let steps = 1;
  let next = type === "monthly" || type === "yearly" ? addMonthsClamped(scheduled, (type === "yearly" ? 12 : 1) * rate) : (addPeriod(scheduled, type, rate) as Date);
  if (type !== "monthly" && type !== "yearly" && next.getTime() <= now.getTime()) {
    // Fixed-length periods: jump straight past `now`.
    const period = next.getTime() - scheduled.getTime();
    const skip = Math.floor((now.getTime() - scheduled.getTime()) / period);
    next = new Date(scheduled.getTime() + (skip + 1) * period);
    return next;
  }
  while (next.getTime() <= now.getTime()) {
    steps += 1;
    if (steps > maxSteps) throw new RangeError("nextOccurrence: too many steps");
    next = addMonthsClamped(scheduled, (type === "yearly" ? 12 : 1) * rate * steps);
  }
  return next;
}
