/**
 * Why a day's commit was refused. Each says what the actor does next: a
 * superseded activation retires; the others reload the day and run the turn
 * once more (its commands were not applied).
 */
import { RetryableError } from "../../../platform/errors";

/** Another activation of this day took over: the caller should retry, and will reach the new one. */
export class FencedError extends RetryableError {
  constructor(dayKey: string) {
    super("DAY_MOVED", `Day ${dayKey} is now served by another activation; retry.`, { dayKey });
  }
}

/** Something committed to the day between this activation's load and its first commit. */
export class StaleLoadError extends RetryableError {
  constructor(dayKey: string) {
    super("DAY_CHANGED", `Day ${dayKey} changed while it was loading; retry.`, { dayKey });
  }
}

/** The hospital's calendar changed since the day was loaded (a schedule, leave or holiday edit). */
export class CalendarChangedError extends RetryableError {
  constructor(dayKey: string) {
    super("CALENDAR_CHANGED", `The calendar of day ${dayKey} changed; retry.`, { dayKey });
  }
}

/** The database broke a lock wait between this commit and another one (a deadlock): nothing was written. */
export class CommitConflictError extends RetryableError {
  constructor(dayKey: string) {
    super("COMMIT_CONFLICT", `Day ${dayKey} could not commit alongside another change; retry.`, { dayKey });
  }
}

/** These patients would hold more upcoming appointments than allowed, counting other days' commits. */
export class CapExceededError extends RetryableError {
  constructor(readonly patientIds: number[]) {
    super("TOO_MANY_APPOINTMENTS", "Too many upcoming appointments; retry.", { patientIds });
  }
}
