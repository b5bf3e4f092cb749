/**
 * One hospital-day's actor: a mailbox drained in turns. Each turn applies
 * every waiting command to the in-memory day (turn-decisions.ts), writes the
 * result in one transaction (group commit), and only then answers. A command whose caller's
 * deadline has passed is dropped unapplied; a keyed command already answered
 * gets its first answer again. A failed commit throws the in-memory day away;
 * when the failure means "your view was stale" the turn runs once more on a
 * fresh load, otherwise its callers get a retryable error.
 */
import { performance } from "node:perf_hooks";
import type { Timer } from "../../../platform/clock";
import { RetryableError } from "../../../platform/errors";
import { localMoment } from "../../../platform/time";
import type { DayCommand, DayEvent, Outcome } from "../decisions/day-commands";
import { slotTakesBookings } from "../decisions/availability";
import type { DayState } from "../decisions/day-state";
import { buildDayState } from "../decisions/day-state";
import type { RecordedAnswer } from "../decisions/request-key";
import { keyId } from "../decisions/request-key";
import { dayKeyOf } from "../day-key";
import { boardOf } from "../reception/board";
import { nextCalledDeadline } from "../reception/queue-commands";
import { DeadlineExceededError, UnknownDayError, dayBusy } from "./actor-answers";
import {
  CalendarChangedError,
  CapExceededError,
  CommitConflictError,
  FencedError,
  StaleLoadError,
} from "../store/commit-errors";
import type { Fence } from "../store/day-store";
import type { ActorDeps, Job, SendOptions } from "./actor-types";
import { PaceMeter } from "./pace";
import { decideTurn } from "./turn-decisions";

/** Commit failures after which the same commands may run again on a fresh load. */
const RERUNNABLE = [StaleLoadError, CalendarChangedError, CapExceededError, CommitConflictError];

/**
 * How old a read's proof of currency may be. A day's copy can go stale without
 * this actor knowing (another activation committed while membership was
 * settling); reads re-check the day's commit count at most this often.
 */
const READ_PROOF_MS = 500;

export class DayActor {
  private mailbox: Job[] = [];
  private draining: Promise<void> | null = null;
  private state: DayState | null = null;
  private calendarVersion = 0;
  private fence: Fence = { epoch: null, commitsSeen: null };
  /** The day's commit count as this activation last knew it (null: never committed), and when it checked. */
  private commits: number | null = null;
  private checkedAt = -Infinity;
  /** Answers given to keyed requests, by `keyId`; rebuilt with the state. */
  private answers = new Map<string, RecordedAnswer>();
  /** Appointment and ticket ids that exist as rows; the others are inserts. */
  private readonly persisted = new Set<string>();
  private deadlineTimer: Timer | null = null;
  /** Until when the availability copy last published holds (-Infinity: publish at the next turn). */
  private copyUntil = -Infinity;
  /** `seats` as last counted; null after any change to the day. */
  private seatCount: { booked: number; capacity: number } | null = null;
  lastUsed: number;
  /** What this actor's turns cost by batch size (admission control reads it). */
  readonly pace = new PaceMeter();
  /** Set once fenced out or retired: the registry forgets this actor and a new one takes the day. */
  retired = false;

  constructor(
    readonly hospitalId: number,
    readonly date: string,
    private readonly deps: ActorDeps,
    private readonly onRetire: (actor: DayActor) => void,
  ) {
    this.lastUsed = deps.clock.now();
  }

  get dayKey(): string {
    return dayKeyOf(this.hospitalId, this.date);
  }

  get busy(): boolean {
    return this.draining !== null || this.mailbox.length > 0;
  }

  /** Commands waiting for their turn. */
  get depth(): number {
    return this.mailbox.length;
  }

  /**
   * Seats taken and offered over the day's slots, as this activation knows it (null when not
   * loaded). Admission asks it thousands of times a second, so it is counted once per change.
   */
  get seats(): { booked: number; capacity: number } | null {
    if (!this.state) return null;
    if (this.seatCount) return this.seatCount;
    let booked = 0;
    let capacity = 0;
    for (const slots of this.state.slots.values()) {
      for (const slot of slots.values()) {
        capacity += slot.capacity;
        booked += slot.seats.filter((id) => id !== null).length;
      }
    }
    return (this.seatCount = { booked, capacity });
  }

  /**
   * Whether a slot takes bookings as this activation knows the day right now (null: not
   * loaded, or no such doctor). A hint for admission control, read outside the mailbox: the
   * turn that decides may see it otherwise.
   */
  takesBookings(doctorId: number, start: string): boolean | null {
    return this.state ? slotTakesBookings(this.state, this.deps.clock.now(), doctorId, start) : null;
  }

