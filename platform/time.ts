/**
 * Local-time arithmetic for hospitals in any IANA zone. Dates ("YYYY-MM-DD")
 * and clock times ("HH:MM") are always the hospital's local ones; the current
 * instant is passed in, never read here, so callers and tests control the clock.
 */

export interface LocalMoment {
  /** "YYYY-MM-DD" in the zone. */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The last answer per zone, by UTC minute: zone offsets are whole minutes, so one UTC minute is one
 * local minute, and the busiest callers (every booking's open-slot check) ask about "now" again
 * and again. Intl's formatToParts was ~4 % of the server's CPU in an open run.
 */
const lastMoments = new Map<string, { minute: number; moment: LocalMoment }>();

/** The wall-clock date and time at `instant` in `timeZone`. */
export function localMoment(instant: Date, timeZone: string): LocalMoment {
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastMoments.get(timeZone);
  if (last?.minute === minute) return last.moment;
  const moment = formatMoment(instant, timeZone);
  lastMoments.set(timeZone, { minute, moment });
  return moment;
}

function formatMoment(instant: Date, timeZone: string): LocalMoment {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/**
 * A pure function of a string, remembering up to `max` answers (forgotten all at once when full).
 * Date checks and date sums run several times per booking on a handful of distinct dates; each
 * builds Date objects and ISO strings (~3 % of the server's CPU in an open run).
 */
function memoized<T>(max: number, compute: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = compute(key);
      if (known.size >= max) known.clear();
      known.set(key, value);
    }
    return value;
  };
}

const MEMO_SIZE = 4096;

/** True for a real calendar date such as "2026-02-28" (not "2026-02-30"). */
export const isValidDate = memoized(MEMO_SIZE, checkDate);

function checkDate(date: string): boolean {
  const m = DATE_RE.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().startsWith(date);
}

export function isValidClockTime(time: string): boolean {
  return TIME_RE.test(time);
}

export function toMinutes(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

export function fromMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** `date` shifted by `days` calendar days. */
export const addDays = (date: string, days: number): string => datePlus(`${date}|${days}`);

const datePlus = memoized(MEMO_SIZE, (key) => {
  const [date, days] = key.split("|");
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Number(days));
  return d.toISOString().slice(0, 10);
});

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (day === 0 ? 7 : day) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/** The instant at which the wall clock in `timeZone` shows `date` `time`. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + toMinutes(time) * 60_000;
  // Two passes settle the zone offset, including across a DST change.
  let instant = guess;
  for (let i = 0; i < 2; i++) {
    const seen = localMoment(new Date(instant), timeZone);
    const seenUtc = Date.parse(`${seen.date}T00:00:00Z`) + seen.minutes * 60_000;
    instant += guess - seenUtc;
  }
  return new Date(instant);
}
