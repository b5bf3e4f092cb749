/**
 * What a hospital-day decides: book, hold, confirm, cancel, check in, expire.
 * `applyCommand` changes the actor's working state in place and reports what
 * it touched and which events follow; if the batch's commit fails the actor
 * throws that state away and reloads, so a failed turn leaves no trace.
 * Time is passed in. No Moleculer, Sequelize or clock imports.
 */
import { localMoment, toMinutes } from "../../../platform/time";
import { bookingWindow, isSlotOpen } from "../../hospitals/day-schedule";
import type { Board } from "../reception/board";
import type { DayEventType } from "../day-events";
import type { QueueCommand } from "../reception/queue-commands";
import { applyQueueCommand, bookingTicket, expireCalled } from "../reception/queue-commands";
import type { Ticket } from "../reception/queue-state";
import type { Caller } from "./decision";
import { DecisionError, assertMayAct } from "./decision";
import type { Appointment, DayState, SlotState } from "./day-state";
import { holdsSeat, isLapsed, patientKey } from "./day-state";
import { slotClosed } from "./slot-closed";

export type DayCommand =
  | {
      type: "book";
      doctorId: number;
      start: string;
      patientId: number;
      accountId: number;
      /** Hold the seat as `pending` for this long (the saga confirms it); absent books outright. */
      holdSeconds?: number;
      couponCode?: string | null;
      /** The hold the coupon lies under (see `Appointment.couponRef`). */
      couponRef?: string | null;
    }
  | { type: "confirm"; appointmentId: string }
  | { type: "cancel"; appointmentId: string; caller: Caller }
  | { type: "checkIn"; appointmentId: string; caller: Caller }
  /** Lapsed holds and called tickets nobody finished: run by the actor's timer and the sweeper. */
  | { type: "expire" }
  | QueueCommand;

/** What changed, as the outbox records it: an appointment, a ticket, or the board after a turn. */
export interface DayEvent {
  type: DayEventType;
  appointment?: Appointment;
  ticket?: Ticket;
  board?: Board;
}

export interface Outcome {
  /** The appointment or ticket the command was about. */
  appointment?: Appointment;
  ticket?: Ticket;
  events: DayEvent[];
}

/** What each command answers: the appointment it is about, the ticket, or only what changed. */
export type OutcomeOf<T extends DayCommand["type"]> = T extends "book" | "confirm" | "cancel" | "checkIn"
  ? Outcome & { appointment: Appointment }
  : T extends "expire" | "forgive"
    ? Outcome
    : Outcome & { ticket: Ticket };

export function applyCommand(
  state: DayState,
  command: DayCommand,
  now: number,
  newId: () => string,
): Outcome {
  switch (command.type) {
    case "book":
      return book(state, command, now, newId);
    case "confirm":
      return confirm(state, command.appointmentId, now);
    case "cancel":
      return cancel(state, command.appointmentId, command.caller, now);
    case "checkIn":
      return checkIn(state, command.appointmentId, command.caller, now, newId);
    case "expire":
      return {
        events: [...expireLapsed(state, [...state.appointments.values()], now), ...expireCalled(state, now)],
      };
    case "takeTicket":
    case "cancelTicket":
    case "callNext":
    case "recall":
    case "finish":
    case "forgive":
      return applyQueueCommand(state, command, now, newId);
  }
}

function book(
  state: DayState,
  cmd: Extract<DayCommand, { type: "book" }>,
  now: number,
  newId: () => string,
): Outcome {
  const doctorSlots = state.slots.get(cmd.doctorId);
  const doctor = state.doctors.get(cmd.doctorId);
  if (!doctorSlots || !doctor)
    throw new DecisionError(404, "NOT_FOUND", `Doctor ${cmd.doctorId} was not found at this hospital.`);
  const slot = doctorSlots.get(cmd.start);
  if (!slot || slot.capacity === 0) {
    const reason =
      doctorSlots.size === 0 ? "the doctor does not see patients that day" : "no slot starts at that time";
    throw slotClosed(state, doctor, cmd.start, reason, now);
  }
  if (!isSlotOpen(bookingWindow(state.calendar, new Date(now)), state.date, cmd.start)) {
    throw slotClosed(state, doctor, cmd.start, "the slot has started or is beyond the booking horizon", now);
  }
  const events: DayEvent[] = [];
  const existingId = state.activeByPatient.get(patientKey(cmd.patientId, cmd.doctorId));
  const existing = existingId ? state.appointments.get(existingId) : undefined;
  if (existing && isLapsed(existing, now)) {
    events.push(...expireLapsed(state, [existing], now));
  } else if (existing) {
    throw new DecisionError(
      409,
      "ALREADY_BOOKED",
      "This patient already has an appointment with this doctor that day.",
      {
        appointmentId: existing.id,
      },
    );
  }
  const seat = freeSeat(state, slot, now, events);
  if (seat === null)
    throw new DecisionError(409, "SLOT_FULL", "The slot is full.", {
      start: cmd.start,
      capacity: slot.capacity,
    });

  const held = cmd.holdSeconds !== undefined;
  const appointment: Appointment = {
    id: newId(),
    hospitalId: state.hospitalId,
    doctorId: cmd.doctorId,
    date: state.date,
    start: cmd.start,
    seat,
    patientId: cmd.patientId,
    accountId: cmd.accountId,
    status: held ? "pending" : "booked",
    holdExpiresAt: held ? now + (cmd.holdSeconds ?? 0) * 1000 : null,
    couponCode: cmd.couponCode ?? null,
    couponRef: cmd.couponCode ? (cmd.couponRef ?? null) : null,
    createdAt: now,
    updatedAt: now,
  };
  state.appointments.set(appointment.id, appointment);
  slot.seats[seat - 1] = appointment.id;
  state.activeByPatient.set(patientKey(cmd.patientId, cmd.doctorId), appointment.id);
  events.push({ type: held ? "appointment.held" : "appointment.booked", appointment: { ...appointment } });
  return { appointment, events };
}

