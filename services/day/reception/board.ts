/**
 * The waiting-room board of a hospital-day: who is being seen, who is next,
 * how many wait per doctor, and each waiting ticket's place. Pure.
 */
import type { TimeRange } from "../../../platform/calendar";
import type { DayState } from "../decisions/day-state";
import { contextOf } from "./queue-commands";
import { places, waitingInOrder } from "./queue-timeline";

export interface BoardTicket {
  ticketId: string;
  /** Whom to notify; stripped with the ticket id before the board goes public. */
  accountId: number;
  number: number;
  doctorId: number | null;
  position: number;
  etaMinutes: number;
}

export interface Board {
  hospitalId: number;
  date: string;
  /** The ticket each doctor called last and is seeing now. */
  serving: { doctorId: number | null; number: number; calledAt: string }[];
  /** Waiting tickets in call order, with their places. Ticket ids are stripped before the board goes public. */
  waiting: BoardTicket[];
  waitingByDoctor: { doctorId: number | null; count: number }[];
  /** Each doctor's working sessions today, so a screen can tell who is on duty as the clock moves. */
  doctors: { doctorId: number; sessions: TimeRange[] }[];
  /** Tickets at or before this position are told it is almost their turn. */
  notifyPosition: number;
  updatedAt: string;
}

export function boardOf(state: DayState, now: number): Board {
  const ctx = contextOf(state, now);
  const placeOf = places(ctx);
  const waiting = waitingInOrder(ctx).map((t) => ({
    ticketId: t.id,
    accountId: t.accountId,
    number: t.number,
    doctorId: t.doctorId,
    position: placeOf.get(t.id)?.position ?? 0,
    etaMinutes: placeOf.get(t.id)?.etaMinutes ?? 0,
  }));
  const serving = [...state.queue.tickets.values()]
    .filter((t) => t.status === "called")
    .sort((a, b) => (b.calledAt ?? 0) - (a.calledAt ?? 0))
    .map((t) => ({
      doctorId: t.calledBy,
      number: t.number,
      calledAt: new Date(t.calledAt ?? now).toISOString(),
    }));
  const counts = new Map<number | null, number>();
  for (const t of waiting) counts.set(t.doctorId, (counts.get(t.doctorId) ?? 0) + 1);
  return {
    hospitalId: state.hospitalId,
    date: state.date,
    serving,
    waiting,
    waitingByDoctor: [...counts.entries()].map(([doctorId, count]) => ({ doctorId, count })),
    doctors: [...state.sessions.entries()].map(([doctorId, sessions]) => ({ doctorId, sessions })),
    notifyPosition: state.queue.settings.notifyPosition,
    updatedAt: new Date(now).toISOString(),
  };
}
