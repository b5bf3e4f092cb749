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
}

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
