/**
 * The fixes this benchmark suggests for `places()`, measured beside it, not
 * shipped: a projected call schedule over the same queue state. Each waiting
 * ticket, in call order, goes to the eligible doctor free soonest; that doctor
 * is then busy for their pace. Options switch on one fix at a time.
 */
import { serviceMinutes } from "../../services/day/reception/service-time";
import type { QueueContext } from "../../services/day/reception/queue-timeline";
import { minutesPerPatient } from "../../services/day/reception/queue-timeline";
import type { EstimateView } from "./clinic";

export interface WhatIf {
  /** Count the time the patient in the room still needs. */
  inRoom: boolean;
  /** Pace from the (10%-trimmed) mean of samples rather than the median. */
  meanPace: boolean;
  /** Know the doctors' breaks (the engine's hours are one [first slot, last slot] span). */
  breaks: boolean;
}

export interface MinuteRange {
  start: number;
  end: number;
}

const TRIM = 0.1;

/** The total of n visits grows with the mean; the median of a right-skewed visit length undershoots it. */
function meanPace(ctx: QueueContext, doctorId: number): number {
  const samples = ctx.queue.samples.get(doctorId) ?? [];
  if (samples.length === 0) return ctx.queue.settings.defaultServiceMinutes;
  const sorted = [...samples].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * TRIM);
  const kept = sorted.slice(cut, sorted.length - cut);
  const mean = kept.reduce((sum, m) => sum + m, 0) / kept.length;
  // serviceMinutes of a constant sample set is that constant blended and clamped exactly as the engine does.
  return serviceMinutes(
    samples.map(() => mean),
    ctx.queue.settings.defaultServiceMinutes,
  );
}

/** Minutes until each waiting ticket is called, by the projected schedule. */
export function projectedWaits(view: EstimateView, opts: WhatIf): Map<string, number> {
  const { ctx, order, breaks, live } = view;
  const now = view.minute;
  const paces = new Map(
    [...ctx.hours.keys()].map((d) => [d, opts.meanPace ? meanPace(ctx, d) : minutesPerPatient(ctx, d)]),
  );
  const pace = (d: number) => paces.get(d) ?? ctx.queue.settings.defaultServiceMinutes;
  const doctors = live.length > 0 ? live : [...ctx.hours.keys()];
  const freeAt = new Map<number, number>(
    doctors.map((d) => [d, Math.max(now, ctx.hours.get(d)?.start ?? now)]),
  );
  if (opts.inRoom) {
    for (const t of ctx.queue.tickets.values()) {
      if (t.status !== "called" || t.calledBy === null || t.calledAt === null) continue;
      const p = pace(t.calledBy);
      const elapsed = (ctx.now - t.calledAt) / 60_000;
      // A visit already longer than usual is not over; a quarter of the pace is a floor for what remains.
      const left = Math.max(p - elapsed, p / 4);
      freeAt.set(t.calledBy, Math.max(freeAt.get(t.calledBy) ?? now, now + left));
    }
  }
  const startable = (m: number) =>
    opts.breaks ? breaks.reduce((at, b) => (at >= b.start && at < b.end ? b.end : at), m) : m;
  const result = new Map<string, number>();
  for (const t of order) {
    const candidates = t.doctorId !== null ? [t.doctorId] : doctors;
    let best = candidates[0];
    for (const d of candidates)
      if (startable(freeAt.get(d) ?? now) < startable(freeAt.get(best) ?? now)) best = d;
    const start = startable(freeAt.get(best) ?? now);
    result.set(t.id, Math.max(start - now, 0));
    freeAt.set(best, start + pace(best));
  }
  return result;
}
