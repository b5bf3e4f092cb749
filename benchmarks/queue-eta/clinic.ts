/**
 * One clinic day in simulated time, driven through the engine's own reception
 * commands (take a ticket, call next, finish), so positions, call order and the
 * learnt service samples are exactly the engine's. Every estimator is asked for
 * each new ticket's wait, and again for everyone waiting at each refresh; the
 * answer is scored when the ticket is really called.
 */
import { invariant } from "../../platform/errors";
import { toMinutes } from "../../platform/time";
import { DEFAULT_QUEUE_SETTINGS, buildQueueState } from "../../services/day/reception/queue-state";
import type { Ticket } from "../../services/day/reception/queue-state";
import { applyQueueCommand, contextOf } from "../../services/day/reception/queue-commands";
import type { QueueCommand } from "../../services/day/reception/queue-commands";
import {
  nowMinutes,
  places,
  onDutyDoctors,
  remainingDoctors,
  servesDoctor,
} from "../../services/day/reception/queue-timeline";
import type { Place, QueueContext } from "../../services/day/reception/queue-timeline";
import { buildDayState } from "../../services/day/decisions/day-state";
import { DecisionError } from "../../services/day/decisions/decision";
import type { Random } from "./random";
import type { DoctorPlan, Scenario } from "./scenarios";
import { breakMinutes, doctorCalendars, hospitalCalendar, workingMinutes } from "./scenarios";
import type { MinuteRange } from "./what-if";

export interface SimParams {
  load: number;
  noShow: number;
  sigma: number;
  /** Staff wait this long for an absent patient before marking the no-show; not a service sample. */
  noShowWaitMinutes: number;
  /** Minutes between board refreshes at which every waiting ticket's estimate is scored again. */
  refreshMinutes: number;
}

export interface EstimateView {
  ctx: QueueContext;
  places: Map<string, Place>;
  /** Waiting tickets in call order, as the engine sorts them. */
  order: Ticket[];
  /** Local minutes since midnight now, with the seconds. */
  minute: number;
  /** Doctors still seeing patients later today. */
  live: number[];
  breaks: readonly MinuteRange[];
}

export interface Estimator {
  label: string;
  estimate(view: EstimateView): Map<string, number>;
}

export type Moment = "taken" | "refresh";

export interface Observation {
  moment: Moment;
  /** One prediction (minutes) per estimator, in the order given. */
  predicted: number[];
  /** Minutes from the prediction to the call. */
  actual: number;
}

export interface DayResult {
  observations: Observation[];
  taken: number;
  refused: number;
  noShows: number;
  peakWaiting: number;
  /** Minutes the last patient left after the end of the session (0 if on time). */
  overtime: number;
}

const STAFF = { accountId: 1, role: "staff", hospitalId: 1 } as const;

interface Room {
  plan: DoctorPlan;
  ticketId: string | null;
  outcome: "done" | "no_show";
  busyUntil: number;
}

/** Patients an hour the doctors can truly see: each visit costs its mean, each no-show the staff's wait. */
export function capacityPerHour(s: Scenario, p: SimParams): number {
  const meanFactor = Math.exp((p.sigma * p.sigma) / 2);
  return s.doctors.reduce(
    (sum, d) => sum + 60 / ((1 - p.noShow) * d.medianMinutes * meanFactor + p.noShow * p.noShowWaitMinutes),
    0,
  );
}

