import type { DoctorCalendar, HospitalCalendar } from "../../platform/calendar";
import { bookingWindow } from "./day-schedule";
import {
  dayOffReason,
  doctorSessions,
  nextOpenSlot,
  nextSession,
  rotaSessions,
  worksAt,
} from "./doctor-hours";

const hospital: HospitalCalendar = {
  timeZone: "Asia/Seoul",
  bookingHorizonDays: 14,
  openingHours: [],
  holidays: ["2026-12-25"],
};
// Fridays: a morning with a lunch break, and an evening session that starts where the break-less part ends.
const doctor: DoctorCalendar = {
  id: 3,
  leaveDays: ["2026-12-04"],
  sessions: [
    {
      weekday: 5,
      start: "09:00",
      end: "14:00",
      slotMinutes: 60,
      capacity: 1,
      breaks: [{ start: "12:00", end: "13:00" }],
    },
    { weekday: 5, start: "14:00", end: "16:00", slotMinutes: 60, capacity: 1 },
  ],
};

describe("when a doctor works", () => {
  test("sessions are split around breaks and touching ones joined; none on leave or a holiday", () => {
    expect(rotaSessions(doctor, "2026-12-11")).toEqual([
      { start: "09:00", end: "12:00" },
      { start: "13:00", end: "16:00" },
    ]);
    expect(doctorSessions(hospital, doctor, "2026-12-04")).toEqual([]);
    expect(dayOffReason(hospital, doctor, "2026-12-04")).toBe("leave");
    expect(dayOffReason(hospital, doctor, "2026-12-25")).toBe("holiday");
    expect(doctorSessions(hospital, doctor, "2026-12-10")).toEqual([]);
  });

  test("on duty inside a session only; the end minute is off", () => {
    const sessions = rotaSessions(doctor, "2026-12-11");
    expect([539, 540, 719, 720, 780, 959, 960].map((m) => worksAt(sessions, m))).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  test("the next session skips breaks, leave and holidays", () => {
    expect(nextSession(hospital, doctor, "2026-12-11", 12 * 60 + 5)).toEqual({
      date: "2026-12-11",
      start: "13:00",
      end: "16:00",
    });
    // Friday 4th is leave: from Thursday 3rd the next is the 11th.
    expect(nextSession(hospital, doctor, "2026-12-03", 0)?.date).toBe("2026-12-11");
    // Christmas is a holiday: from the 18th evening the next is New Year's Day.
    expect(nextSession(hospital, doctor, "2026-12-18", 17 * 60)?.date).toBe("2027-01-01");
  });

  test("the next open slot is within the horizon, not started, and not full", () => {
    // Thursday 2026-12-10, 10:00 in Seoul.
    const window = bookingWindow(hospital, new Date("2026-12-10T01:00:00Z"));
    const never = () => false;
    expect(nextOpenSlot(hospital, doctor, window, "2026-12-10", "00:00", never)).toEqual({
      date: "2026-12-11",
      start: "09:00",
    });
    const morningFull = (date: string, start: string) => date === "2026-12-11" && start < "12:00";
    expect(nextOpenSlot(hospital, doctor, window, "2026-12-11", "09:00", morningFull)).toEqual({
      date: "2026-12-11",
      start: "13:00",
    });
    // The 18th is the last Friday inside 14 days; after that nothing is open yet.
    expect(nextOpenSlot(hospital, doctor, window, "2026-12-18", "16:00", never)).toBeNull();
  });
});
