/**
 * What each day's actor said lately: its load, and for each slot asked about
 * whether it still took bookings, each with when. In an open run thousands of
 * bookings a second reach one day; for a short while they are decided on what
 * the actor said a moment ago (see `passesOn` in admission-rules.ts) instead
 * of each asking `day.pressure` again.
 */
import type { Load } from "./admission-rules";
import type { Slot } from "./ticket";

/** Days remembered at most; beyond this all are forgotten (it is only a shortcut). */
const MAX_DAYS = 10_000;

interface Said {
  at: number;
  load: Load;
  /** "doctorId start" → whether it took bookings, and when that was said. */
  slots: Map<string, { at: number; open: boolean }>;
}

const slotKey = (slot: Slot) => `${slot.doctorId} ${slot.start}`;

export class RecentPressure {
  private readonly days = new Map<string, Said>();

  constructor(private readonly reuseMs: number) {}

  /** Keeps an answer of the actor, given at `at` (about `slot`, if one was asked). */
  note(dayKey: string, at: number, answer: Load & { slotOpen?: boolean }, slot?: Slot): void {
    const { slotOpen: _slotOpen, ...load } = answer;
    if (!this.days.has(dayKey) && this.days.size >= MAX_DAYS) this.days.clear();
    const slots = this.days.get(dayKey)?.slots ?? new Map<string, { at: number; open: boolean }>();
    if (slot && answer.slotOpen !== undefined) slots.set(slotKey(slot), { at, open: answer.slotOpen });
    this.days.set(dayKey, { at, load, slots });
  }

  /** The day's load, if the actor told it within the reuse window before `now`. */
  load(dayKey: string, now: number): Load | null {
    const said = this.days.get(dayKey);
    return said && now - said.at < this.reuseMs ? said.load : null;
  }

  /** Whether the actor said, within the window, that `slot` takes no bookings. */
  full(dayKey: string, slot: Slot, now: number): boolean {
    const seen = this.days.get(dayKey)?.slots.get(slotKey(slot));
    return seen !== undefined && now - seen.at < this.reuseMs && !seen.open;
  }

  clear(): void {
    this.days.clear();
  }
}
