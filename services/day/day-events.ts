/**
 * The events a hospital-day publishes on the bus (through the outbox), one
 * union keyed by type, so a consumer's handler gets the payload's real shape.
 * Appointment events are emitted as `day.<type>` (one instance of each
 * interested service); queue events are broadcast as `<type>` (every gateway).
 */
import type { OutboxMessage } from "../outbox/outbox";
import type { Appointment } from "./decisions/day-state";
import type { Board } from "./reception/board";
import type { Ticket } from "./reception/queue-state";

export interface DayEventPayloads {
  "appointment.booked": Appointment;
  "appointment.held": Appointment;
  "appointment.confirmed": Appointment;
  "appointment.cancelled": Appointment;
  "appointment.expired": Appointment;
  "appointment.checked_in": Appointment;
  "queue.ticket.taken": Ticket;
  "queue.ticket.called": Ticket;
  "queue.ticket.recalled": Ticket;
  "queue.ticket.done": Ticket;
  "queue.ticket.no_show": Ticket;
  "queue.ticket.cancelled": Ticket;
  "queue.penalty.cleared": Ticket;
  "queue.board.updated": Board;
}

export type DayEventType = keyof DayEventPayloads;

/** One event as a consumer receives it. */
export type DayBusEvent<T extends DayEventType = DayEventType> = {
  [K in T]: Omit<OutboxMessage, "type" | "payload"> & { type: K; payload: DayEventPayloads[K] };
}[T];
