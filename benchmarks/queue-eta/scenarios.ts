/** The clinics the benchmark simulates: who works when, how fast, and who asks for whom. */
import type { DoctorCalendar, HospitalCalendar, TimeRange, Weekday } from "../../platform/calendar";
import { toMinutes } from "../../platform/time";

export interface DoctorPlan {
  id: number;
  /** True median of this doctor's visit length, in minutes; the mean is median·e^(σ²/2). */
  medianMinutes: number;
}

export interface Scenario {
  label: string;
  doctors: DoctorPlan[];
  /** Every doctor's session, and the hospital's opening (reception) hours. */
  open: TimeRange;
  /** Gaps in the session when nobody is called (lunch); reception stays open. */
  breaks: TimeRange[];
  /** Share of walk-ins asking for a named doctor (split evenly); the rest take whoever is next. */
  namedShare: number;
}

const clinicDay = { start: "09:00", end: "18:00" };

export const SCENARIOS: Scenario[] = [
  {
    label: "2 doctors 6+12 min",
    doctors: [
      { id: 1, medianMinutes: 6 },
      { id: 2, medianMinutes: 12 },
    ],
    open: clinicDay,
    breaks: [],
    namedShare: 0,
  },
  {
    label: "fast: 2 doctors 3+4 min",
    doctors: [
      { id: 1, medianMinutes: 3 },
      { id: 2, medianMinutes: 4 },
    ],
    open: clinicDay,
    breaks: [],
    namedShare: 0,
  },
  {
    label: "slow: 2 doctors 15+20 min",
    doctors: [
      { id: 1, medianMinutes: 15 },
      { id: 2, medianMinutes: 20 },
    ],
    open: clinicDay,
    breaks: [],
    namedShare: 0,
  },
  {
    label: "one doctor 8 min",
    doctors: [{ id: 1, medianMinutes: 8 }],
    open: clinicDay,
    breaks: [],
    namedShare: 0,
  },
  {
    label: "6+12 min, 50% name one",
    doctors: [
      { id: 1, medianMinutes: 6 },
      { id: 2, medianMinutes: 12 },
    ],
    open: clinicDay,
    breaks: [],
    namedShare: 0.5,
  },
  {
    label: "6+12 min, lunch 13-14",
    doctors: [
      { id: 1, medianMinutes: 6 },
      { id: 2, medianMinutes: 12 },
    ],
    open: clinicDay,
    breaks: [{ start: "13:00", end: "14:00" }],
    namedShare: 0,
  },
];

const EVERY_DAY: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

/** UTC keeps the clock arithmetic plain: local minutes are epoch minutes modulo a day. */
export function hospitalCalendar(s: Scenario): HospitalCalendar {
  return {
    timeZone: "UTC",
    bookingHorizonDays: 14,
    openingHours: EVERY_DAY.map((weekday) => ({ weekday, ...s.open })),
    holidays: [],
  };
}

export function doctorCalendars(s: Scenario): DoctorCalendar[] {
  return s.doctors.map((d) => ({
    id: d.id,
    sessions: EVERY_DAY.map((weekday) => ({
      weekday,
      ...s.open,
      slotMinutes: 10,
      capacity: 1,
      breaks: s.breaks,
    })),
    leaveDays: [],
  }));
}

/** Minutes the doctors actually see patients in a day. */
export function workingMinutes(s: Scenario): number {
  const span = toMinutes(s.open.end) - toMinutes(s.open.start);
  return span - s.breaks.reduce((sum, b) => sum + toMinutes(b.end) - toMinutes(b.start), 0);
}

/** Breaks in minutes since midnight, for the simulation and the what-if estimator. */
export const breakMinutes = (s: Scenario) =>
  s.breaks.map((b) => ({ start: toMinutes(b.start), end: toMinutes(b.end) }));
