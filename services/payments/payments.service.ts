import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { ClientError, RetryableError, conflict, notFound, unprocessable } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { answerOnce } from "../../platform/db/idempotency-keys";
import { idParam } from "../../platform/params";
import { requestHash } from "../../platform/request-hash";
import { localMoment, zonedInstant } from "../../platform/time";
import type { DayBusEvent } from "../day/day-events";
import { dayKeyOf } from "../day/day-key";
import type { Appointment } from "../day/decisions/day-state";
import { GatewayUnavailableError, PaymentDeclinedError, resolveGateway } from "./gateways";
import type { PaymentGateway } from "./gateways";
import { startSandbox } from "./sandbox";
import type { Sandbox } from "./sandbox";
import type { PaymentSettings } from "./payment-rules";
import { pgFee, refundFor } from "./payment-rules";
import type { Payment } from "./payment-store";
import { PaymentStore } from "./payment-store";

interface ConfirmParams {
  paymentKey: string;
  orderId: string;
  amount: number;
}

const declined = () =>
  new ClientError(402, "PAYMENT_DECLINED", "The card was declined; the seat and any coupon were released.");
const holdExpired = (refunded: boolean) =>
  conflict(
    "HOLD_EXPIRED",
    refunded
      ? "The hold lapsed before the payment completed; the charge was refunded."
      : "The hold lapsed before the payment; nothing was charged.",
  );

/**
 * Deposits (예약금): the order opened for a held booking, its confirmation
 * through the payment gateway (Toss-compatible; the project's sandbox runs
 * in-process unless PG_BASE_URL names another), and refunds by the hospital's
 * policy. Every step moves the order with a conditional update, so a retried
 * or concurrent confirm cannot charge twice, and a failure compensates: a
 * decline releases the seat and the coupon; a charge that arrives after the
 * hold lapsed is refunded.
 */
