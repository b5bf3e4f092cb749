import { RecentPressure } from "./recent-pressure";

const LOAD = { depth: 3, fixedMs: 5, perCommandMs: 1, maxBatch: 100 };
const DAY = "1:2030-01-07";
const NINE = { doctorId: 4, start: "09:00" };
const TEN = { doctorId: 4, start: "10:00" };

describe("what a day's actor said lately", () => {
  test("its load holds for the reuse window, then is asked again", () => {
    const recent = new RecentPressure(20);
    expect(recent.load(DAY, 1000)).toBeNull();
    recent.note(DAY, 1000, { ...LOAD, slotOpen: true }, NINE);
    expect(recent.load(DAY, 1019)).toEqual(LOAD);
    expect(recent.load(DAY, 1020)).toBeNull();
    expect(recent.load("1:2030-01-08", 1001)).toBeNull();
  });

  test("a slot counts as full only if the actor said so, within the window; each slot keeps its own time", () => {
    const recent = new RecentPressure(20);
    recent.note(DAY, 1000, { ...LOAD, slotOpen: false }, NINE);
    recent.note(DAY, 1010, { ...LOAD, slotOpen: true }, TEN);
    expect(recent.full(DAY, NINE, 1015)).toBe(true);
    expect(recent.full(DAY, TEN, 1015)).toBe(false);
    // The day's load was read again at 1010, but what was said of 09:00 is from 1000.
    expect(recent.load(DAY, 1025)).toEqual(LOAD);
    expect(recent.full(DAY, NINE, 1025)).toBe(false);
    // A load asked without a slot says nothing about slots.
    recent.note(DAY, 1030, LOAD);
    expect(recent.full(DAY, TEN, 1031)).toBe(false);
    recent.clear();
    expect(recent.load(DAY, 1031)).toBeNull();
  });
});
