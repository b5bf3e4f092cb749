/**
 * The deposit saga's steps, shared by a patient's confirm and the recovery
 * sweep. The order's persisted status is the saga's state: each step first
 * does its idempotent side effects (seat, coupon, gateway refund), then moves
 * the order with a conditional update, in one transaction with its outbox
 * event. A crash between the two leaves the order where it was, so the sweep
 * repeats the step, and the repeated side effects change nothing.
 */
import type { Sequelize, Transaction } from "sequelize";
import { ClientError, invariant } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { localMoment } from "../../platform/time";
import { dayKeyOf } from "../day/day-key";
import type { Appointment } from "../day/decisions/day-state";
import { appendToOutbox } from "../outbox/outbox";
import type { OutboxRecord } from "../outbox/outbox";
import type { PaymentGateway } from "./gateways";
import { pgFee } from "./payment-rules";
import type { Payment, PaymentStatus, PaymentStore } from "./payment-store";
import { holdOf } from "./recovery-rules";

/** `ctx.call` or `broker.call`: the sweep has no request context. */
export type Call = (action: string, params: object) => Promise<unknown>;

/** `hre_payments_total{result}`: every value this label takes. */
export type PaymentResult = "paid" | "declined" | "expired" | "refunded" | "error";

export interface SagaDeps {
  sequelize: Sequelize;
  store: PaymentStore;
  gateway: () => PaymentGateway;
  now: () => number;
  pgFeePercent: number;
  /** Hands outbox rows written by a step to the relay, after their commit. */
  committed: (records: readonly OutboxRecord[]) => void;
  count: (result: PaymentResult) => void;
}

/** Statuses whose reaching is an event others care about (topic `payment-events`, key orderId). */
const EVENT_OF: Partial<Record<PaymentStatus, PaymentResult>> = {
  paid: "paid",
  declined: "declined",
  expired: "expired",
  refunded: "refunded",
};

/** A coupon move that the coupon's state makes moot (already released, used or re-held) is not an error here. */
const unlessClientError = (err: unknown) => {
  if (!(err instanceof ClientError)) throw err;
};

export type Saga = ReturnType<typeof createSaga>;

