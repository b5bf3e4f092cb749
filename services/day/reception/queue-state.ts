/**
 * The reception queue (접수) of one hospital-day, held by the same actor as
 * that day's slots so reservations and walk-ins share one timeline. Pure.
 */

export type TicketStatus = "waiting" | "called" | "done" | "no_show" | "cancelled";
/** `app`: taken remotely; `desk`: registered by staff (walk-in, phone); `booking`: a checked-in reservation. */
export type TicketChannel = "app" | "desk" | "booking";

export interface Ticket {
  id: string;
  hospitalId: number;
  date: string;
  /** The day's running number shown on the board. */
  number: number;
  /** The doctor asked for, or null for whoever calls next. */
  doctorId: number | null;
  patientId: number;
  accountId: number;
  channel: TicketChannel;
  appointmentId: string | null;
  /** For booking tickets: the slot start ("HH:MM"), which is when they are called. */
  slotStart: string | null;
  status: TicketStatus;
  /** The doctor whose call took this ticket. */
  calledBy: number | null;
  createdAt: number;
  calledAt: number | null;
  finishedAt: number | null;
  recalls: number;
  /** A no-show or app cancellation that counts towards the day's reception block, until staff forgive it. */
  strike: boolean;
}

export interface QueueSettings {
  /** Share of the day's places kept for desk (walk-in and phone) patients, 0–90. */
  deskSharePercent: number;
  /** "Almost your turn" is sent when a ticket reaches this position. */
  notifyPosition: number;
  /** A called ticket nobody marks done is a no-show after this many minutes. */
  noShowAfterMinutes: number;
  /** Strikes (no-shows, app cancellations) that block app reception until midnight. */
  strikeLimit: number;
  /** Minutes per patient assumed for a doctor with no history. */
  defaultServiceMinutes: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  deskSharePercent: 30,
  notifyPosition: 3,
  noShowAfterMinutes: 10,
  strikeLimit: 2,
  defaultServiceMinutes: 10,
};

export interface QueueState {
  settings: QueueSettings;
  tickets: Map<string, Ticket>;
  nextNumber: number;
  /** Learnt service-time samples (minutes) per doctor. */
  samples: Map<number, number[]>;
}

export const ACTIVE: readonly TicketStatus[] = ["waiting", "called"];

export function buildQueueState(
  settings: QueueSettings,
  tickets: Ticket[],
  samples: Map<number, number[]>,
): QueueState {
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const nextNumber = tickets.reduce((max, t) => Math.max(max, t.number), 0) + 1;
  return { settings, tickets: byId, nextNumber, samples };
}
