/**
 * The in-memory state of one hospital-day: every doctor's slots with their
 * seats, and the appointments in them. Built from the calendar and the rows
 * the store loads; changed only by `day-commands.ts`. No Moleculer, Sequelize
 * or clock imports.
 */
import type { DoctorCalendar, HospitalCalendar, TimeRange } from "../../../platform/calendar";
import type { QueueState } from "../reception/queue-state";
import type { DoctorHours } from "../reception/queue-timeline";
import { toMinutes } from "../../../platform/time";
import { doctorDaySlots } from "../../hospitals/day-schedule";
import { doctorSessions } from "../../hospitals/doctor-hours";

export type AppointmentStatus = "pending" | "booked" | "checked_in" | "cancelled" | "expired";

/** Statuses that hold a seat. A pending hold past its expiry no longer does. */
export const SEAT_HOLDING: readonly AppointmentStatus[] = ["pending", "booked", "checked_in"];

export interface Appointment {
  id: string;
  hospitalId: number;
  doctorId: number;
  date: string;
  start: string;
  /** 1-based seat in the slot while the appointment holds one; null once released. */
  seat: number | null;
  patientId: number;
  accountId: number;
  status: AppointmentStatus;
  /** Epoch ms when a pending hold lapses; null otherwise. */
  holdExpiresAt: number | null;
  couponCode: string | null;
  /**
   * The hold the coupon lies under while the booking is undecided (its request key, or its
   * request id): the coupons' consumer moves only a coupon held by this booking.
   */
  couponRef: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SlotState {
  start: string;
  end: string;
  capacity: number;
  /** Index = seat - 1; the appointment id holding that seat, or null. */
  seats: (string | null)[];
}

export interface DayState {
  hospitalId: number;
  date: string;
  calendar: HospitalCalendar;
  /** doctorId → start → slot. */
  slots: Map<number, Map<string, SlotState>>;
  appointments: Map<string, Appointment>;
  /** `${patientId}:${doctorId}` → appointment id, for appointments holding a seat. */
  activeByPatient: Map<string, string>;
  /** Each doctor's first slot start and last slot end today, in minutes. */
  hours: DoctorHours;
  /** The hospital's doctors, for when they work on other days. */
  doctors: Map<number, DoctorCalendar>;
  /** Each doctor's working sessions today (none on leave or a holiday). */
  sessions: Map<number, TimeRange[]>;
  queue: QueueState;
}

export const patientKey = (patientId: number, doctorId: number) => `${patientId}:${doctorId}`;

export const holdsSeat = (a: Appointment): boolean => a.seat !== null && SEAT_HOLDING.includes(a.status);

/** Lays out the day's slots from the calendar and seats the appointments already on record. */
export function buildDayState(
  hospitalId: number,
  date: string,
  calendar: HospitalCalendar,
  doctors: DoctorCalendar[],
  appointments: Appointment[],
  queue: QueueState,
): DayState {
  const slots = new Map<number, Map<string, SlotState>>();
  const hours: DoctorHours = new Map();
  const sessions = new Map<number, TimeRange[]>();
  for (const doctor of doctors) {
    sessions.set(doctor.id, doctorSessions(calendar, doctor, date));
    const byStart = new Map<string, SlotState>();
    const defs = doctorDaySlots(calendar, doctor, date);
    for (const def of defs) {
      byStart.set(def.start, { ...def, seats: new Array<string | null>(def.capacity).fill(null) });
    }
    slots.set(doctor.id, byStart);
    if (defs.length > 0)
      hours.set(doctor.id, { start: toMinutes(defs[0].start), end: toMinutes(defs[defs.length - 1].end) });
  }
  const state: DayState = {
    hospitalId,
    date,
    calendar,
    slots,
    appointments: new Map(),
    activeByPatient: new Map(),
    hours,
    doctors: new Map(doctors.map((d) => [d.id, d])),
    sessions,
    queue,
  };
  for (const appointment of appointments) {
    state.appointments.set(appointment.id, appointment);
    if (!holdsSeat(appointment)) continue;
    // A seat sold before the schedule shrank stays sold: the slot keeps it beyond its new capacity.
    const slot = slotFor(state, appointment.doctorId, appointment.start, appointment.seat ?? 0);
    slot.seats[(appointment.seat ?? 1) - 1] = appointment.id;
    state.activeByPatient.set(patientKey(appointment.patientId, appointment.doctorId), appointment.id);
  }
  return state;
}

function slotFor(state: DayState, doctorId: number, start: string, seat: number): SlotState {
  let byStart = state.slots.get(doctorId);
  if (!byStart) {
    byStart = new Map();
    state.slots.set(doctorId, byStart);
  }
  let slot = byStart.get(start);
  if (!slot) {
    slot = { start, end: start, capacity: 0, seats: [] };
    byStart.set(start, slot);
  }
  while (slot.seats.length < seat) slot.seats.push(null);
  return slot;
}

/** Seats taken in a slot: holds that lapsed before `now` count as free. */
export function bookedSeats(state: DayState, slot: SlotState, now: number): number {
  let booked = 0;
  for (const id of slot.seats) {
    if (id === null) continue;
    const a = state.appointments.get(id);
    if (a && !isLapsed(a, now)) booked++;
  }
  return booked;
}

export const isLapsed = (a: Appointment, now: number): boolean =>
  a.status === "pending" && a.holdExpiresAt !== null && a.holdExpiresAt <= now;
