/**
 * Legal deadlines of a rights request as pure functions over calendar dates
 * (privacy-domain.md 3). Dates are ISO `YYYY-MM-DD` strings in the
 * controller's time zone; instants are derived from them only at the end
 * (`endOfLocalDay`), so month arithmetic never meets a UTC offset.
 */
import { z } from "zod";

export const RegimeSchema = z.enum(["gdpr_eu", "uk_gdpr", "ccpa"]);
export type Regime = z.infer<typeof RegimeSchema>;

export const RightsRequestTypeSchema = z.enum(["access", "deletion", "portability", "rectification", "restriction", "objection", "opt_out"]);
export type RightsRequestType = z.infer<typeof RightsRequestTypeSchema>;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

function parseDate(date: string): Ymd {
  const match = ISO_DATE.exec(date);
  if (!match) throw new Error(`[handlers/rights] not an ISO date: ${date}`);
  const ymd = { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
  if (ymd.m < 1 || ymd.m > 12 || ymd.d < 1 || ymd.d > daysInMonth(ymd.y, ymd.m)) throw new Error(`[handlers/rights] not a calendar date: ${date}`);
  return ymd;
}

function formatDate({ y, m, d }: Ymd): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Days in month `m` (1..12) of year `y`, leap years included (Gregorian). */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * `date` + `months` calendar months; when the target month has no such day,
 * the last day of that month (Reg. 1182/71 Art. 3(2)(c) as privacy-domain.md
 * 3.1 step 2 reads it: 31 Jan + 1 month = 28/29 Feb).
 */
export function addMonthsClamped(date: string, months: number): string {
  const { y, m, d } = parseDate(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return formatDate({ y: ty, m: tm, d: Math.min(d, daysInMonth(ty, tm)) });
}

/** `date` + `days` calendar days. */
export function addDays(date: string, days: number): string {
  const { y, m, d } = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: string): number {
  const { y, m, d } = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** A working day: Monday to Friday and not one of `holidays`. */
export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const day = weekday(date);
  return day !== 0 && day !== 6 && !holidays.has(date);
}

/**
 * The date itself when it is a working day, else the next working day
 * (Reg. 1182/71 Art. 3(4): a period ending on a Saturday, Sunday or public
 * holiday ends with the expiry of the following working day).
 */
export function rollToWorkingDay(date: string, holidays: ReadonlySet<string>): string {
  let day = date;
  // At most a few weekend days plus a run of holidays: bounded by a year.
  for (let i = 0; i < 366; i += 1) {
    if (isWorkingDay(day, holidays)) return day;
    day = addDays(day, 1);
  }
  throw new Error("[handlers/rights] no working day within a year: check the holiday list");
}

/** `count` business days after `date` (the day of receipt is day 0). */
export function addBusinessDays(date: string, count: number, holidays: ReadonlySet<string>): string {
  let day = date;
  let left = count;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left -= 1;
  }
  return day;
}

export interface RequestDeadlines {
  /** The legal deadline (last day to respond). */
  dueOn: string;
  /** The deadline once extended (only one extension is possible). */
  extendedDueOn: string;
  /** Internal target for reminders and DPO alerts. */
  targetDueOn: string;
  /** CCPA receipt confirmation deadline (11 CCR 7021(a)); null where the law asks none. */
  ackDueOn: string | null;
}

/**
 * GDPR (EU) and UK GDPR: one month from receipt, extendable to three months
 * from receipt (Art. 12(3); ICO: "three months from the original start date",
 * never chained from the rolled one-month date); each clamped to the month
 * end, then rolled over weekends and the controller's public holidays
 * (privacy-domain.md 3.1, steps 1-4). Target: receipt + 28 days [policy].
 */
export function gdprDeadlines(receivedOn: string, holidays: ReadonlySet<string> = new Set()): RequestDeadlines {
  return {
    dueOn: rollToWorkingDay(addMonthsClamped(receivedOn, 1), holidays),
    extendedDueOn: rollToWorkingDay(addMonthsClamped(receivedOn, 3), holidays),
    targetDueOn: addDays(receivedOn, 28),
    ackDueOn: null,
  };
}

/**
 * CCPA/CPRA (11 CCR 7021; Civ. Code 1798.130(a)(2)): 45 calendar days counting
 * the day of receipt as day 1 (receipt + 44) [policy, privacy-domain.md 3.2],
 * extendable by 45 more (receipt + 89), never rolled over weekends; receipt
 * confirmation within 10 business days. Opt-out of sale/sharing: 15 business
 * days, no extension and no confirmation step (11 CCR 7026(f)).
 */
export function ccpaDeadlines(receivedOn: string, requestType: RightsRequestType, holidays: ReadonlySet<string> = new Set()): RequestDeadlines {
  if (requestType === "opt_out") {
    const dueOn = addBusinessDays(receivedOn, 15, holidays);
    return { dueOn, extendedDueOn: dueOn, targetDueOn: dueOn, ackDueOn: null };
  }
  const dueOn = addDays(receivedOn, 44);
  return {
    dueOn,
    extendedDueOn: addDays(receivedOn, 89),
    // Internal target a week before the legal date, like the GDPR 28 days [policy].
    targetDueOn: addDays(receivedOn, 37),
    ackDueOn: addBusinessDays(receivedOn, 10, holidays),
  };
}

/** Deadlines for a request of `requestType` under `regime`. */
export function computeDeadlines(regime: Regime, requestType: RightsRequestType, receivedOn: string, holidays: ReadonlySet<string> = new Set()): RequestDeadlines {
  switch (regime) {
    case "gdpr_eu":
    case "uk_gdpr":
      return gdprDeadlines(receivedOn, holidays);
    case "ccpa":
      return ccpaDeadlines(receivedOn, requestType, holidays);
    default: {
      const unreachable: never = regime;
      throw new Error(`[handlers/rights] unknown regime ${String(unreachable)}`);
    }
  }
}

function partsIn(instant: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { y: get("year"), m: get("month"), d: get("day"), h: get("hour"), min: get("minute"), s: get("second") };
}

/** The calendar date of `instant` in `timeZone` (privacy-domain.md 3.1 step 1). */
export function localDateOf(instant: Date, timeZone: string): string {
  const p = partsIn(instant, timeZone);
  return formatDate({ y: p.y, m: p.m, d: p.d });
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The last instant (23:59:59.999) of `date` in `timeZone`: a deadline "day"
 * ends at the end of that local day (Reg. 1182/71 Art. 3(2)(b)).
 */
export function endOfLocalDay(date: string, timeZone: string): Date {
  const { y, m, d } = parseDate(date);
  const naive = Date.UTC(y, m - 1, d, 23, 59, 59, 999);
  // Two passes settle the offset also on the day a DST change happens.
  let guess = naive - offsetMs(new Date(naive), timeZone);
  guess = naive - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
