/**
 * What one turn of a day actor decides, before anything is written: each
 * job of the batch in mailbox order against the in-memory day. Reads are
 * answered from it, a keyed command already answered gets its first answer
 * again, and every other command is applied (a refusal is an answer too).
 * Nothing here is delivered: the answers wait, as closures, until the turn's
 * commit has succeeded (day-actor.ts).
 */
import type { DayCommand, DayEvent } from "../decisions/day-commands";
import { applyCommand } from "../decisions/day-commands";
import type { DayState } from "../decisions/day-state";
import { DecisionError } from "../decisions/decision";
import type { Answer, RecordedAnswer } from "../decisions/request-key";
import { keyId, priorAnswer, remembered } from "../decisions/request-key";
import { capReached, replay, resultOf, reusedKey, snapshot } from "./actor-answers";
import type { CommandJob, Job } from "./actor-types";

/** What a turn decided: the answers to deliver once it is committed, and what to commit. */
export interface TurnDecisions {
  answers: (() => void)[];
  events: DayEvent[];
  /** Answers to keyed requests, to be recorded with the commit. */
  recorded: RecordedAnswer[];
  /** Patients given a seat: the commit proves none of them went over the cap. */
  seated: Set<number>;
  /** Each booking's result ("booked", "held" or a refusal's code), for the metrics. */
  bookings: string[];
}

export interface TurnContext {
  /** Answers already given to keyed requests, by `keyId`: new ones are added as they are decided. */
  known: Map<string, RecordedAnswer>;
  /** Patients a failed commit found over the cap: their bookings are refused on the rerun. */
  overCap: Set<number>;
  maxActiveAppointments: number;
  newId: () => string;
}

export function decideTurn(live: Job[], state: DayState, now: number, ctx: TurnContext): TurnDecisions {
  const turn: TurnDecisions = { answers: [], events: [], recorded: [], seated: new Set(), bookings: [] };
  for (const job of live) {
    if (job.kind === "read") {
      try {
        const value = job.read(state, now);
        turn.answers.push(() => job.resolve(value));
      } catch (err) {
        turn.answers.push(() => job.reject(err));
      }
      continue;
    }
    const prior = job.key ? priorAnswer(ctx.known, job.key) : null;
    if (prior === "reused") {
      turn.answers.push(() => job.reject(reusedKey()));
      continue;
    }
    if (prior) {
      turn.answers.push(() => replay(job, prior));
      continue;
    }
    const decided = decideCommand(state, job.command, now, ctx, turn);
    if (job.command.type === "book") turn.bookings.push(resultOf(decided.answer));
    if (job.key && decided.answer && remembered(job.key, decided.answer)) {
      const entry: RecordedAnswer = { ...job.key, answer: decided.answer };
      ctx.known.set(keyId(entry), entry);
      turn.recorded.push(entry);
    }
    turn.answers.push(() => decided.deliver(job));
  }
  return turn;
}

/** Applies one command; a refusal is an answer too (recorded for its key), a fault is not. */
function decideCommand(
  state: DayState,
  command: DayCommand,
  now: number,
  ctx: TurnContext,
  turn: TurnDecisions,
): { answer: Answer | null; deliver(job: CommandJob): void } {
  try {
    if (command.type === "book" && ctx.overCap.has(command.patientId))
      throw capReached(ctx.maxActiveAppointments);
    const outcome = applyCommand(state, command, now, ctx.newId);
    turn.events.push(...outcome.events);
    if (command.type === "book" && outcome.appointment) turn.seated.add(command.patientId);
    const answered = { ...outcome, ...snapshot(outcome) };
    return { answer: { ok: true, outcome: snapshot(outcome) }, deliver: (job) => job.resolve(answered) };
  } catch (err) {
    const answer: Answer | null =
      err instanceof DecisionError
        ? {
            ok: false,
            error: { status: err.status, code: err.code, message: err.message, details: err.details },
          }
        : null;
    return { answer, deliver: (job) => job.reject(err) };
  }
}