/** The lowest free seat within capacity; a lapsed hold sitting there is expired first. */
function freeSeat(state: DayState, slot: SlotState, now: number, events: DayEvent[]): number | null {
  for (let i = 0; i < slot.capacity; i++) {
    const holder = slot.seats[i];
    if (holder === null || holder === undefined) return i + 1;
    const a = state.appointments.get(holder);
    if (!a) return i + 1;
    if (isLapsed(a, now)) {
      events.push(...expireLapsed(state, [a], now));
      return i + 1;
    }
  }
  return null;
}

function confirm(state: DayState, appointmentId: string, now: number): Outcome {
  const a = found(state, appointmentId);
  if (a.status === "booked") return { appointment: a, events: [] };
  // A lapsed hold is already free for others; the expiry timer records it.
  if (isLapsed(a, now) || a.status === "expired") {
    throw new DecisionError(409, "HOLD_EXPIRED", "The hold lapsed before it was confirmed.");
  }
  if (a.status !== "pending")
    throw new DecisionError(409, "NOT_CONFIRMABLE", `A ${a.status} appointment cannot be confirmed.`);
  Object.assign(a, { status: "booked", holdExpiresAt: null, updatedAt: now });
  return { appointment: a, events: [{ type: "appointment.confirmed", appointment: { ...a } }] };
}

function cancel(state: DayState, appointmentId: string, caller: Caller, now: number): Outcome {
  const a = found(state, appointmentId);
  assertMayAct(state.hospitalId, caller, a.accountId);
  if ((a.status !== "pending" && a.status !== "booked") || isLapsed(a, now)) {
    const status = isLapsed(a, now) ? "expired" : a.status;
    throw new DecisionError(409, "NOT_CANCELLABLE", `A ${status} appointment cannot be cancelled.`);
  }
  if (hasStarted(state, a.start, now)) {
    throw new DecisionError(409, "NOT_CANCELLABLE", "The appointment has already started.");
  }
  release(state, a, "cancelled", now);
  return { appointment: a, events: [{ type: "appointment.cancelled", appointment: { ...a } }] };
}

function checkIn(
  state: DayState,
  appointmentId: string,
  caller: Caller,
  now: number,
  newId: () => string,
): Outcome {
  const a = found(state, appointmentId);
  assertMayAct(state.hospitalId, caller, null);
  if (a.status === "checked_in") return { appointment: a, events: [] };
  if (a.status !== "booked")
    throw new DecisionError(409, "NOT_CHECKABLE", `A ${a.status} appointment cannot check in.`);
  if (localMoment(new Date(now), state.calendar.timeZone).date !== state.date) {
    throw new DecisionError(409, "NOT_CHECKABLE", "Check-in is only possible on the day of the appointment.");
  }
  Object.assign(a, { status: "checked_in", updatedAt: now });
  // Arrived: the patient joins the day's queue, to be called at the slot time.
  return {
    appointment: a,
    events: [{ type: "appointment.checked_in", appointment: { ...a } }, bookingTicket(state, a, now, newId)],
  };
}

function found(state: DayState, appointmentId: string): Appointment {
  const a = state.appointments.get(appointmentId);
  if (!a) throw new DecisionError(404, "NOT_FOUND", `Appointment ${appointmentId} was not found.`);
  return a;
}

function hasStarted(state: DayState, start: string, now: number): boolean {
  const local = localMoment(new Date(now), state.calendar.timeZone);
  return local.date > state.date || (local.date === state.date && local.minutes >= toMinutes(start));
}

function release(state: DayState, a: Appointment, status: "cancelled" | "expired", now: number): void {
  const slot = state.slots.get(a.doctorId)?.get(a.start);
  if (slot && a.seat !== null && slot.seats[a.seat - 1] === a.id) slot.seats[a.seat - 1] = null;
  const key = patientKey(a.patientId, a.doctorId);
  if (state.activeByPatient.get(key) === a.id) state.activeByPatient.delete(key);
  Object.assign(a, { status, seat: null, holdExpiresAt: null, updatedAt: now });
}

function expireLapsed(state: DayState, candidates: Appointment[], now: number): DayEvent[] {
  const events: DayEvent[] = [];
  for (const a of candidates) {
    if (!isLapsed(a, now) || !holdsSeat(a)) continue;
    release(state, a, "expired", now);
    events.push({ type: "appointment.expired", appointment: { ...a } });
  }
  return events;
}
