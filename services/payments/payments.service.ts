import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { invariant } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { answerOnce } from "../../platform/db/idempotency-keys";
import { idParam } from "../../platform/params";
import { requestHash } from "../../platform/request-hash";
import { ReadThroughCache } from "../../platform/read-through-cache";
import type { DayBusEvent } from "../day/day-events";
import type { Appointment } from "../day/decisions/day-state";
import { consumerMixin } from "../outbox/consumers";
import { relayConfigOf, resolveRelay } from "../outbox/relays";
import type { OutboxRelay } from "../outbox/relays";
import { resolveGateway } from "./gateways";
import type { PaymentGateway } from "./gateways";
import { cancellationsConsumer, settleCancelled } from "./cancellations";
import { checkoutActions } from "./checkout.actions";
import { startSandbox } from "./sandbox";
import type { Sandbox } from "./sandbox";
import type { PaymentSettings } from "./payment-rules";
import type { Payment } from "./payment-store";
import { PaymentStore } from "./payment-store";
import { confirmOrder } from "./confirm";
import type { ConfirmParams } from "./confirm";
import { Recovery } from "./recovery";
import { confirmStaleMs } from "./recovery-rules";
import { createSaga } from "./saga";
import type { Call, PaymentResult } from "./saga";

/** Broadcast when a hospital's deposit settings change, so every node's memory of them is dropped. */
const SETTINGS_CHANGED = "payments.settings.changed";
/** Bounds how long a node that missed that broadcast books with the old deposit. */
const SETTINGS_TTL_MS = 30_000;
const SETTINGS_ENTRIES = 100_000;

/**
 * Deposits (예약금): the order opened for a held booking, its confirmation
 * through the payment gateway (Toss-compatible; the project's sandbox runs
 * in-process unless PG_BASE_URL names another), and refunds by the hospital's
 * policy. The saga's steps are in ./saga.ts, the patient's confirm in
 * ./confirm.ts, and the sweep that resumes orders a crash or a lost gateway
 * answer left half-done in ./recovery.ts. Every status change is written with
 * its `payment.*` event through the outbox (Kafka topic `payment-events`,
 * keyed by order id).
 */
