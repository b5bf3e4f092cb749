import type { DoctorCalendar, HospitalCalendar, Session } from "../../platform/calendar";
import { bookingWindow, doctorDaySlots, isOpenAt, isSlotOpen } from "./day-schedule";

const hospital: HospitalCalendar = {
  timeZone: "Asia/Seoul",
  bookingHorizonDays: 14,
  openingHours: [
    { weekday: 1, start: "09:00", end: "18:00" },
    { weekday: 6, start: "09:00", end: "13:00" },
  ],
  holidays: ["2026-12-25"],
};

const sessions: Session[] = [
  {
    weekday: 1,
    start: "09:00",
    end: "18:00",
    slotMinutes: 30,
    capacity: 2,
    breaks: [{ start: "13:00", end: "14:00" }],
  },
  { weekday: 6, start: "09:00", end: "13:00", slotMinutes: 60, capacity: 1 },
];
const doctor: DoctorCalendar = { id: 7, sessions, leaveDays: ["2026-11-30"] };

describe("doctorDaySlots", () => {
  test("a Monday session skips the lunch break", () => {
    const slots = doctorDaySlots(hospital, doctor, "2026-11-23");
    expect(slots).toHaveLength(16);
    expect(slots.map((s) => s.start)).not.toContain("13:00");
    expect(slots.map((s) => s.start)).not.toContain("13:30");
    expect(slots[0]).toEqual({ start: "09:00", end: "09:30", capacity: 2 });
    expect(slots.at(-1)).toEqual({ start: "17:30", end: "18:00", capacity: 2 });
  });

  test("Saturday has its own morning session; Sunday has none", () => {
    expect(doctorDaySlots(hospital, doctor, "2026-11-28").map((s) => s.start)).toEqual([
      "09:00",
      "10:00",
      "11:00",
      "12:00",
    ]);
    expect(doctorDaySlots(hospital, doctor, "2026-11-29")).toEqual([]);
  });

  test("a leave day and a hospital holiday offer nothing", () => {
    expect(doctorDaySlots(hospital, doctor, "2026-11-30")).toEqual([]);
    expect(
      doctorDaySlots(hospital, { ...doctor, sessions: [{ ...sessions[0], weekday: 5 }] }, "2026-12-25"),
    ).toEqual([]);
  });

  test("a session may end at 24:00", () => {
    const night: DoctorCalendar = {
      id: 1,
      leaveDays: [],
      sessions: [{ weekday: 2, start: "22:00", end: "24:00", slotMinutes: 60, capacity: 1 }],
    };
    expect(doctorDaySlots(hospital, night, "2026-11-24").map((s) => s.end)).toEqual(["23:00", "24:00"]);
  });
});

describe("booking window", () => {
  // 2026-11-23T01:00Z is Monday 10:00 in Seoul.
  const window = bookingWindow(hospital, new Date("2026-11-23T01:00:00Z"));

  test("slots that started are closed; later ones today and within the horizon are open", () => {
    expect(window).toEqual({ today: "2026-11-23", nowMinutes: 600, lastDate: "2026-12-07" });
    expect(isSlotOpen(window, "2026-11-23", "10:00")).toBe(false);
    expect(isSlotOpen(window, "2026-11-23", "10:30")).toBe(true);
    expect(isSlotOpen(window, "2026-11-22", "23:00")).toBe(false);
    expect(isSlotOpen(window, "2026-12-07", "09:00")).toBe(true);
    expect(isSlotOpen(window, "2026-12-08", "09:00")).toBe(false);
  });

  test("opening hours respect weekday and holidays", () => {
    expect(isOpenAt(hospital, "2026-11-23", 600)).toBe(true);
    expect(isOpenAt(hospital, "2026-11-23", 18 * 60)).toBe(false);
    expect(isOpenAt(hospital, "2026-11-29", 600)).toBe(false);
  });
});
