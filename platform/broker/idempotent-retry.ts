/**
 * Which failed calls the broker may send again. A retryable error is retried,
 * except the ambiguous ones: a request that timed out or was dropped with its
 * node may already have taken effect, so it is re-sent only to an action
 * declared `idempotent: true` in its schema (reads, PUT-like writes, commands
 * that carry an idempotency key).
 */
import type { ActionSchema, Middleware, ServiceBroker } from "moleculer";

declare module "moleculer" {
  // Declaration merging: `idempotent` is ours, carried in the action schema to every node's registry.
  interface ActionSchema {
    /** Re-sending this action after a timeout or a lost node changes nothing more than the first call. */
    idempotent?: boolean;
  }
}

/** Moleculer's "maybe it happened" errors: RequestTimeoutError and RequestRejectedError. */
const AMBIGUOUS = new Set(["REQUEST_TIMEOUT", "REQUEST_REJECTED"]);

/** Set on an error as it leaves a call, naming the action this node called (never serialised). */
const CALLED = Symbol("calledAction");

interface RetryCandidate {
  retryable?: boolean;
  type?: string;
  data?: { action?: unknown };
  [CALLED]?: string;
}

export interface IdempotentRetry {
  /** Registers first, so it wraps each call inside Moleculer's own Timeout and Retry. */
  middleware: Middleware;
  /** For `retryPolicy.check`. */
  check(this: void, err: Error): boolean;
}

export function idempotentRetry(): IdempotentRetry {
  let broker: ServiceBroker | null = null;
  /** Remembered per name: the flag is still known while no node hosts the action. */
  const known = new Map<string, boolean>();

  const isIdempotent = (action: string): boolean => {
    const endpoints = broker?.registry.getActionEndpoints(action) as
      { endpoints?: { action?: ActionSchema }[] } | undefined;
    const def = endpoints?.endpoints?.find((e) => e.action)?.action;
    if (def) known.set(action, def.idempotent === true);
    return known.get(action) ?? false;
  };

  // An error that crossed a node still names the innermost action that timed out (`data.action`),
  // not the one this node called: the tag says which action a retry here would re-send.
  const tagWith = (next: (ctx: unknown) => Promise<unknown>, action: ActionSchema) =>
    function tagCalledAction(ctx: unknown): Promise<unknown> {
      return next(ctx).catch((err: unknown) => {
        if (err && typeof err === "object" && action.name) (err as RetryCandidate)[CALLED] = action.name;
        throw err;
      });
    };

  return {
    middleware: {
      name: "IdempotentRetry",
      created(b: ServiceBroker) {
        broker = b;
      },
      localAction: tagWith as Middleware["localAction"],
      remoteAction: tagWith as Middleware["remoteAction"],
    },
    check(this: void, err: Error): boolean {
      // Errors that crossed the transporter arrive as plain MoleculerErrors carrying the flag.
      const e = err as RetryCandidate;
      if (e.retryable !== true) return false;
      if (!AMBIGUOUS.has(e.type ?? "")) return true;
      // Without a tag the error was made by this node's Timeout middleware for the call it wraps.
      const action = e[CALLED] ?? (typeof e.data?.action === "string" ? e.data.action : undefined);
      return action !== undefined && isIdempotent(action);
    },
  };
}
