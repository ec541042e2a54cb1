import {
  addBusinessDays,
  addMonthsClamped,
  ccpaDeadlines,
  computeDeadlines,
  endOfLocalDay,
  gdprDeadlines,
  localDateOf,
  rollToWorkingDay,
} from "../../src/rights/deadlines";

// The worked examples of privacy-domain.md 3.1 (no public holidays except
// where the table names one).
const GDPR_EXAMPLES: [string, string, string, string[]][] = [
  ["2025-09-03", "2025-10-03", "2025-12-03", []],
  ["2025-01-31", "2025-02-28", "2025-04-30", []],
  ["2024-01-31", "2024-02-29", "2024-04-30", []],
  ["2025-02-01", "2025-03-03", "2025-05-02", ["2025-05-01"]],
  ["2025-03-31", "2025-04-30", "2025-06-30", []],
  ["2025-10-31", "2025-12-01", "2026-02-02", []],
  ["2025-12-31", "2026-02-02", "2026-03-31", []],
];

describe("gdprDeadlines", () => {
  it.each(GDPR_EXAMPLES)("received %s: due %s, extended %s", (received, due, extended, holidays) => {
    const d = gdprDeadlines(received, new Set(holidays));
    expect(d.dueOn).toBe(due);
    expect(d.extendedDueOn).toBe(extended);
    expect(d.ackDueOn).toBeNull();
  });

  it("gdprDeadlines sets the internal target 28 days after receipt, across a leap day", () => {
    expect(gdprDeadlines("2024-02-10").targetDueOn).toBe("2024-03-09");
    expect(gdprDeadlines("2025-02-10").targetDueOn).toBe("2025-03-10");
  });

  it("gdprDeadlines computes the extension from receipt, not from the rolled one-month date", () => {
    // 30 Nov 2024 + 1 month = Mon 30 Dec 2024 (Christmas holidays push it to 2 Jan);
    // + 3 months from receipt = 28 Feb 2025 (clamped), not 2 Apr.
    const d = gdprDeadlines("2024-11-30", new Set(["2024-12-30", "2024-12-31", "2025-01-01"]));
    expect(d.dueOn).toBe("2025-01-02");
    expect(d.extendedDueOn).toBe("2025-02-28");
  });

  it("uk_gdpr uses the same arithmetic", () => {
    expect(computeDeadlines("uk_gdpr", "access", "2024-01-31")).toEqual(computeDeadlines("gdpr_eu", "access", "2024-01-31"));
  });
});

describe("ccpaDeadlines", () => {
  it("ccpaDeadlines counts the day of receipt as day 1 (privacy-domain.md 3.2 example)", () => {
    const d = ccpaDeadlines("2025-11-20", "access");
    expect(d.dueOn).toBe("2026-01-03");
    expect(d.extendedDueOn).toBe("2026-02-17");
    expect(d.ackDueOn).toBe("2025-12-04");
    expect(d.targetDueOn).toBe("2025-12-27");
  });

  it("ccpaDeadlines crosses a leap day (45 days from 1 Feb 2028)", () => {
    const d = ccpaDeadlines("2028-02-01", "deletion");
    expect(d.dueOn).toBe("2028-03-16");
    expect(d.extendedDueOn).toBe("2028-04-30");
  });

  it("ccpaDeadlines does not roll a deadline that falls on a weekend", () => {
    expect(ccpaDeadlines("2025-11-20", "access").dueOn).toBe("2026-01-03"); // a Saturday
  });

  it("ccpaDeadlines gives opt-outs 15 business days with the holidays skipped", () => {
    const d = ccpaDeadlines("2025-11-21", "opt_out", new Set(["2025-11-27", "2025-11-28"]));
    expect(d).toEqual({ dueOn: "2025-12-16", extendedDueOn: "2025-12-16", targetDueOn: "2025-12-16", ackDueOn: null });
  });
});

describe("calendar helpers", () => {
  it("addMonthsClamped clamps to the month end in leap and common years and crosses years", () => {
    expect(addMonthsClamped("2024-01-29", 1)).toBe("2024-02-29");
    expect(addMonthsClamped("2023-01-29", 1)).toBe("2023-02-28");
    expect(addMonthsClamped("2024-11-30", 3)).toBe("2025-02-28");
    expect(addMonthsClamped("2024-12-15", 1)).toBe("2025-01-15");
  });

  it("rollToWorkingDay moves over a weekend followed by a holiday", () => {
    expect(rollToWorkingDay("2026-05-23", new Set(["2026-05-25"]))).toBe("2026-05-26");
    expect(rollToWorkingDay("2026-05-22", new Set())).toBe("2026-05-22");
  });

  it("addBusinessDays skips weekends", () => {
    expect(addBusinessDays("2026-03-06", 1, new Set())).toBe("2026-03-09");
  });

  it("addMonthsClamped rejects a date that does not exist", () => {
    expect(() => addMonthsClamped("2025-02-29", 1)).toThrow("[handlers/rights] not a calendar date: 2025-02-29");
  });

  it("localDateOf takes the receipt date in the controller's time zone", () => {
    const instant = new Date("2025-01-31T23:30:00.000Z");
    expect(localDateOf(instant, "UTC")).toBe("2025-01-31");
    expect(localDateOf(instant, "Europe/Berlin")).toBe("2025-02-01");
    expect(localDateOf(instant, "America/Los_Angeles")).toBe("2025-01-31");
  });

  it("endOfLocalDay gives the last instant of the local day, DST days included", () => {
    expect(endOfLocalDay("2025-02-28", "UTC").toISOString()).toBe("2025-02-28T23:59:59.999Z");
    expect(endOfLocalDay("2025-02-28", "Europe/Berlin").toISOString()).toBe("2025-02-28T22:59:59.999Z");
    expect(endOfLocalDay("2025-03-30", "Europe/Berlin").toISOString()).toBe("2025-03-30T21:59:59.999Z");
    expect(endOfLocalDay("2026-01-03", "America/Los_Angeles").toISOString()).toBe("2026-01-04T07:59:59.999Z");
  });
});
