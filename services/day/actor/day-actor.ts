/**
 * One hospital-day's actor: a mailbox drained in turns. Each turn applies
 * every waiting command to the in-memory day, writes the result in one
 * transaction (group commit), and only then answers. A failed commit throws
 * the in-memory day away; the next turn reloads it from the database.
 */
import { RetryableError } from "../../../platform/errors";
import type { OutboxRelay } from "../../outbox/outbox-relay";
import type { DayCommand, DayEvent, Outcome } from "../decisions/day-commands";
import { applyCommand } from "../decisions/day-commands";
import { DecisionError } from "../decisions/decision";
import { boardOf } from "../reception/board";
import { nextCalledDeadline } from "../reception/queue-commands";
import type { DayState } from "../decisions/day-state";
import { buildDayState } from "../decisions/day-state";
import type { DayStore } from "../store/day-store";
import { FencedError } from "../store/day-store";
import { dayKeyOf } from "../day-key";

export interface ActorDeps {
  store: DayStore;
  relay: OutboxRelay;
  now: () => number;
  newId: () => string;
  /** Most commands one turn takes from the mailbox. */
  maxBatch: number;
}

type Job =
  | { kind: "command"; command: DayCommand; resolve(o: Outcome): void; reject(e: unknown): void }
  | {
      kind: "read";
      read(state: DayState, now: number): unknown;
      resolve(v: unknown): void;
      reject(e: unknown): void;
    };

/** The day is unknown (no such hospital): answered to every caller. */
export class UnknownDayError extends DecisionError {
  constructor(hospitalId: number) {
    super(404, "NOT_FOUND", `Hospital ${hospitalId} was not found.`);
  }
}

export class DayActor {
  private readonly mailbox: Job[] = [];
  private draining: Promise<void> | null = null;
  private state: DayState | null = null;
  private epoch = 0;
  /** Appointment ids that exist as rows; the others are inserts. */
  private readonly persisted = new Set<string>();
  private deadlineTimer: NodeJS.Timeout | null = null;
  lastUsed: number;
  /** Set once fenced out or retired: the registry forgets this actor and a new one takes the day. */
  retired = false;

  constructor(
    readonly hospitalId: number,
    readonly date: string,
    private readonly deps: ActorDeps,
    private readonly onRetire: (actor: DayActor) => void,
  ) {
    this.lastUsed = deps.now();
  }

  get dayKey(): string {
    return dayKeyOf(this.hospitalId, this.date);
  }

  get busy(): boolean {
    return this.draining !== null || this.mailbox.length > 0;
  }

  send(command: DayCommand): Promise<Outcome> {
    return new Promise((resolve, reject) => this.enqueue({ kind: "command", command, resolve, reject }));
  }

  /** A read of committed state, answered in mailbox order. */
  read<T>(read: (state: DayState, now: number) => T): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.enqueue({ kind: "read", read, resolve: resolve, reject }),
    );
  }

  /** Waits for the mailbox to empty (graceful stop). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.onRetire(this);
  }

  private enqueue(job: Job): void {
    this.lastUsed = this.deps.now();
    if (this.retired) {
      job.reject(new FencedError(this.dayKey));
      return;
    }
    this.mailbox.push(job);
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  private async drain(): Promise<void> {
    while (this.mailbox.length > 0) {
      const batch = this.mailbox.splice(0, this.deps.maxBatch);
      await this.turn(batch);
    }
  }

  private async turn(batch: Job[]): Promise<void> {
    let state: DayState;
    try {
      state = await this.loaded();
    } catch (err) {
      for (const job of batch) job.reject(err);
      return;
    }
    const now = this.deps.now();
    const answers: (() => void)[] = [];
    const events: DayEvent[] = [];
    for (const job of batch) {
      try {
        if (job.kind === "read") {
          const value = job.read(state, now);
          answers.push(() => job.resolve(value));
        } else {
          const outcome = applyCommand(state, job.command, now, this.deps.newId);
          events.push(...outcome.events);
          const answer = outcome.appointment
            ? { ...outcome, appointment: { ...outcome.appointment } }
            : outcome;
          answers.push(() => job.resolve(answer));
        }
      } catch (err) {
        answers.push(() => job.reject(err));
      }
    }
    if (events.length > 0) {
      try {
        await this.commit(state, events, now);
      } catch (err) {
        this.forget(err);
        const retryable =
          err instanceof RetryableError
            ? err
            : new RetryableError("COMMIT_FAILED", "The booking could not be saved; retry.");
        for (const job of batch) job.reject(retryable);
        return;
      }
    }
    for (const answer of answers) answer();
    if (events.some((e) => e.type === "appointment.held" || e.type === "queue.ticket.called"))
      this.scheduleDeadline();
  }

  private async loaded(): Promise<DayState> {
    if (this.state) return this.state;
    this.epoch = await this.deps.store.activate(this.dayKey);
    const day = await this.deps.store.load(this.hospitalId, this.date);
    if (!day) {
      this.retire();
      throw new UnknownDayError(this.hospitalId);
    }
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

  private async commit(state: DayState, events: DayEvent[], now: number): Promise<void> {
    const samples = new Map<number, number[]>();
    for (const e of events) {
      const doctorId = e.type === "queue.ticket.done" ? e.ticket?.calledBy : undefined;
      if (doctorId != null) samples.set(doctorId, state.queue.samples.get(doctorId) ?? []);
    }
    // Anyone watching the queue gets the board as it stands after this turn.
    const board: DayEvent[] = events.some((e) => e.ticket)
      ? [{ type: "queue.board.updated", board: boardOf(state, now) }]
      : [];
    const records = await this.deps.store.commit({
      dayKey: this.dayKey,
      epoch: this.epoch,
      events: [...events, ...board],
      isNew: (id) => !this.persisted.has(id),
      samples,
      newId: this.deps.newId,
      now,
    });
    for (const e of events) this.persisted.add((e.appointment ?? e.ticket)?.id ?? "");
    this.deps.relay.committed(records);
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
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (earliest === Infinity) return;
    const delay = Math.max(0, earliest - this.deps.now()) + 5;
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = null;
        this.send({ type: "expire" }).then(
          () => this.scheduleDeadline(),
          () => undefined,
        );
      },
      Math.min(delay, 2 ** 31 - 1),
    );
    this.deadlineTimer.unref();
  }
}
