import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { claimKey } from "../../platform/db/idempotency-keys";
import { answeringRefusals } from "../../platform/error-response";
import { ClientError, forbidden } from "../../platform/errors";
import {
  clockTimeParam,
  dateParam,
  idParam,
  optionalIdParam,
  pageParams,
  setStatus,
} from "../../platform/params";
import { requestHash } from "../../platform/request-hash";
import type { OutcomeOf } from "../day/decisions/day-commands";
import type { Appointment } from "../day/decisions/day-state";
import type { Answer, RequestKey } from "../day/decisions/request-key";
import { dayKeyOf } from "../day/day-key";
import { AvailabilityCopy } from "../day/availability-copy";
import type { Payment } from "../payments/payment-store";
import { patientCards, recordAccess } from "../../mixins/access-log";
import { admissionGate } from "../admission/admission-gate";
import { bookWithCoupon, callerOf, patientOf, replayedDeposit } from "./booking";
import type { BookParams, BookingMeta } from "./booking";

/** What the gateway puts in `ctx.meta` besides the user: the request's Idempotency-Key, if sent. */
type Meta = BookingMeta;

const view = (a: Appointment) => ({
  id: a.id,
  status: a.status,
  hospitalId: a.hospitalId,
  doctorId: a.doctorId,
  date: a.date,
  start: a.start,
  patientId: a.patientId,
  createdAt: new Date(a.createdAt).toISOString(),
  ...(a.holdExpiresAt ? { holdExpiresAt: new Date(a.holdExpiresAt).toISOString() } : {}),
});

/** Whose data an appointment is, for the access log. */
const subjectOf = (a: Appointment) => ({ accountId: a.accountId, patientId: a.patientId });

/**
 * The patient-facing side of booking: checks who books for whom, then hands
 * the decision to the day's actor (`day.*`). With an Idempotency-Key the key
 * is claimed first: a retry of an answered request gets the first answer again
 * (same status and body) without reaching the actor; one still in flight is
 * forwarded again and the actor answers it once.
 */
