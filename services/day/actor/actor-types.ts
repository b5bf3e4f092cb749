/** The shapes a day actor works with: what it is built from, how it is told things, and its mailbox jobs. */
import type { Clock } from "../../../platform/clock";
import type { OutboxRelay } from "../../outbox/relays/transport";
import type { DayCommand, Outcome } from "../decisions/day-commands";
import type { DayState } from "../decisions/day-state";
import type { RequestKey } from "../decisions/request-key";
import type { DayStore } from "../store/day-store";

export interface ActorDeps {
  store: DayStore;
  relay: OutboxRelay;
  clock: Clock;
  newId: () => string;
  /** Most commands one turn takes from the mailbox. */
  maxBatch: number;
  /** Most callers' commands waiting at once; beyond it they are refused at once (503 DAY_BUSY). Unbounded when absent. */
  maxMailbox?: number;
  /** Most upcoming appointments one patient may hold, across all days. */
  maxActiveAppointments: number;
  /** Told what each turn did, for the metrics; optional. */
  observer?: ActorObserver;
  /** Shown the day's availability after each commit and once its last copy runs out; optional. */
  availability?: AvailabilityPublisher;
}

/** The day an availability copy is made of: the commit count and calendar it reflects. */
export interface PublishedDay {
  hospitalId: number;
  date: string;
  version: number;
  calendarVersion: number;
}

export interface AvailabilityPublisher {
  /** Publishes the day as it stands at `now`; answers until when that copy holds. */
  publish(day: PublishedDay, state: DayState, now: number): number;
}

/** What an actor reports about its work (the day service turns it into metrics). */
export interface ActorObserver {
  /** A turn committed: how many commands it took, and how long its commit took (null: nothing to write). */
  turn(commands: number, commitSeconds: number | null): void;
  /** A booking was answered: "booked", "held", the refusal's code, or "failed" (not saved). */
  booking(result: string): void;
}

/** How a command is sent: when its caller stops waiting, and the key that makes a retry safe. */
export interface SendOptions {
  deadline?: number;
  key?: RequestKey | null;
}

export type CommandJob = {
  kind: "command";
  command: DayCommand;
  deadline: number;
  key: RequestKey | null;
  resolve(o: Outcome): void;
  reject(e: unknown): void;
};
export type ReadJob = {
  kind: "read";
  read(state: DayState, now: number): unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
};
export type Job = CommandJob | ReadJob;
