/**
 * Reception decisions for the day actor: take and cancel tickets, call the
 * next patient, recall, finish (done or no-show), forgive strikes. Changes the
 * actor's working state in place, like the booking commands. Pure.
 */
import { fromMinutes, localMoment } from "../../../platform/time";
import type { DayEvent, Outcome } from "../decisions/day-commands";
import type { DayState } from "../decisions/day-state";
import type { Caller } from "../decisions/decision";
import { DecisionError, assertMayAct } from "../decisions/decision";
import { isOpenAt } from "../../hospitals/day-schedule";
import { recordSample } from "./service-time";
import type { Ticket, TicketChannel } from "./queue-state";
import { ACTIVE } from "./queue-state";
import type { QueueContext } from "./queue-timeline";
import { offDuty } from "./duty";
import {
  dayPlaces,
  nowMinutes,
  onDutyDoctors,
  placesLeft,
  remainingDoctors,
  servesDoctor,
  waitingInOrder,
} from "./queue-timeline";

export type QueueCommand =
  | {
      type: "takeTicket";
      patientId: number;
      accountId: number;
      channel: Exclude<TicketChannel, "booking">;
      doctorId: number | null;
      caller: Caller;
    }
  | { type: "cancelTicket"; ticketId: string; caller: Caller }
  | { type: "callNext"; doctorId: number | null; caller: Caller }
  | { type: "recall"; ticketId: string; caller: Caller }
  | { type: "finish"; ticketId: string; outcome: "done" | "no_show"; caller: Caller }
  | { type: "forgive"; patientId: number; caller: Caller };

export const contextOf = (state: DayState, now: number): QueueContext => ({
  queue: state.queue,
  calendar: state.calendar,
  date: state.date,
  hours: state.hours,
  sessions: state.sessions,
  now,
});

export function applyQueueCommand(
  state: DayState,
  cmd: QueueCommand,
  now: number,
  newId: () => string,
): Outcome {
  switch (cmd.type) {
    case "takeTicket":
      return takeTicket(state, cmd, now, newId);
    case "cancelTicket": {
      const t = ticket(state, cmd.ticketId);
      assertMayAct(state.hospitalId, cmd.caller, t.accountId);
      if (t.status !== "waiting")
        throw new DecisionError(409, "NOT_CANCELLABLE", `A ${t.status} ticket cannot be cancelled.`);
      // A patient giving up an app ticket counts towards the day's block; staff cancelling does not.
      const strike = t.channel === "app" && cmd.caller.role === "patient";
      return changed(t, { status: "cancelled", finishedAt: now, strike }, "queue.ticket.cancelled");
    }
    case "callNext":
      return callNext(state, cmd.doctorId, cmd.caller, now);
    case "recall": {
      const t = ticket(state, cmd.ticketId);
      assertMayAct(state.hospitalId, cmd.caller, null);
      if (t.status !== "called")
        throw new DecisionError(409, "NOT_CALLED", "Only a called ticket can be recalled.");
      return changed(t, { calledAt: now, recalls: t.recalls + 1 }, "queue.ticket.recalled");
    }
    case "finish":
      return finish(state, cmd.ticketId, cmd.outcome, cmd.caller, now);
    case "forgive": {
      assertMayAct(state.hospitalId, cmd.caller, null);
      const events: DayEvent[] = [];
      for (const t of state.queue.tickets.values()) {
        if (t.patientId === cmd.patientId && t.strike)
          events.push(...changed(t, { strike: false }, "queue.penalty.cleared").events);
      }
      return { events };
    }
  }
}

function takeTicket(
  state: DayState,
  cmd: Extract<QueueCommand, { type: "takeTicket" }>,
  now: number,
  newId: () => string,
): Outcome {
  if (cmd.channel === "desk") assertMayAct(state.hospitalId, cmd.caller, null);
  const ctx = contextOf(state, now);
  const local = localMoment(new Date(now), state.calendar.timeZone);
  if (local.date !== state.date || !isOpenAt(state.calendar, state.date, local.minutes)) {
    throw new DecisionError(409, "RECEPTION_CLOSED", "Reception is closed now: the hospital is not open.");
  }
  if (cmd.doctorId !== null && !state.doctors.has(cmd.doctorId)) {
    throw new DecisionError(404, "NOT_FOUND", `Doctor ${cmd.doctorId} was not found at this hospital.`);
  }
  // A ticket waits for someone who is here: a named doctor on duty now, or for "any doctor", one of those on duty.
  const onDuty = onDutyDoctors(ctx);
  if (cmd.doctorId !== null ? !onDuty.includes(cmd.doctorId) : onDuty.length === 0) {
    throw offDuty(state, cmd.doctorId !== null ? [cmd.doctorId] : [...state.doctors.keys()], now);
  }
  const tickets = [...state.queue.tickets.values()];
  const own = tickets.filter((t) => t.patientId === cmd.patientId);
  const active = own.find((t) => ACTIVE.includes(t.status));
  if (active) {
    throw new DecisionError(409, "ALREADY_IN_QUEUE", "This patient already holds a ticket today.", {
      ticketId: active.id,
    });
  }
  const { strikeLimit, deskSharePercent } = state.queue.settings;
  if (cmd.channel === "app" && own.filter((t) => t.strike).length >= strikeLimit) {
    throw new DecisionError(
      403,
      "RECEPTION_BLOCKED",
      "App reception is blocked for today after repeated no-shows or cancellations; please ask at the desk.",
    );
  }
  if (placesLeft(ctx) <= 0) {
    throw new DecisionError(
      409,
      "RECEPTION_CLOSED",
      "Reception is closed: the remaining clinic time is taken.",
    );
  }
  if (cmd.channel === "app") {
    const appTaken = tickets.filter((t) => t.channel === "app" && t.status !== "cancelled").length;
    if (appTaken >= Math.floor((dayPlaces(ctx) * (100 - deskSharePercent)) / 100)) {
      throw new DecisionError(
        409,
        "APP_SHARE_FULL",
        "The places open to app reception are taken; the rest are kept for patients at the desk.",
      );
    }
  }
  const t = addTicket(state, now, newId, {
    doctorId: cmd.doctorId,
    patientId: cmd.patientId,
    accountId: cmd.accountId,
    channel: cmd.channel,
    appointmentId: null,
    slotStart: null,
  });
  return { ticket: t, events: [{ type: "queue.ticket.taken", ticket: { ...t } }] };
}

