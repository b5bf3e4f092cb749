/**
 * The hospital-day every variant is hammered with, and the request mix: the
 * same slots, seats and sequence of targets for all of them. Pure.
 */
import { randomSource } from "../../scripts/demo/generate";
import { addDays, fromMinutes, localMoment, toMinutes } from "../../platform/time";
import type { Session, Weekday } from "../../platform/calendar";

export const TIME_ZONE = "Asia/Seoul";
export const DOCTORS_PER_HOSPITAL = 8;
const SESSION = { start: "08:00", end: "18:00", slotMinutes: 10 } as const;
/** Share of requests aimed at the opening slot of some doctor, as when booking opens at 08:00. */
export const HOT_SHARE = 0.3;

export interface Layout {
  /** Seats per slot, the same in every slot. */
  capacity: number;
  /** Slot start times of each doctor's day, opening slot first. */
  starts: string[];
}

export interface Target {
  /** Index of the doctor within the hospital, 0-based. */
  doctor: number;
  start: string;
}

/**
 * Enough seats overall for about every request, so most cold requests succeed,
 * while the opening slots are oversubscribed many times over.
 */
export function layoutFor(requests: number): Layout {
  const starts: string[] = [];
  for (let t = toMinutes(SESSION.start); t + SESSION.slotMinutes <= toMinutes(SESSION.end);) {
    starts.push(fromMinutes(t));
    t += SESSION.slotMinutes;
  }
  const capacity = Math.max(2, Math.ceil(requests / (starts.length * DOCTORS_PER_HOSPITAL)));
  return { capacity, starts };
}

export function describeLayout(layout: Layout): string {
  return (
    `${DOCTORS_PER_HOSPITAL} doctors × ${layout.starts.length} slots × ${layout.capacity} seats; ` +
    `${HOT_SHARE * 100}% of requests aim at a doctor's ${layout.starts[0]} slot, the rest anywhere`
  );
}

/** Every weekday, so any date works; capacity and slots as in the layout. */
export function sessionsFor(layout: Layout): Session[] {
  return ([1, 2, 3, 4, 5, 6, 7] as Weekday[]).map((weekday) => ({
    weekday,
    start: SESSION.start,
    end: SESSION.end,
    slotMinutes: SESSION.slotMinutes,
    capacity: layout.capacity,
  }));
}

/** A local date `daysAhead` after today in the hospitals' zone: inside the booking horizon, never started. */
export function dayAhead(now: Date, daysAhead: number): string {
  return addDays(localMoment(now, TIME_ZONE).date, daysAhead);
}

/** A seeded sequence of targets: HOT_SHARE go to an opening slot, the rest anywhere. */
export function requestMix(count: number, layout: Layout, seed: number): Target[] {
  const random = randomSource(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const targets: Target[] = [];
  for (let i = 0; i < count; i++) {
    const hot = random() < HOT_SHARE;
    targets.push({
      doctor: pick(DOCTORS_PER_HOSPITAL),
      start: hot ? layout.starts[0] : layout.starts[pick(layout.starts.length)],
    });
  }
  return targets;
}
