/**
 * The two contracts: `OutboxRelay`, what producers and the owning service use,
 * and `OutboxTransport`, what a relay publishes through: one key's messages, in
 * order. Claiming, ordering, retries and pruning are the relay's
 * (../claiming-relay.ts), so a new transport (Kafka, …) is one small file
 * registered in ./index.ts.
 */
import { Errors } from "moleculer";
import type { ServiceBroker } from "moleculer";
import type { OutboxMessage, OutboxRecord } from "../outbox";

/** What producers and the service that owns the relay see. */
export interface OutboxRelay {
  /** Called by a producer right after its commit: publish soon, not at the next sweep. */
  committed(records: readonly OutboxRecord[]): void;
  /** One round of catching up (rows of crashed nodes, retries due) and pruning; returns rows published. */
  sweep(): Promise<number>;
  /** Resolves once the work started so far has finished (failed rows stay for their retry). */
  drain(): Promise<void>;
  /** Connects the transport and starts the periodic sweep. */
  start(): Promise<void>;
  /** Stops the sweep, drains and disconnects. */
  stop(): Promise<void>;
}
/** How a relay gets messages out: the Moleculer bus today, Kafka later. */
export interface OutboxTransport {
  /**
   * Publishes messages of one key, in the order given. Rejecting means none is
   * known to be published, unless the error is an `OutboxPublishError` that
   * says how many were.
   */
  publish(messages: readonly OutboxMessage[]): Promise<void>;
  /** Connects, if the transport needs to; called by the relay's `start()`. */
  start?(): Promise<void>;
  /** Disconnects; called by the relay's `stop()` after draining. */
  stop?(): Promise<void>;
}

/** What a transport is built from: the node's broker and its own settings from configuration. */
export interface TransportContext {
  broker: ServiceBroker;
  settings: Readonly<Record<string, unknown>>;
}

export type TransportFactory = (context: TransportContext) => OutboxTransport;

/** The first `published` messages went out; the next one failed with `failure`. */
export class OutboxPublishError extends Errors.MoleculerRetryableError {
  constructor(
    readonly published: number,
    readonly failure: unknown,
  ) {
    super(
      `Outbox publish failed after ${published} message(s): ${errorText(failure)}`,
      500,
      "OUTBOX_PUBLISH_FAILED",
      { published },
    );
  }
}

/** An error's message, or whatever else was thrown, as text for `last_error` and logs. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : (JSON.stringify(err) ?? "unknown error");
}