export function paymentsService(app: App): ServiceSchema {
  const store = new PaymentStore(app.sequelize);
  const settings = app.config.payments;
  let gateway: PaymentGateway;
  let sandbox: Sandbox | null = null;
  const now = () => app.now().getTime();

  const localDate = async (ctx: Context, hospitalId: number) => {
    const { timeZone } = await ctx.call<{ timeZone: string }, object>("hospitals.timeZone", { hospitalId });
    return localMoment(app.now(), timeZone).date;
  };

  /** Gives the seat and the coupon back after a payment that will not happen. */
  async function release(ctx: Context, p: Payment, a: Appointment): Promise<void> {
    if (a.status === "pending") {
      await ctx
        .call("day.cancel", {
          dayKey: dayKeyOf(a.hospitalId, a.date),
          appointmentId: a.id,
          caller: { accountId: a.accountId, role: "patient", hospitalId: null },
        })
        .catch(() => undefined); // lapsed meanwhile: the day expired it already
    }
    if (p.coupon) await ctx.call("coupons.release", { ...p.coupon, accountId: p.accountId });
  }

  async function refund(ctx: Context, p: Payment, amount: number, reason: string) {
    if (!p.paymentKey) throw new Error(`Order ${p.orderId} has no payment to refund`);
    if (amount > 0)
      await gateway.cancel(
        p.paymentKey,
        { cancelReason: reason, cancelAmount: amount },
        `refund-${p.orderId}`,
      );
    await store.addRefund({
      id: `refund-${p.orderId}`,
      orderId: p.orderId,
      hospitalId: p.hospitalId,
      amount,
      settleDate: await localDate(ctx, p.hospitalId),
      at: now(),
    });
    await store.move(p.orderId, ["paid", "confirming"], "refunded", now());
    return { amount, status: amount > 0 ? "refunded" : "none" };
  }

  /** Confirms order `orderId` for `accountId`: gateway first, then the booking; compensates on failure. */
  async function confirm(ctx: Context<ConfirmParams>, accountId: number) {
    const p = await store.byOrder(ctx.params.orderId);
    if (!p || p.accountId !== accountId) throw notFound("Order", ctx.params.orderId);
    if (ctx.params.amount !== p.amount)
      throw unprocessable("AMOUNT_MISMATCH", `The order is for ${p.amount} won.`, {
        field: "amount",
        expected: p.amount,
      });
    if (p.status === "paid") return paidAnswer(p);
    if (p.status === "declined") throw declined();
    if (p.status === "expired" || p.status === "refunded") throw holdExpired(p.status === "refunded");
    const a = await ctx.call<Appointment, object>("day.appointment", { id: p.appointmentId });
    if (a.status !== "pending" || (a.holdExpiresAt !== null && a.holdExpiresAt <= now())) {
      if (await store.move(p.orderId, ["pending"], "expired", now())) await release(ctx, p, a);
      throw holdExpired(false);
    }
    // The order says what is under way before the gateway is asked: a crash here is resumed from it.
    if (
      !(await store.move(p.orderId, ["pending"], "confirming", now(), {
        paymentKey: ctx.params.paymentKey,
      }))
    )
      throw new RetryableError("CONFIRM_IN_PROGRESS", "This order is being confirmed; retry in a moment.");
    try {
      await gateway.confirm({
        paymentKey: ctx.params.paymentKey,
        orderId: p.orderId,
        amount: p.amount,
      });
    } catch (err) {
      if (err instanceof PaymentDeclinedError) {
        await store.move(p.orderId, ["confirming"], "declined", now());
        await release(ctx, p, a);
        throw declined();
      }
      if (err instanceof GatewayUnavailableError && err.outcome === "not-charged")
        await store.move(p.orderId, ["confirming"], "pending", now());
      throw err;
    }
    const charged = { ...p, paymentKey: ctx.params.paymentKey };
    try {
      await ctx.call("day.confirm", { dayKey: dayKeyOf(a.hospitalId, a.date), appointmentId: a.id });
    } catch (err) {
      if (!(err instanceof ClientError)) throw err;
      // Charged, but the seat lapsed meanwhile: give the money back.
      await refund(ctx, charged, p.amount, "hold expired");
      if (p.coupon) await ctx.call("coupons.release", { ...p.coupon, accountId: p.accountId });
      throw holdExpired(true);
    }
    await store.move(p.orderId, ["confirming"], "paid", now(), {
      pgFee: pgFee(p.amount, settings.pgFeePercent),
      approvedAt: now(),
      settleDate: await localDate(ctx, p.hospitalId),
    });
    if (p.coupon) await ctx.call("coupons.use", { ...p.coupon, accountId: p.accountId, appointmentId: a.id });
    return paidAnswer(p);
  }

  const paidAnswer = (p: Payment) => ({
    appointmentId: p.appointmentId,
    status: "booked",
    payment: { orderId: p.orderId, amount: p.amount, status: "paid" },
  });

  return {
    name: "payments",
    actions: {
      /** The hospital's deposit and refund policy (staff of that hospital, admins). */
      setSettings: {
        params: {
          hospitalId: idParam,
          depositAmount: { type: "number", integer: true, min: 0, max: 1_000_000 },
          fullRefundHoursBefore: { type: "number", integer: true, min: 0, max: 720 },
          lateCancelRefundPercent: { type: "number", integer: true, min: 0, max: 100 },
        },
        async handler(ctx: Context<PaymentSettings & { hospitalId: number }, AuthMeta>) {
          assertHospitalStaff(requireUser(ctx), ctx.params.hospitalId);
          await ctx.call("hospitals.timeZone", { hospitalId: ctx.params.hospitalId });
          const { depositAmount, fullRefundHoursBefore, lateCancelRefundPercent } = ctx.params;
          const next = { depositAmount, fullRefundHoursBefore, lateCancelRefundPercent };
          await store.saveSettings(ctx.params.hospitalId, next, now());
          return { hospitalId: ctx.params.hospitalId, ...next };
        },
      },

      /** A hospital's deposit policy (no deposit unless set). */
      settingsOf: {
        visibility: "public",
        idempotent: true,
        params: { hospitalId: idParam },
        handler: (ctx: Context<{ hospitalId: number }>) => store.settings(ctx.params.hospitalId),
      },

      /** Opens the order of a held booking (the same booking's order again is the first one). */
      open: {
        visibility: "public",
        idempotent: true,
        params: {
          appointmentId: "string",
          hospitalId: idParam,
          accountId: idParam,
          gross: { type: "number", integer: true, min: 0 },
          discount: { type: "number", integer: true, min: 0 },
          coupon: { type: "object", optional: true, props: { code: "string", ref: "string" } },
        },
        handler: (
          ctx: Context<
            Omit<Payment, "orderId" | "amount" | "paymentKey" | "status" | "createdAt" | "coupon"> & {
              coupon?: Payment["coupon"];
            }
          >,
        ) => {
          const p = ctx.params;
          return store.open({
            ...p,
            orderId: `ord_${uuidv7(now()).replace(/-/g, "")}`,
            amount: Math.max(0, p.gross - p.discount),
            coupon: p.coupon ?? null,
            createdAt: now(),
          });
        },
      },

      /** The order of a booking, if it has one. */
      forAppointment: {
        visibility: "public",
        idempotent: true,
        params: { appointmentId: "string" },
        handler: (ctx: Context<{ appointmentId: string }>) => store.byAppointment(ctx.params.appointmentId),
      },

      /** The patient's payment is confirmed with the gateway, then the booking. */
      confirm: {
        params: {
          paymentKey: { type: "string", min: 1, max: 200 },
          orderId: { type: "string", min: 6, max: 64 },
          amount: { type: "number", integer: true, min: 0 },
        },
        handler(ctx: Context<ConfirmParams, AuthMeta & { idempotencyKey?: string }>) {
          const user = requireUser(ctx);
          return answerOnce(
            app.sequelize,
            {
              accountId: user.id,
              key: ctx.meta.idempotencyKey,
              hash: requestHash({ action: "payments.confirm", ...ctx.params }),
              scope: `order:${ctx.params.orderId}`,
              now: now(),
            },
            () => confirm(ctx, user.id),
          );
        },
      },

      /**
       * A booking was cancelled: an unpaid order closes (coupon back), a paid
       * one is refunded by the hospital's policy. Answers the refund, if any.
       */
      settleCancellation: {
        visibility: "public",
        params: { appointmentId: "string" },
        async handler(ctx: Context<{ appointmentId: string }>) {
          const p = await store.byAppointment(ctx.params.appointmentId);
          if (!p) return null;
          if (p.status === "pending" && (await store.move(p.orderId, ["pending"], "expired", now()))) {
            if (p.coupon) await ctx.call("coupons.release", { ...p.coupon, accountId: p.accountId });
            return null;
          }
          if (p.status !== "paid") return null;
          const a = await ctx.call<Appointment, object>("day.appointment", { id: p.appointmentId });
          const { timeZone } = await ctx.call<{ timeZone: string }, object>("hospitals.timeZone", {
            hospitalId: p.hospitalId,
          });
          const policy = await store.settings(p.hospitalId);
          const startsAt = zonedInstant(a.date, a.start, timeZone).getTime();
          return refund(ctx, p, refundFor(policy, p.amount, startsAt, now()), "cancelled by the patient");
        },
      },
    },

    events: {
      /** A hold lapsed: its unpaid order closes and its coupon goes back. */
      async "day.appointment.expired"(ctx: Context<DayBusEvent<"appointment.expired">>) {
        const p = await store.byAppointment(ctx.params.payload.id);
        if (p && (await store.move(p.orderId, ["pending"], "expired", now())) && p.coupon)
          await ctx.call("coupons.release", { ...p.coupon, accountId: p.accountId });
      },
    },

    async started() {
      // Without PG_BASE_URL the project's own sandbox answers, in this process (embedded mode works alone).
      if (!settings.pgBaseUrl) sandbox = await startSandbox({ secretKey: settings.pgSecretKey });
      gateway = resolveGateway({
        pgBaseUrl: settings.pgBaseUrl ?? sandbox?.url ?? "",
        pgSecretKey: settings.pgSecretKey,
      });
    },

    async stopped() {
      await sandbox?.close();
    },
  };
}