export function paymentsService(app: App): ServiceSchema {
  const store = new PaymentStore(app.sequelize);
  /** Every booking asks for its hospital's deposit: from memory, forgotten on every node when staff change it. */
  const deposits = new ReadThroughCache<number, PaymentSettings>({
    ttlMs: SETTINGS_TTL_MS,
    maxEntries: SETTINGS_ENTRIES,
    now: () => app.clock.now(),
  });
  const settings = app.config.payments;
  let gateway: PaymentGateway;
  let sandbox: Sandbox | null = null;
  let relay: OutboxRelay | null = null;
  let recovery: Recovery | null = null;
  let count: (result: PaymentResult) => void = () => undefined;
  const now = () => app.now().getTime();
  const staleMs = confirmStaleMs(settings.gatewayTimeoutMs);
  const saga = createSaga({
    sequelize: app.sequelize,
    store,
    gateway: () => gateway,
    now,
    pgFeePercent: settings.pgFeePercent,
    committed: (records) => relay?.committed(records),
    count: (result) => count(result),
  });
  const callOf =
    (ctx: Context): Call =>
    (action, params) =>
      ctx.call(action, params);

  // The cancellations consumer has no request context: it calls through the service's broker.
  let serviceBroker: Context["broker"] | null = null;
  const setBroker = (b: Context["broker"]) => (serviceBroker = b);
  const brokerCall = (): Call => (action, params) => {
    invariant(serviceBroker, "the payments service calls out only once created");
    return serviceBroker.call(action, params);
  };

  return {
    name: "payments",
    mixins: [consumerMixin(cancellationsConsumer(saga, store, brokerCall), app)],
    actions: {
      ...checkoutActions(store, now),
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
          deposits.invalidate(ctx.params.hospitalId);
          await ctx.broadcast(SETTINGS_CHANGED, { hospitalId: ctx.params.hospitalId });
          return { hospitalId: ctx.params.hospitalId, ...next };
        },
      },

      /** A hospital's deposit policy (no deposit unless set). */
      settingsOf: {
        visibility: "public",
        idempotent: true,
        params: { hospitalId: idParam },
        handler: (ctx: Context<{ hospitalId: number }>) =>
          deposits.get(ctx.params.hospitalId, (id) => store.settings(id)),
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
            Omit<
              Payment,
              "orderId" | "amount" | "paymentKey" | "status" | "createdAt" | "updatedAt" | "coupon"
            > & {
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

      /**
       * Runs the recovery sweep now (it also runs at start and every
       * PAYMENT_RECOVERY_INTERVAL_MS) and answers what it did, by step.
       */
      recover: {
        visibility: "public",
        handler: () => recovery?.sweepNow() ?? null,
      },

      /** The patient's payment is confirmed with the gateway, then the booking. */
      confirm: {
        // The adapter already retried where a retry cannot charge twice. A broker retry would repeat the
        // whole confirm against a gateway that just failed (feeding its breaker) and answer a lost charge
        // with CONFIRM_IN_PROGRESS instead of the gateway's 503: the patient's retry is the retry.
        retryPolicy: { enabled: false },
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
            () => confirmOrder(saga, callOf(ctx), ctx.params, user.id, staleMs),
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
          const a = await ctx.call<Appointment, object>("day.appointment", { id: ctx.params.appointmentId });
          return settleCancelled(saga, store, callOf(ctx), a);
        },
      },
    },

    events: {
      /** A hospital's deposit policy changed (on any node): the next booking reads it again. */
      [SETTINGS_CHANGED](ctx: Context<{ hospitalId: number }>) {
        deposits.invalidate(ctx.params.hospitalId);
      },
      /** A hold lapsed: its unpaid order closes and its coupon goes back. */
      async "day.appointment.expired"(ctx: Context<DayBusEvent<"appointment.expired">>) {
        const p = await store.byAppointment(ctx.params.payload.id);
        if (p?.status === "pending") await saga.expire(callOf(ctx), p, null, ["pending"]);
      },
    },

    created(this: { broker: Context["broker"] }) {
      const broker = this.broker;
      setBroker(broker);
      if (broker.isMetricsEnabled()) {
        broker.metrics.register({
          name: "hre_payments_total", // literal: test/ops/monitoring.spec.ts finds exported metrics by it
          type: "counter",
          labelNames: ["result"],
          description:
            "Deposit orders that reached an end (paid, declined, expired, refunded), and gateway errors",
        });
        count = (result) => broker.metrics.increment("hre_payments_total", { result });
      }
      // Its own relay publishes payment events right after their commit (any node's relay would, later).
      relay = resolveRelay(relayConfigOf(app.config), { broker, sequelize: app.sequelize, now });
      recovery = new Recovery(saga, {
        call: (action, params) => broker.call(action, params),
        clock: app.clock,
        everyMs: settings.recoveryEveryMs,
        staleMs,
        holdTtlMs: settings.holdTtlSeconds * 1000,
        logger: broker.logger,
      });
    },

    async started(this: { broker: Context["broker"] }) {
      // Without PG_BASE_URL the project's own sandbox answers, in this process (embedded mode works alone).
      if (!settings.pgBaseUrl) sandbox = await startSandbox({ secretKey: settings.pgSecretKey });
      gateway = resolveGateway(
        { pgBaseUrl: settings.pgBaseUrl ?? sandbox?.url ?? "", pgSecretKey: settings.pgSecretKey },
        { timeoutMs: settings.gatewayTimeoutMs, now },
      );
      await relay?.start();
      // Not gated on the day, coupons and hospitals services: a node may host none of them. An order a
      // sweep cannot finish while they are out of reach is left to the next sweep.
      recovery?.start();
    },

    async stopped() {
      await recovery?.stop();
      await relay?.stop();
      await sandbox?.close();
    },
  };
}
