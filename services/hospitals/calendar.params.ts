/** Validation rules for calendars sent by staff and admins (opening hours, sessions, closed days). */
import { clockTimeParam, dateParam } from "../../platform/params";
import { badInput } from "../../platform/errors";
import { toMinutes } from "../../platform/time";
import type { Session, TimeRange } from "../../platform/calendar";

const weekday = { type: "number", integer: true, min: 1, max: 7 } as const;
const range = { start: clockTimeParam, end: clockTimeParam } as const;

export const datesParam = { type: "array", items: dateParam, max: 366, unique: true } as const;

export const openingHoursParam = {
  type: "array",
  max: 50,
  items: { type: "object", strict: "remove", props: { weekday, ...range } },
} as const;

export const sessionsParam = {
  type: "array",
  max: 50,
  items: {
    type: "object",
    strict: "remove",
    props: {
      weekday,
      ...range,
      slotMinutes: { type: "number", integer: true, min: 5, max: 240 },
      capacity: { type: "number", integer: true, min: 1, max: 100 },
      breaks: {
        type: "array",
        optional: true,
        max: 10,
        items: { type: "object", strict: "remove", props: range },
      },
    },
  },
} as const;

/** Every range must end after it starts; the field path names the offender. */
export function assertRangesOrdered(field: string, ranges: readonly TimeRange[]): void {
  ranges.forEach((r, i) => {
    if (toMinutes(r.end) <= toMinutes(r.start)) {
      throw badInput(`${field}[${i}]`, `The '${field}[${i}]' range must end after it starts.`);
    }
  });
}

export function assertSessionsValid(sessions: readonly Session[]): void {
  assertRangesOrdered("sessions", sessions);
  sessions.forEach((s, i) => assertRangesOrdered(`sessions[${i}].breaks`, s.breaks ?? []));
}
