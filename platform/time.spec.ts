import { addDays, isValidClockTime, isValidDate, isoWeekday, localMoment, zonedInstant } from "./time";

describe("local time", () => {
  test("the same instant is a different local date in Seoul and New York", () => {
    const instant = new Date("2026-11-24T16:30:00Z");
    expect(localMoment(instant, "Asia/Seoul")).toEqual({ date: "2026-11-25", minutes: 90 });
    expect(localMoment(instant, "America/New_York")).toEqual({ date: "2026-11-24", minutes: 11 * 60 + 30 });
  });

  test("zonedInstant inverts localMoment, also across a DST change", () => {
    expect(zonedInstant("2026-11-25", "09:00", "Asia/Seoul").toISOString()).toBe("2026-11-25T00:00:00.000Z");
    expect(zonedInstant("2026-07-01", "09:00", "America/New_York").toISOString()).toBe(
      "2026-07-01T13:00:00.000Z",
    );
    expect(zonedInstant("2026-12-01", "09:00", "America/New_York").toISOString()).toBe(
      "2026-12-01T14:00:00.000Z",
    );
  });

  test("calendar validation rejects impossible dates and times", () => {
    expect(isValidDate("2028-02-29")).toBe(true);
    expect(isValidDate("2026-02-29")).toBe(false);
    expect(isValidDate("2026-1-01")).toBe(false);
    expect(isValidClockTime("24:00")).toBe(true);
    expect(isValidClockTime("24:01")).toBe(false);
    expect(isValidClockTime("9:00")).toBe(false);
  });

  test("weekday and day arithmetic", () => {
    expect(isoWeekday("2026-11-28")).toBe(6);
    expect(isoWeekday("2026-11-29")).toBe(7);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});
