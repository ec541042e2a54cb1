import { addPeriod, nextOccurrence } from "../../src/scheduling/frequency";

const at = (iso: string) => new Date(iso);

describe("scheduled event frequency", () => {
  it("adds fixed periods and clamps calendar months to the month's last day", () => {
    expect(addPeriod(at("2026-01-31T09:00:00Z"), "once", 1)).toBeNull();
    expect(addPeriod(at("2026-01-31T09:00:00Z"), "hourly", 6)?.toISOString()).toBe("2026-01-31T15:00:00.000Z");
    expect(addPeriod(at("2026-01-31T09:00:00Z"), "daily", 2)?.toISOString()).toBe("2026-02-02T09:00:00.000Z");
    expect(addPeriod(at("2026-01-31T09:00:00Z"), "weekly", 1)?.toISOString()).toBe("2026-02-07T09:00:00.000Z");
    expect(addPeriod(at("2026-01-31T09:00:00Z"), "monthly", 1)?.toISOString()).toBe("2026-02-28T09:00:00.000Z");
    expect(addPeriod(at("2024-01-31T09:00:00Z"), "monthly", 1)?.toISOString()).toBe("2024-02-29T09:00:00.000Z");
    expect(addPeriod(at("2026-01-31T09:00:00Z"), "monthly", 3)?.toISOString()).toBe("2026-04-30T09:00:00.000Z");
    expect(addPeriod(at("2024-02-29T00:00:00Z"), "yearly", 1)?.toISOString()).toBe("2025-02-28T00:00:00.000Z");
    expect(() => addPeriod(at("2026-01-01T00:00:00Z"), "daily", 0)).toThrow(RangeError);
  });

  it("steps to the first occurrence after now, firing missed periods once and without month drift", () => {
    const now = at("2026-03-05T10:00:00Z");
    expect(nextOccurrence(at("2026-03-05T09:50:00Z"), "once", 1, now)).toBeNull();
    expect(nextOccurrence(at("2026-03-05T09:50:00Z"), "hourly", 1, now)?.toISOString()).toBe("2026-03-05T10:50:00.000Z");
    // Down for five days: the next daily run is tomorrow, not five runs in a row.
    expect(nextOccurrence(at("2026-02-28T09:00:00Z"), "daily", 1, now)?.toISOString()).toBe("2026-03-06T09:00:00.000Z");
    expect(nextOccurrence(at("2026-03-05T10:00:00Z"), "daily", 1, now)?.toISOString()).toBe("2026-03-06T10:00:00.000Z");
    // 31 Jan monthly: 28 Feb is past, 31 Mar (not 28 Mar) is next.
    expect(nextOccurrence(at("2026-01-31T09:00:00Z"), "monthly", 1, now)?.toISOString()).toBe("2026-03-31T09:00:00.000Z");
    expect(nextOccurrence(at("2025-12-31T09:00:00Z"), "monthly", 3, now)?.toISOString()).toBe("2026-03-31T09:00:00.000Z");
    expect(nextOccurrence(at("2020-03-05T10:00:00Z"), "yearly", 2, now)?.toISOString()).toBe("2028-03-05T10:00:00.000Z");
  });
});