export function simulateDay(
  s: Scenario,
  date: string,
  samples: Map<number, number[]>,
  p: SimParams,
  rng: Random,
  estimators: readonly Estimator[],
): DayResult {
  const queue = buildQueueState(DEFAULT_QUEUE_SETTINGS, [], samples);
  const state = buildDayState(1, date, hospitalCalendar(s), doctorCalendars(s), [], queue);
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const ms = (minute: number) => midnight + Math.round(minute * 60_000);
  let ids = 0;
  const newId = () => `t${++ids}`;
  const run = (cmd: QueueCommand, minute: number) => applyQueueCommand(state, cmd, ms(minute), newId);

  const [open, close] = [toMinutes(s.open.start), toMinutes(s.open.end)];
  const breaks = breakMinutes(s);
  const perHour = (p.load * capacityPerHour(s, p) * workingMinutes(s)) / (close - open);
  const rooms: Room[] = s.doctors.map((plan) => ({ plan, ticketId: null, outcome: "done", busyUntil: 0 }));
  const inBreak = (m: number) => breaks.some((b) => m >= b.start && m < b.end);
  const result: DayResult = {
    observations: [],
    taken: 0,
    refused: 0,
    noShows: 0,
    peakWaiting: 0,
    overtime: 0,
  };
  const pending = new Map<string, { moment: Moment; predicted: number[]; at: number }[]>();

  const waiting = () => [...state.queue.tickets.values()].filter((t) => t.status === "waiting");
  const observe = (tickets: Ticket[], moment: Moment, now: number) => {
    const ctx = contextOf(state, ms(now));
    const placed = places(ctx);
    // places() fills its map in call order; reading the order back saves sorting the queue again.
    const order = [...placed.keys()].map((id) => state.queue.tickets.get(id)).filter((t) => t !== undefined);
    const minute = nowMinutes(ctx) + (ctx.now % 60_000) / 60_000;
    const view = { ctx, places: placed, order, minute, live: remainingDoctors(ctx), breaks };
    const estimates = estimators.map((e) => e.estimate(view));
    for (const t of tickets) {
      const predicted = estimates.map((m) => m.get(t.id) ?? NaN);
      pending.set(t.id, [...(pending.get(t.id) ?? []), { moment, predicted, at: now }]);
    }
  };

  let now = open;
  let nextArrival = open + rng.exponential(perHour);
  let nextRefresh = open + p.refreshMinutes;
  for (;;) {
    const queued = waiting();
    result.peakWaiting = Math.max(result.peakWaiting, queued.length);
    const idle = rooms.filter((r) => r.ticketId === null);
    const wakes = queued.length > 0 && idle.length > 0 ? breaks.map((b) => b.end).filter((m) => m > now) : [];
    const next = Math.min(
      nextArrival < close ? nextArrival : Infinity,
      queued.length > 0 ? nextRefresh : Infinity,
      ...rooms.filter((r) => r.ticketId !== null).map((r) => r.busyUntil),
      ...wakes,
    );
    if (next === Infinity) break;
    now = next;

    for (const room of rooms) {
      if (room.ticketId === null || room.busyUntil > now) continue;
      run({ type: "finish", ticketId: room.ticketId, outcome: room.outcome, caller: STAFF }, room.busyUntil);
      if (room.outcome === "no_show") result.noShows++;
      result.overtime = Math.max(result.overtime, room.busyUntil - close);
      room.ticketId = null;
    }
    if (nextArrival <= now) {
      const named = rng.next() < s.namedShare;
      const doctorId = named ? s.doctors[Math.floor(rng.next() * s.doctors.length)].id : null;
      const patientId = result.taken + result.refused + 1;
      const cmd: QueueCommand = {
        type: "takeTicket",
        patientId,
        accountId: patientId,
        channel: "desk",
        doctorId,
        caller: STAFF,
      };
      try {
        const { ticket } = run(cmd, now);
        result.taken++;
        if (ticket) observe([ticket], "taken", now);
      } catch (err) {
        // Reception closes itself once the doctors' remaining time is taken, and takes no ticket for a
        // doctor who is not on duty (or for "any doctor" when none is); that patient is turned away.
        const turnedAway = ["RECEPTION_CLOSED", "DOCTOR_OFF_DUTY"];
        if (!(err instanceof DecisionError) || !turnedAway.includes(err.code)) throw err;
        result.refused++;
      }
      nextArrival = now + rng.exponential(perHour);
    }
    if (nextRefresh <= now) {
      if (nextRefresh === now) observe(waiting(), "refresh", now);
      while (nextRefresh <= now) nextRefresh += p.refreshMinutes;
    }
    if (inBreak(now)) continue;
    // "Any doctor" tickets go to a doctor on duty, or to anyone once nobody is (queue-commands.ts).
    const onDuty = onDutyDoctors(contextOf(state, ms(now)));
    const takesAnyone = (id: number) => onDuty.length === 0 || onDuty.includes(id);
    for (const room of rooms) {
      const id = room.plan.id;
      const mayTake = (t: Ticket) => servesDoctor(t, id) && (t.doctorId !== null || takesAnyone(id));
      if (room.ticketId !== null || !waiting().some(mayTake)) continue;
      const { ticket } = run({ type: "callNext", doctorId: id, caller: STAFF }, now);
      invariant(ticket, "callNext names the ticket it called");
      for (const o of pending.get(ticket.id) ?? []) result.observations.push({ ...o, actual: now - o.at });
      pending.delete(ticket.id);
      const absent = rng.next() < p.noShow;
      room.ticketId = ticket.id;
      room.outcome = absent ? "no_show" : "done";
      room.busyUntil = now + (absent ? p.noShowWaitMinutes : rng.lognormal(room.plan.medianMinutes, p.sigma));
    }
  }
  return result;
}
