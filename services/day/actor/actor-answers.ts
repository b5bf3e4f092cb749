/**
 * What a day actor answers besides outcomes: the errors it gives, and the
 * small rules for recording, replaying and counting answers. Pure.
 */
import { RetryableError } from "../../../platform/errors";
import type { Outcome } from "../decisions/day-commands";
import { DecisionError } from "../decisions/decision";
import type { Answer } from "../decisions/request-key";

/** The day is unknown (no such hospital): answered to every caller. */
export class UnknownDayError extends DecisionError {
  constructor(hospitalId: number) {
    super(404, "NOT_FOUND", `Hospital ${hospitalId} was not found.`);
  }
}

/** The caller stopped waiting before the command's turn: it was not applied. */
export class DeadlineExceededError extends RetryableError {
  constructor() {
    super(
      "DEADLINE_EXCEEDED",
      "The request's deadline passed before the day could take it; it was not applied.",
    );
  }
}

/** More callers wait for this day than its mailbox holds: nothing was applied, ask again shortly. */
export const dayBusy = (): RetryableError =>
  new RetryableError(
    "DAY_BUSY",
    "This day has more requests waiting than it can answer in time; nothing was changed, retry shortly.",
  );

/** How a booking's answer is counted: its appointment's status, or the refusal's code. */
export function resultOf(answer: Answer | null): string {
  if (!answer) return "failed";
  return answer.ok ? (answer.outcome.appointment?.status ?? "booked") : answer.error.code;
}

/** The first answer to a key, given again. */
export function replay(job: { resolve(o: Outcome): void; reject(e: unknown): void }, answer: Answer): void {
  if (answer.ok) return job.resolve({ ...answer.outcome, events: [] });
  const e = answer.error;
  job.reject(new DecisionError(e.status, e.code, e.message, e.details));
}

/** Copies what an answer carries, so later turns changing the day in place do not change it. */
export function snapshot(outcome: Outcome): {
  appointment?: Outcome["appointment"];
  ticket?: Outcome["ticket"];
} {
  return {
    ...(outcome.appointment ? { appointment: { ...outcome.appointment } } : {}),
    ...(outcome.ticket ? { ticket: { ...outcome.ticket } } : {}),
  };
}

export const reusedKey = () =>
  new DecisionError(
    422,
    "IDEMPOTENCY_KEY_REUSED",
    "This Idempotency-Key was already used for a different request.",
  );

export const capReached = (cap: number) =>
  new DecisionError(
    422,
    "TOO_MANY_APPOINTMENTS",
    `A patient may hold at most ${cap} upcoming appointments.`,
    {
      cap,
    },
  );
