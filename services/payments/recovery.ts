/**
 * Crash recovery of the deposit saga. An order left in "confirming" is an
 * attempt whose node died or whose gateway answer was lost: once no live
 * request can still be making it, the gateway's record of its paymentKey
 * decides (./recovery-rules.ts). A "pending" order whose hold lapsed while
 * its expiry event was lost is closed too. The sweep runs at start and then
 * every `everyMs` on the node's clock; any node may run it, since every step
 * moves the order with a conditional update.
 */
import type { Clock, Timer } from "../../platform/clock";
import { GatewayUnavailableError } from "./gateways";
import type { Payment } from "./payment-store";
import { answerOf, holdOf, nextStep } from "./recovery-rules";
import type { GatewayAnswer, RecoveryStep } from "./recovery-rules";
import type { Call, Saga } from "./saga";

const PAGE = 100;

/** What the gateway holds under the order's paymentKey; unreachable is "unknown", never "not charged". */
async function ask(saga: Saga, p: Payment): Promise<GatewayAnswer> {
  if (!p.paymentKey) return "not-charged";
  try {
    return answerOf(await saga.gateway().get(p.paymentKey), p.orderId);
  } catch (err) {
    if (err instanceof GatewayUnavailableError) return "unknown";
    throw err;
  }
}

/** Takes order `p` one step towards an end, if it is stuck; answers the step taken. */
export async function recoverOrder(
  saga: Saga,
  call: Call,
  p: Payment,
  staleMs: number,
): Promise<RecoveryStep> {
  if (p.status !== "pending" && p.status !== "confirming") return "none";
  const a = await saga.appointment(call, p.appointmentId);
  const now = saga.now();
  const stale = p.status === "confirming" && p.updatedAt <= now - staleMs;
  const answer = stale ? await ask(saga, p) : null;
  const step = nextStep(p.status, stale, answer, holdOf(a, now));
  switch (step) {
    case "finish":
      await saga.finish(call, p, a);
      break;
    case "refund":
      await saga.refund(call, p, {
        amount: p.amount,
        reason: "hold expired",
        from: ["confirming"],
        alreadyCancelled: answer === "refunded",
        seat: a,
      });
      break;
    case "reopen":
      await saga.reopen(p);
      break;
    case "expire":
      await saga.expire(call, p, a, [p.status]);
      break;
    case "wait":
    case "none":
      break;
  }
  return step;
}

export type Tally = Record<RecoveryStep | "failed", number>;

export class Recovery {
  private timer: Timer | null = null;
  private running: Promise<Tally> | null = null;
  private stopped = false;

  constructor(
    private readonly saga: Saga,
    private readonly options: {
      call: Call;
      clock: Clock;
      everyMs: number;
      staleMs: number;
      holdTtlMs: number;
      logger: { warn(message: string, err?: unknown): void };
    },
  ) {}

  /** Sweeps now, then every `everyMs` after the previous sweep ended. */
  start(): void {
    if (this.stopped || this.timer) return;
    const tick = () => {
      void this.sweep()
        .catch((err: unknown) => this.options.logger.warn("Payment recovery sweep failed", err))
        .finally(() => {
          if (!this.stopped) this.timer = this.options.clock.after(this.options.everyMs, tick);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One sweep; a call during a sweep joins it. */
  sweep(): Promise<Tally> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** A sweep that starts after every change made so far (one already running may have read past them). */
  async sweepNow(): Promise<Tally> {
    await this.running?.catch(() => undefined);
    return this.sweep();
  }

  private async run(): Promise<Tally> {
    const tally: Tally = { finish: 0, refund: 0, reopen: 0, expire: 0, wait: 0, none: 0, failed: 0 };
    const now = this.saga.now();
    const query = {
      confirmingBefore: now - this.options.staleMs,
      pendingBefore: now - this.options.holdTtlMs,
      limit: PAGE,
    };
    let after: { createdAt: number; orderId: string } | null = null;
    for (;;) {
      const page = await this.saga.store.stuck(query, after);
      for (const p of page) {
        try {
          tally[await recoverOrder(this.saga, this.options.call, p, this.options.staleMs)]++;
        } catch (err) {
          // One order's trouble (day or gateway down) must not stop the others; the next sweep retries it.
          tally.failed++;
          this.options.logger.warn(`Payment recovery of ${p.orderId} failed`, err);
        }
      }
      if (page.length < PAGE) return tally;
      const last = page[page.length - 1];
      after = { createdAt: last.createdAt, orderId: last.orderId };
    }
  }
}
