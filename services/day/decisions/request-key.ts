/**
 * Keyed requests (`Idempotency-Key`, or the request id for internal retries):
 * the first answer a day gave to a key is the answer every retry gets. Pure.
 */
import type { Appointment } from "./day-state";
import type { Ticket } from "../reception/queue-state";

export interface RequestKey {
  accountId: number;
  key: string;
  /** Hash of what was asked; the same key with another hash is a different request. */
  hash: string;
  /**
   * Made from the request id for the broker's own retries, not sent by a client: only an answer
   * that changed the day is remembered. A refusal changed nothing, so a retry may be decided
   * afresh; remembering it cost a database write and a map entry for every refused booking of an
   * open run (thousands a second, each answered 409 SLOT_FULL).
   */
  forRetries?: true;
}

/** Whether an answer given under `key` is recorded (in memory and in the day's commit). */
export const remembered = (key: RequestKey, answer: Answer): boolean => answer.ok || !key.forRetries;

/** An answer as recorded: the outcome of an applied command, or the refusal. */
export type Answer =
  | { ok: true; outcome: { appointment?: Appointment; ticket?: Ticket } }
  | { ok: false; error: { status: number; code: string; message: string; details: Record<string, unknown> } };

export interface RecordedAnswer extends RequestKey {
  answer: Answer;
}

export const keyId = (k: Pick<RequestKey, "accountId" | "key">): string => `${k.accountId}:${k.key}`;

/** The answer a keyed command gets before running: a replay, "reused" for another body, or null (run it). */
export function priorAnswer(
  answers: ReadonlyMap<string, RecordedAnswer>,
  k: RequestKey,
): Answer | "reused" | null {
  const prior = answers.get(keyId(k));
  if (!prior) return null;
  return prior.hash === k.hash ? prior.answer : "reused";
}