function callNext(state: DayState, doctorId: number | null, caller: Caller, now: number): Outcome {
  assertMayAct(state.hospitalId, caller, null);
  const ctx = contextOf(state, now);
  const minute = nowMinutes(ctx);
  const onDuty = onDutyDoctors(ctx);
  // "Any doctor" tickets go to the doctors on duty; one who has stopped sees only their own patients
  // out, unless nobody is on duty any more (the day's last tickets must not be stranded).
  const takesAnyone = doctorId === null || onDuty.length === 0 || onDuty.includes(doctorId);
  // A checked-in booking waits for its slot time; walk-ins fill the gaps in ticket order.
  const next = waitingInOrder(ctx).find(
    (t) =>
      servesDoctor(t, doctorId) &&
      (t.doctorId !== null || takesAnyone) &&
      (t.slotStart === null || t.slotStart <= fromMinutes(minute)),
  );
  if (!next) throw new DecisionError(409, "QUEUE_EMPTY", "Nobody is waiting for this doctor.");
  // Whose patient this is, so the visit's length teaches that doctor's pace; a lone doctor needs no naming.
  const remaining = remainingDoctors(ctx);
  const lone = onDuty.length === 1 ? onDuty[0] : remaining.length === 1 ? remaining[0] : null;
  const calledBy = doctorId ?? next.doctorId ?? lone;
  return changed(next, { status: "called", calledAt: now, calledBy }, "queue.ticket.called");
}

function finish(
  state: DayState,
  ticketId: string,
  outcome: "done" | "no_show",
  caller: Caller,
  now: number,
): Outcome {
  const t = ticket(state, ticketId);
  assertMayAct(state.hospitalId, caller, null);
  if (t.status !== "called")
    throw new DecisionError(409, "NOT_CALLED", "Only a called ticket can be finished.");
  if (outcome === "done" && t.calledBy !== null && t.calledAt !== null) {
    const samples = state.queue.samples.get(t.calledBy) ?? [];
    state.queue.samples.set(t.calledBy, recordSample(samples, (now - t.calledAt) / 60_000));
  }
  const type = outcome === "done" ? "queue.ticket.done" : "queue.ticket.no_show";
  return changed(t, { status: outcome, finishedAt: now, strike: outcome === "no_show" }, type);
}

/** Called tickets nobody finished in time become no-shows. */
export function expireCalled(state: DayState, now: number): DayEvent[] {
  const limit = state.queue.settings.noShowAfterMinutes * 60_000;
  const events: DayEvent[] = [];
  for (const t of state.queue.tickets.values()) {
    if (t.status === "called" && t.calledAt !== null && t.calledAt + limit <= now) {
      events.push(
        ...changed(t, { status: "no_show", finishedAt: now, strike: true }, "queue.ticket.no_show").events,
      );
    }
  }
  return events;
}

/** The earliest instant a called ticket lapses into a no-show, or Infinity. */
export function nextCalledDeadline(state: DayState): number {
  const limit = state.queue.settings.noShowAfterMinutes * 60_000;
  let earliest = Infinity;
  for (const t of state.queue.tickets.values()) {
    if (t.status === "called" && t.calledAt !== null) earliest = Math.min(earliest, t.calledAt + limit);
  }
  return earliest;
}

/** A checked-in reservation joins the queue, due at its slot time. */
export function bookingTicket(
  state: DayState,
  appointment: { id: string; doctorId: number; patientId: number; accountId: number; start: string },
  now: number,
  newId: () => string,
): DayEvent {
  const t = addTicket(state, now, newId, {
    doctorId: appointment.doctorId,
    patientId: appointment.patientId,
    accountId: appointment.accountId,
    channel: "booking",
    appointmentId: appointment.id,
    slotStart: appointment.start,
  });
  return { type: "queue.ticket.taken", ticket: { ...t } };
}

type NewTicket = Pick<
  Ticket,
  "doctorId" | "patientId" | "accountId" | "channel" | "appointmentId" | "slotStart"
>;

function addTicket(state: DayState, now: number, newId: () => string, fields: NewTicket): Ticket {
  const t: Ticket = {
    ...fields,
    id: newId(),
    hospitalId: state.hospitalId,
    date: state.date,
    number: state.queue.nextNumber++,
    status: "waiting",
    calledBy: null,
    createdAt: now,
    calledAt: null,
    finishedAt: null,
    recalls: 0,
    strike: false,
  };
  state.queue.tickets.set(t.id, t);
  return t;
}

function ticket(state: DayState, ticketId: string): Ticket {
  const t = state.queue.tickets.get(ticketId);
  if (!t) throw new DecisionError(404, "NOT_FOUND", `Ticket ${ticketId} was not found.`);
  return t;
}

function changed(t: Ticket, patch: Partial<Ticket>, type: DayEvent["type"]): Outcome {
  Object.assign(t, patch);
  return { ticket: t, events: [{ type, ticket: { ...t } }] };
}