export function appointmentsService(app: App): ServiceSchema {
  /** The availability the day actors publish (none without Redis: every read asks the actor). */
  let copy: AvailabilityCopy | null = null;
  const appointment = (ctx: Context, id: string) => ctx.call<Appointment, object>("day.appointment", { id });

  function assertMaySee(user: AuthUser, a: Appointment): void {
    if (user.role === "patient" && user.id !== a.accountId) throw forbidden("This appointment is not yours.");
    if (user.role === "staff") assertHospitalStaff(user, a.hospitalId);
  }

  /** The request's key, claimed; a recorded answer is replayed (thrown if it was a refusal). */
  async function keyed(
    ctx: Context<object, Meta>,
    user: AuthUser,
    scope: string,
    asked: object,
  ): Promise<{ key: RequestKey | undefined; replay?: Appointment }> {
    const idem = ctx.meta.idempotencyKey;
    if (!idem) return { key: undefined };
    const key = { accountId: user.id, key: idem, hash: requestHash({ action: ctx.action?.name, asked }) };
    const answer = (await claimKey(app.sequelize, {
      ...key,
      scope,
      now: app.now().getTime(),
    })) as Answer | null;
    if (!answer) return { key };
    if (!answer.ok) {
      const { status, code, message, details } = answer.error;
      throw new ClientError(status, code, message, details);
    }
    return { key, replay: answer.outcome.appointment };
  }

  /** An action on one stored appointment: check the caller may, then let the day decide. */
  const forward = (
    action: "day.cancel" | "day.checkIn",
    assertMay: (user: AuthUser, a: Appointment) => void,
    logAs: string,
  ) => ({
    params: { $$strict: true, id: { type: "uuid" } },
    async handler(ctx: Context<{ id: string }, Meta>) {
      const user = requireUser(ctx);
      const a = await appointment(ctx, ctx.params.id);
      assertMay(user, a);
      const dayKey = dayKeyOf(a.hospitalId, a.date);
      const { key, replay } = await keyed(ctx, user, dayKey, { id: a.id });
      if (replay) return view(replay);
      const outcome = await ctx.call<OutcomeOf<"cancel" | "checkIn">, object>(action, {
        dayKey,
        appointmentId: a.id,
        caller: callerOf(user),
        requestKey: key,
      });
      await recordAccess(ctx, user, { action: logAs, resource: `appointment:${a.id}` }, [subjectOf(a)]);
      if (action !== "day.cancel") return view(outcome.appointment);
      // A cancelled booking's deposit: an unpaid order closes, a paid one is refunded by the hospital's policy.
      const refund = await ctx.call<{ amount: number; status: string } | null, object>(
        "payments.settleCancellation",
        {
          appointmentId: a.id,
        },
      );
      return { ...view(outcome.appointment), ...(refund ? { refund } : {}) };
    },
  });

  async function book(ctx: Context<BookParams, Meta>) {
    const user = requireUser(ctx);
    const p = ctx.params;
    const dayKey = dayKeyOf(p.hospitalId, p.date);
    const { key, replay } = await keyed(ctx, user, dayKey, p);
    if (replay) {
      setStatus(ctx, 201, `/api/v1/appointments/${replay.id}`);
      return withPayment(ctx, replay, key && (await replayedDeposit(app, ctx, user, p, key, replay)));
    }
    const patientId = await patientOf(ctx, user, p.patientId);
    // In an open run the day's actor may have more waiting than it can answer in time: take a place in line.
    const waiting = await admissionGate(app, ctx, {
      dayKey,
      accountId: user.id,
      patientId,
      doctorId: p.doctorId,
      start: p.start,
    });
    if (waiting) return waiting;
    const booked = await bookWithCoupon(app, ctx, user, p, dayKey, key, patientId);
    setStatus(ctx, 201, `/api/v1/appointments/${booked.appointment.id}`);
    return withPayment(ctx, booked.appointment, booked.payment);
  }

  return {
    name: "appointments",
    actions: {
      /** Books a slot for the signed-in patient or one of their family members. */
      book: {
        params: {
          $$strict: true,
          hospitalId: idParam,
          doctorId: idParam,
          date: dateParam,
          start: clockTimeParam,
          patientId: optionalIdParam,
          couponCode: { type: "string", trim: true, min: 1, max: 40, optional: true },
        },
        // Most bookings in an open run are refused (the slot is full): answered, not thrown back.
        handler: (ctx: Context<BookParams, Meta>) => answeringRefusals(ctx, () => book(ctx)),
      },

      /**
       * Live availability: the copy the day's actor published, while it holds;
       * otherwise the actor itself (an ordinary action in front of the sharded
       * one: moleculer-web resolves endpoints without shard keys).
       */
      availability: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam, date: dateParam, doctorId: optionalIdParam },
        async handler(ctx: Context<{ hospitalId: number; date: string; doctorId?: number }>) {
          const { hospitalId, date, doctorId } = ctx.params;
          const copied = await copy?.read(hospitalId, date, app.clock.now()).catch(() => null);
          const doctors = copied?.filter((d) => doctorId === undefined || d.doctorId === doctorId);
          // An unknown doctor is the actor's 404 to give.
          if (doctors && (doctorId === undefined || doctors.length > 0)) return { hospitalId, date, doctors };
          return ctx.call("day.availability", { dayKey: dayKeyOf(hospitalId, date), doctorId });
        },
      },

      get: {
        idempotent: true,
        params: { $$strict: true, id: { type: "uuid" } },
        async handler(ctx: Context<{ id: string }, AuthMeta>) {
          const user = requireUser(ctx);
          const a = await appointment(ctx, ctx.params.id);
          assertMaySee(user, a);
          await recordAccess(ctx, user, { action: "appointment.read", resource: `appointment:${a.id}` }, [
            subjectOf(a),
          ]);
          return withPayment(ctx, a);
        },
      },

      cancel: forward("day.cancel", assertMaySee, "appointment.cancel"),

      /** Staff mark a booked patient as arrived. */
      checkIn: forward(
        "day.checkIn",
        (user, a) => assertHospitalStaff(user, a.hospitalId),
        "appointment.check_in",
      ),

      listMine: {
        idempotent: true,
        params: { $$strict: true, ...pageParams },
        async handler(ctx: Context<{ page: number; size: number }, AuthMeta>) {
          const user = requireUser(ctx);
          return listed(ctx, "day.accountAppointments", { accountId: user.id, ...ctx.params });
        },
      },

      /** A hospital-day's appointments with each patient's name and age, for its staff (each view logged). */
      listDay: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam, date: dateParam, ...pageParams },
        async handler(
          ctx: Context<{ hospitalId: number; date: string; page: number; size: number }, AuthMeta>,
        ) {
          const user = requireUser(ctx);
          const { hospitalId, date } = ctx.params;
          assertHospitalStaff(user, hospitalId);
          const page = await listed(ctx, "day.dayAppointments", ctx.params);
          const what = {
            action: "appointments.list",
            resource: `hospital:${hospitalId}/appointments/${date}`,
            date,
          };
          const cards = await patientCards(
            ctx,
            user,
            what,
            page.items.map((a) => a.patientId),
          );
          return {
            ...page,
            items: page.items.map((a) => ({ ...a, patient: cards.get(a.patientId) ?? null })),
          };
        },
      },
    },

    created() {
      if (app.config.redisUrl) copy = new AvailabilityCopy(app.config.redisUrl, app.config.namespace);
    },

    async stopped() {
      await copy?.close();
    },
  };

  /** The appointment as answered, with its deposit order where it has one (`known`: no need to ask). */
  async function withPayment(ctx: Context, a: Appointment, known?: Payment | null) {
    const payment =
      known !== undefined
        ? known
        : await ctx.call<Payment | null, object>("payments.forAppointment", { appointmentId: a.id });
    if (!payment) return view(a);
    const base = { orderId: payment.orderId, amount: payment.amount, discount: payment.discount };
    return {
      ...view(a),
      payment:
        payment.status === "pending"
          ? { ...base, expiresAt: view(a).holdExpiresAt ?? null, checkoutUrl: `/pay/${payment.orderId}` }
          : { ...base, status: payment.status },
    };
  }

  async function listed(ctx: Context, action: string, filter: object) {
    const page = await ctx.call<{ items: Appointment[]; total: number }, object>(action, filter);
    return { items: page.items.map(view), total: page.total };
  }
}