  /** Reception tickets waiting to be called, as this activation knows the day (0 when not loaded). */
  get waitingTickets(): number {
    let waiting = 0;
    for (const t of this.state?.queue.tickets.values() ?? []) if (t.status === "waiting") waiting++;
    return waiting;
  }

  send(command: DayCommand, options: SendOptions = {}): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      // A caller beyond the bound is told at once rather than left to time out in line; the
      // actor's own sweeps of lapsed holds are never turned away.
      if (command.type !== "expire" && this.mailbox.length >= (this.deps.maxMailbox ?? Infinity)) {
        reject(dayBusy());
        return;
      }
      this.enqueue({
        kind: "command",
        command,
        deadline: options.deadline ?? Infinity,
        key: options.key ?? null,
        resolve,
        reject,
      });
    });
  }

  /** A read of committed state, answered in mailbox order. */
  read<T>(read: (state: DayState, now: number) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => this.enqueue({ kind: "read", read, resolve, reject }));
  }

  /** Waits for the mailbox to empty (graceful stop). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops serving the day: the turn under way finishes, waiting callers are told to retry elsewhere. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.deadlineTimer?.cancel();
    for (const job of this.mailbox.splice(0)) job.reject(new FencedError(this.dayKey));
    this.onRetire(this);
  }

  private enqueue(job: Job): void {
    this.lastUsed = this.deps.clock.now();
    if (this.retired) {
      job.reject(new FencedError(this.dayKey));
      return;
    }
    this.mailbox.push(job);
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.mailbox.length > 0) {
        const batch = this.mailbox.splice(0, this.deps.maxBatch);
        // A turn that first loads the day costs the load too, once: it would skew the pace.
        const warm = this.state !== null;
        const began = performance.now();
        const committed = await this.turn(batch);
        if (warm) this.pace.record(batch.length, performance.now() - began, committed);
      }
    } finally {
      // In the same tick as the last look at the mailbox: a job enqueued after it starts a new drain.
      // (Cleared in a `.finally` callback instead, a job enqueued in the ticks between was stranded.)
      this.draining = null;
    }
  }

  /** Runs one turn; answers whether it wrote (or tried to write) a commit. */
  private async turn(batch: Job[], rerun = false, overCap = new Set<number>()): Promise<boolean> {
    let state: DayState;
    try {
      if (batch.some((job) => job.kind === "read")) await this.proveCurrent();
      state = await this.loaded();
    } catch (err) {
      for (const job of batch) job.reject(err);
      return false;
    }
    const now = this.deps.clock.now();
    const live = batch.filter((job) => job.kind === "read" || job.deadline > now);
    for (const job of batch) if (!live.includes(job)) job.reject(new DeadlineExceededError());

    const { answers, events, recorded, seated, bookings } = decideTurn(live, state, now, {
      known: this.answers,
      overCap,
      maxActiveAppointments: this.deps.maxActiveAppointments,
      newId: this.deps.newId,
    });
    let commitSeconds: number | null = null;
    const writes = events.length > 0 || recorded.length > 0;
    if (events.length > 0) this.seatCount = null;
    if (writes) {
      const began = performance.now();
      try {
        await this.commit(state, events, recorded, [...seated], now);
        commitSeconds = (performance.now() - began) / 1000;
      } catch (err) {
        this.forget(err);
        if (!rerun && RERUNNABLE.some((kind) => err instanceof kind)) {
          const over = err instanceof CapExceededError ? err.patientIds : [];
          return this.turn(live, true, new Set([...overCap, ...over]));
        }
        const retryable =
          err instanceof RetryableError
            ? err
            : new RetryableError("COMMIT_FAILED", "The change could not be saved; retry.");
        for (const job of live) job.reject(retryable);
        bookings.forEach(() => this.deps.observer?.booking("failed"));
        return true;
      }
    }
    for (const answer of answers) answer();
    if (events.length > 0 || now >= this.copyUntil) this.publishAvailability(state, now);
    this.deps.observer?.turn(live.length, commitSeconds);
    for (const result of bookings) this.deps.observer?.booking(result);
    if (events.some((e) => e.type === "appointment.held" || e.type === "queue.ticket.called"))
      this.scheduleDeadline();
    return writes;
  }

  private async loaded(): Promise<DayState> {
    if (this.state) return this.state;
    const day = await this.deps.store.load(this.hospitalId, this.date, this.dayKey);
    if (!day) {
      this.retire();
      throw new UnknownDayError(this.hospitalId);
    }
    // Reading takes no epoch: the first commit does, and only if nothing committed since this load.
    // An activation reloading after a failed commit keeps its epoch: the fence says if it still may.
    if (this.fence.epoch === null) this.fence = { epoch: null, commitsSeen: day.commitsSeen };
    this.commits = day.commitsSeen;
    this.checkedAt = this.deps.clock.now();
    this.calendarVersion = day.calendarVersion;
    this.copyUntil = -Infinity;
    this.seatCount = null;
    this.answers = new Map(day.answers.map((a) => [keyId(a), a]));
    this.persisted.clear();
    for (const a of day.appointments) this.persisted.add(a.id);
    for (const t of day.queue.tickets.values()) this.persisted.add(t.id);
    this.state = buildDayState(
      this.hospitalId,
      this.date,
      day.calendar,
      day.doctors,
      day.appointments,
      day.queue,
    );
    this.scheduleDeadline();
    return this.state;
  }

  private async commit(
    state: DayState,
    events: DayEvent[],
    answers: RecordedAnswer[],
    seated: number[],
    now: number,
  ): Promise<void> {
    const samples = new Map<number, number[]>();
    for (const e of events) {
      const doctorId = e.type === "queue.ticket.done" ? e.ticket?.calledBy : undefined;
      if (doctorId != null) samples.set(doctorId, state.queue.samples.get(doctorId) ?? []);
    }
    // Anyone watching the queue gets the board as it stands after this turn.
    const board: DayEvent[] = events.some((e) => e.ticket)
      ? [{ type: "queue.board.updated", board: boardOf(state, now) }]
      : [];
    const { epoch, records } = await this.deps.store.commit({
      dayKey: this.dayKey,
      hospitalId: this.hospitalId,
      fence: this.fence,
      calendarVersion: this.calendarVersion,
      events: [...events, ...board],
      isNew: (id) => !this.persisted.has(id),
      samples,
      answers,
      cap: {
        patientIds: seated,
        max: this.deps.maxActiveAppointments,
        today: localMoment(new Date(now), state.calendar.timeZone).date,
      },
      newId: this.deps.newId,
      now,
    });
    this.fence = { epoch, commitsSeen: null };
    this.commits = (this.commits ?? 0) + 1;
    this.checkedAt = now;
    for (const e of events) this.persisted.add((e.appointment ?? e.ticket)?.id ?? "");
    this.deps.relay.committed(records);
  }

  private publishAvailability(state: DayState, now: number): void {
    const publisher = this.deps.availability;
    const day = { hospitalId: this.hospitalId, date: this.date, calendarVersion: this.calendarVersion };
    this.copyUntil = publisher
      ? publisher.publish({ ...day, version: this.commits ?? 0 }, state, now)
      : Infinity;
  }

  /**
   * Before answering reads from memory: if the proof is old, compare the day's
   * commit count with ours; someone else committed means our copy is stale, so
   * it is dropped (and the epoch with it) and the day reloaded.
   */
  private async proveCurrent(): Promise<void> {
    if (!this.state || this.deps.clock.now() - this.checkedAt < READ_PROOF_MS) return;
    const commits = await this.deps.store.commitsOf(this.dayKey);
    this.checkedAt = this.deps.clock.now();
    if (commits === this.commits) return;
    this.state = null;
    this.fence = { epoch: null, commitsSeen: null };
  }

  /** Drops the in-memory day after a failed commit; fenced out means another activation owns it now. */
  private forget(err: unknown): void {
    this.state = null;
    if (err instanceof FencedError) this.retire();
  }

  /**
   * Lapsed holds free their seats and unanswered calls become no-shows on
   * their own: a timer sends `expire` at the earliest such deadline.
   */
  private scheduleDeadline(): void {
    if (!this.state || this.retired) return;
    let earliest = nextCalledDeadline(this.state);
    for (const a of this.state.appointments.values()) {
      if (a.status === "pending" && a.holdExpiresAt !== null && a.holdExpiresAt < earliest)
        earliest = a.holdExpiresAt;
    }
    this.deadlineTimer?.cancel();
    this.deadlineTimer = null;
    if (earliest === Infinity) return;
    this.deadlineTimer = this.deps.clock.after(earliest - this.deps.clock.now() + 5, () => {
      this.deadlineTimer = null;
      this.send({ type: "expire" }).then(
        () => this.scheduleDeadline(),
        () => undefined,
      );
    });
  }
}