export function createSaga(deps: SagaDeps) {
  const { store, now } = deps;

  /**
   * Moves the order `from` → `to` with `fields`, writing its event (and `within`) in the same
   * transaction; answers whether this call moved it (false: another node or request did).
   */
  async function transition(
    p: Payment,
    from: PaymentStatus[],
    to: PaymentStatus,
    fields: Parameters<PaymentStore["move"]>[4] = {},
    within?: (t: Transaction) => Promise<void>,
  ): Promise<boolean> {
    let records: OutboxRecord[] = [];
    const at = now();
    const moved = await deps.sequelize.transaction(async (t) => {
      if (!(await store.move(p.orderId, from, to, at, fields, t))) return false;
      await within?.(t);
      const result = EVENT_OF[to];
      if (result)
        records = await appendToOutbox(deps.sequelize, t, [
          {
            eventId: uuidv7(at),
            key: p.orderId,
            type: `payment.${result}`,
            payload: {
              orderId: p.orderId,
              appointmentId: p.appointmentId,
              hospitalId: p.hospitalId,
              accountId: p.accountId,
              amount: p.amount,
              paymentKey: fields.paymentKey ?? p.paymentKey,
              status: to,
            },
            createdAt: at,
          },
        ]);
      return true;
    });
    if (moved) {
      deps.committed(records);
      const result = EVENT_OF[to];
      if (result) deps.count(result);
    }
    return moved;
  }

  const appointment = (call: Call, id: string) => call("day.appointment", { id }) as Promise<Appointment>;

  async function localDate(call: Call, hospitalId: number): Promise<string> {
    const { timeZone } = (await call("hospitals.timeZone", { hospitalId })) as { timeZone: string };
    return localMoment(new Date(now()), timeZone).date;
  }

  /** Gives the seat (if still held) and the coupon back after a payment that will not happen. */
  async function release(call: Call, p: Payment, a: Appointment | null): Promise<void> {
    if (a?.status === "pending") {
      await call("day.cancel", {
        dayKey: dayKeyOf(a.hospitalId, a.date),
        appointmentId: a.id,
        caller: { accountId: a.accountId, role: "patient", hospitalId: null },
      }).catch(unlessClientError); // lapsed meanwhile: the day expired it already
    }
    if (p.coupon)
      await call("coupons.release", { ...p.coupon, accountId: p.accountId }).catch(unlessClientError);
  }

  /** The hold lapsed (or the booking was cancelled) before a payment: seat and coupon back, order expired. */
  async function expire(call: Call, p: Payment, a: Appointment | null, from: PaymentStatus[]) {
    await release(call, p, a);
    return transition(p, from, "expired");
  }

  /** The gateway said no: nothing was charged; seat and coupon back. */
  async function decline(call: Call, p: Payment, a: Appointment) {
    await release(call, p, a);
    return transition(p, ["confirming"], "declined");
  }

  /**
   * Gives money back and records it: a paid booking cancelled (`from` paid,
   * `amount` by the policy), or a charge whose hold lapsed (`from` confirming,
   * all of it, and `seat` and coupon are released before the order moves, so a
   * crash in between is repeated, not lost). `alreadyCancelled`: the gateway
   * shows the refund made already.
   */
  async function refund(
    call: Call,
    p: Payment,
    r: {
      amount: number;
      reason: string;
      from: PaymentStatus[];
      alreadyCancelled?: boolean;
      seat?: Appointment;
    },
  ) {
    invariant(p.paymentKey, `order ${p.orderId} has no payment to refund`);
    // The same idempotency key every time: a repeated step is the same refund, never a second one.
    if (r.amount > 0 && !r.alreadyCancelled)
      await deps
        .gateway()
        .cancel(p.paymentKey, { cancelReason: r.reason, cancelAmount: r.amount }, `refund-${p.orderId}`);
    if (r.seat) await release(call, p, r.seat);
    const settleDate = await localDate(call, p.hospitalId);
    await transition(p, r.from, "refunded", {}, (t) =>
      store.addRefund(
        {
          id: `refund-${p.orderId}`,
          orderId: p.orderId,
          hospitalId: p.hospitalId,
          amount: r.amount,
          settleDate,
          at: now(),
        },
        t,
      ),
    );
    return { amount: r.amount, status: r.amount > 0 ? "refunded" : "none" };
  }

  /** Charged, but the seat lapsed: the money, the seat and the coupon go back. */
  async function refundCharged(call: Call, p: Payment, a: Appointment, alreadyCancelled = false) {
    const from: PaymentStatus[] = ["confirming"];
    await refund(call, p, { amount: p.amount, reason: "hold expired", from, alreadyCancelled, seat: a });
    return "refunded" as const;
  }

  /**
   * The gateway charged order `p`: book the seat, use the coupon, mark it
   * paid; if the seat is gone by now, refund instead. Every step repeats safely.
   */
  async function finish(call: Call, p: Payment, a: Appointment): Promise<"paid" | "refunded"> {
    if (holdOf(a, now()) === "gone") return refundCharged(call, p, a);
    try {
      await call("day.confirm", { dayKey: dayKeyOf(a.hospitalId, a.date), appointmentId: a.id });
    } catch (err) {
      if (!(err instanceof ClientError)) throw err;
      return refundCharged(call, p, a); // the hold lapsed between our look and the day's turn
    }
    if (p.coupon)
      await call("coupons.use", { ...p.coupon, accountId: p.accountId, appointmentId: a.id }).catch(
        unlessClientError,
      );
    await transition(p, ["confirming"], "paid", {
      pgFee: pgFee(p.amount, deps.pgFeePercent),
      approvedAt: now(),
      settleDate: await localDate(call, p.hospitalId),
    });
    return "paid";
  }

  /** Nothing was charged and the seat is still the patient's: the order is payable again. */
  const reopen = (p: Payment) => store.move(p.orderId, ["confirming"], "pending", now());

  return {
    store,
    now,
    gateway: deps.gateway,
    count: deps.count,
    appointment,
    expire,
    decline,
    refund,
    finish,
    reopen,
  };
}
