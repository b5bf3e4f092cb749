/** Plain shapes of a hospital's calendar, shared by the table models and the pure schedule logic. */

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** "HH:MM" local time; "24:00" closes a range at midnight. */
export type ClockTime = string;

export interface OpeningRange {
  weekday: Weekday;
  start: ClockTime;
  end: ClockTime;
}

export interface TimeRange {
  start: ClockTime;
  end: ClockTime;
}

/** One weekly clinic session of a doctor: slots of `slotMinutes`, `capacity` patients each. */
export interface Session {
  weekday: Weekday;
  start: ClockTime;
  end: ClockTime;
  slotMinutes: number;
  capacity: number;
  /** Gaps inside the session (lunch); slots that overlap a break are not offered. */
  breaks?: TimeRange[];
}

export interface HospitalCalendar {
  timeZone: string;
  bookingHorizonDays: number;
  openingHours: OpeningRange[];
  /** Local dates ("YYYY-MM-DD") the hospital is closed. */
  holidays: string[];
}

export interface DoctorCalendar {
  id: number;
  sessions: Session[];
  /** Local dates the doctor is away. */
  leaveDays: string[];
}
