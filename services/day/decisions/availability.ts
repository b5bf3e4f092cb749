/**
 * The day as `GET …/availability` shows it: each doctor's working sessions
 * and every slot with its seats and a status — `open`, `full`, `past` (it has
 * started: not bookable), or `closed` with the reason (a holiday, the
 * doctor's leave, beyond the booking horizon). An unknown doctor is a 404.
 * Time is passed in. Pure.
 */
import type { TimeRange } from "../../../platform/calendar";
import { bookingWindow, isSlotOpen, rotaSlots } from "../../hospitals/day-schedule";
import type { BookingWindow } from "../../hospitals/day-schedule";
import { dayOffReason } from "../../hospitals/doctor-hours";
import { toMinutes } from "../../../platform/time";
import type { DayState, SlotState } from "./day-state";
import { bookedSeats } from "./day-state";
import { DecisionError } from "./decision";

export type SlotStatus = "open" | "full" | "past" | "closed";
export type ClosedReason = "holiday" | "leave" | "beyond_horizon";

export interface SlotAvailability {
  start: string;
  end: string;
  capacity: number;
  booked: number;
  available: number;
  status: SlotStatus;
  /** Why a `closed` slot is closed; absent otherwise. */
  reason?: ClosedReason;
}

export interface DoctorAvailability {
  doctorId: number;
  slots: SlotAvailability[];
  sessions: TimeRange[];
}

const hasStarted = (window: BookingWindow, date: string, start: string) =>
  date < window.today || (date === window.today && toMinutes(start) <= window.nowMinutes);

/** Every doctor of the day (or only `doctorId`), in the order the state lists them. */
export function dayAvailability(state: DayState, now: number, doctorId?: number): DoctorAvailability[] {
  if (doctorId !== undefined && !state.slots.has(doctorId))
    throw new DecisionError(404, "NOT_FOUND", `Doctor ${doctorId} was not found at this hospital.`);
  const window = bookingWindow(state.calendar, new Date(now));
  const ids = [...state.slots.keys()].filter((id) => doctorId === undefined || id === doctorId);
  return ids.map((id) => ({
    doctorId: id,
    slots: doctorSlots(state, window, now, id),
    sessions: state.sessions.get(id) ?? [],
  }));
}

function doctorSlots(state: DayState, window: BookingWindow, now: number, id: number): SlotAvailability[] {
  const doctor = state.doctors.get(id);
  const off = doctor ? dayOffReason(state.calendar, doctor, state.date) : null;
  const byStart = state.slots.get(id) ?? new Map<string, SlotState>();
  if (doctor && off) {
    // Nothing is bookable that day, but the usual slots are shown closed so a client can say why.
    return rotaSlots(doctor, state.date).map((def) => {
      const slot = byStart.get(def.start);
      const booked = slot ? bookedSeats(state, slot, now) : 0;
      return { ...def, booked, available: 0, status: "closed", reason: off };
    });
  }
  return [...byStart.values()]
    .filter((slot) => slot.capacity > 0)
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((slot) => slotAvailability(state, window, now, slot));
}

/** One slot of a doctor who works that day. */
function slotAvailability(
  state: DayState,
  window: BookingWindow,
  now: number,
  slot: SlotState,
): SlotAvailability {
  const booked = bookedSeats(state, slot, now);
  const seats = { start: slot.start, end: slot.end, capacity: slot.capacity, booked };
  if (hasStarted(window, state.date, slot.start)) return { ...seats, available: 0, status: "past" };
  if (!isSlotOpen(window, state.date, slot.start))
    return { ...seats, available: 0, status: "closed", reason: "beyond_horizon" };
  const available = Math.max(0, slot.capacity - booked);
  return { ...seats, available, status: available > 0 ? "open" : "full" };
}

/**
 * Whether one slot shows `open` in `dayAvailability` (null: no such doctor), without
 * working out the doctor's other slots: admission control asks it for every booking.
 */
export function slotTakesBookings(
  state: DayState,
  now: number,
  doctorId: number,
  start: string,
): boolean | null {
  const doctor = state.doctors.get(doctorId);
  if (!doctor || !state.slots.has(doctorId)) return null;
  if (dayOffReason(state.calendar, doctor, state.date)) return false;
  const slot = state.slots.get(doctorId)?.get(start);
  if (!slot || slot.capacity <= 0) return false;
  return slotAvailability(state, bookingWindow(state.calendar, new Date(now)), now, slot).status === "open";
}

/** A slot's `past` and `closed` statuses turn on the local minute: whole-minute zone offsets make it the UTC minute. */
const MINUTE_MS = 60_000;

/**
 * The instant before which `dayAvailability(state, t)` answers as it does at
 * `now`, unless a command changes the day: the next minute (a slot starts, the
 * booking horizon moves) or the first hold that lapses before it.
 */
export function availabilityValidUntil(state: DayState, now: number): number {
  let until = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (const a of state.appointments.values()) {
    const lapses = a.status === "pending" ? a.holdExpiresAt : null;
    if (lapses !== null && lapses > now && lapses < until) until = lapses;
  }
  return until;
}
