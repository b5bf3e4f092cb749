/**
 * One timeline for reservations and walk-ins: a checked-in booking is due at
 * its slot time, a walk-in at the minute it took its ticket; ties go by ticket
 * number. Positions, wait estimates and reception capacity follow from it. Pure.
 */
import { localMoment, toMinutes } from "../../../platform/time";
import type { HospitalCalendar, TimeRange } from "../../../platform/calendar";
import { isOpenAt } from "../../hospitals/day-schedule";
import { worksAt } from "../../hospitals/doctor-hours";
import { serviceMinutes } from "./service-time";
import type { QueueState, Ticket } from "./queue-state";

/** The doctors' remaining clinic time today, as [startMinute, endMinute] per doctor. */
export type DoctorHours = Map<number, { start: number; end: number }>;

export interface QueueContext {
  queue: QueueState;
  calendar: HospitalCalendar;
  date: string;
  hours: DoctorHours;
  /** Each doctor's working sessions today. */
  sessions: Map<number, TimeRange[]>;
  now: number;
}

export const nowMinutes = (ctx: QueueContext) =>
  localMoment(new Date(ctx.now), ctx.calendar.timeZone).minutes;

export function dueMinute(ticket: Ticket, timeZone: string): number {
  return ticket.slotStart !== null
    ? toMinutes(ticket.slotStart)
    : localMoment(new Date(ticket.createdAt), timeZone).minutes;
}

/** Waiting tickets in the order they will be called. */
export function waitingInOrder(ctx: QueueContext): Ticket[] {
  const tz = ctx.calendar.timeZone;
  // Due minutes are worked out once: the time-zone conversion is the costly part of a sort.
  return [...ctx.queue.tickets.values()]
    .filter((t) => t.status === "waiting")
    .map((t) => ({ t, due: dueMinute(t, tz) }))
    .sort((a, b) => a.due - b.due || a.t.number - b.t.number)
    .map(({ t }) => t);
}

/**
 * Minutes until each busy doctor is free: their pace less the time the current
 * patient has had, but at least a quarter of it (visits run over).
 */
function busyMinutes(ctx: QueueContext): Map<number, number> {
  const busy = new Map<number, number>();
  for (const t of ctx.queue.tickets.values()) {
    if (t.status !== "called" || t.calledBy === null || t.calledAt === null) continue;
    const pace = minutesPerPatient(ctx, t.calledBy);
    busy.set(t.calledBy, Math.max(pace - (ctx.now - t.calledAt) / 60_000, pace / 4));
  }
  return busy;
}

/** Whether a ticket can go to `doctorId` (null: a call for whoever is next). */
export const servesDoctor = (t: Ticket, doctorId: number | null) =>
  doctorId === null || t.doctorId === null || t.doctorId === doctorId;

/** Doctors still seeing patients later today. */
export function remainingDoctors(ctx: QueueContext): number[] {
  const minute = nowMinutes(ctx);
  return [...ctx.hours.entries()].filter(([, h]) => h.end > minute).map(([id]) => id);
}

/** Doctors inside one of today's working sessions at `now` (none once the day is over), in id order. */
export function onDutyDoctors(ctx: QueueContext): number[] {
  const local = localMoment(new Date(ctx.now), ctx.calendar.timeZone);
  if (local.date !== ctx.date) return [];
  return [...ctx.sessions.entries()]
    .filter(([, sessions]) => worksAt(sessions, local.minutes))
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

export const minutesPerPatient = (ctx: QueueContext, doctorId: number) =>
  serviceMinutes(ctx.queue.samples.get(doctorId) ?? [], ctx.queue.settings.defaultServiceMinutes);

export interface Place {
  position: number;
  etaMinutes: number;
}

/** Position (1 = next) and estimated minutes until called, for every waiting ticket. */
export function places(ctx: QueueContext): Map<string, Place> {
  const order = waitingInOrder(ctx);
  // "Any doctor" tickets go to the doctors on duty; between sessions, to those still due today.
  const onDuty = onDutyDoctors(ctx);
  const doctors = onDuty.length > 0 ? onDuty : remainingDoctors(ctx);
  const minute = nowMinutes(ctx);
  const busy = busyMinutes(ctx);
  const result = new Map<string, Place>();
  order.forEach((ticket, index) => {
    const ahead = order
      .slice(0, index)
      .filter((t) => servesDoctor(t, ticket.doctorId) || ticket.doctorId === null).length;
    const servers =
      ticket.doctorId !== null ? [ticket.doctorId] : doctors.length > 0 ? doctors : [...ctx.hours.keys()];
    const perPatient =
      servers.reduce((sum, d) => sum + minutesPerPatient(ctx, d), 0) / Math.max(servers.length, 1);
    const inRoom = servers.reduce((sum, d) => sum + (busy.get(d) ?? 0), 0);
    let eta = Math.round((ahead * perPatient + inRoom) / Math.max(servers.length, 1));
    if (ticket.slotStart !== null) eta = Math.max(eta, toMinutes(ticket.slotStart) - minute);
    result.set(ticket.id, { position: ahead + 1, etaMinutes: Math.max(eta, 0) });
  });
  return result;
}

/** The hospital is open now, and on past midnight into the next day (round-the-clock). */
function openThroughMidnight(ctx: QueueContext): boolean {
  const nextDay = new Date(Date.parse(`${ctx.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return isOpenAt(ctx.calendar, ctx.date, 24 * 60 - 1) && isOpenAt(ctx.calendar, nextDay, 0);
}

/** Places still free today given the doctors' remaining time and who is already waiting; Infinity round the clock. */
export function placesLeft(ctx: QueueContext): number {
  if (openThroughMidnight(ctx)) return Infinity;
  const minute = nowMinutes(ctx);
  let capacity = 0;
  for (const [doctorId, h] of ctx.hours) {
    const remaining = h.end - Math.max(minute, h.start);
    if (remaining > 0) capacity += remaining / minutesPerPatient(ctx, doctorId);
  }
  const waiting = [...ctx.queue.tickets.values()].filter((t) => t.status === "waiting").length;
  return Math.floor(capacity) - waiting;
}

/** All the places of the day, for the desk share: the doctors' whole clinic time over their pace. */
export function dayPlaces(ctx: QueueContext): number {
  if (openThroughMidnight(ctx)) return Infinity;
  let places = 0;
  for (const [doctorId, h] of ctx.hours) places += (h.end - h.start) / minutesPerPatient(ctx, doctorId);
  return Math.floor(places);
}
