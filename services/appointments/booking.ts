/**
 * The booking itself, behind the front's checks (appointments.service.ts):
 * whom it is for, and the coupon and deposit around the day's decision.
 */
import { Errors } from "moleculer";
import type { Context } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { ClientError } from "../../platform/errors";
import type { OutcomeOf } from "../day/decisions/day-commands";
import type { Appointment } from "../day/decisions/day-state";
import type { Caller, Refusal } from "../day/decisions/decision";
import type { RequestKey } from "../day/decisions/request-key";
import type { Discount } from "../coupons/coupon-rules";
import { discountOn } from "../coupons/coupon-rules";
import type { PaymentSettings } from "../payments/payment-rules";
import type { Payment } from "../payments/payment-store";

export interface BookParams {
  hospitalId: number;
  doctorId: number;
  date: string;
  start: string;
  patientId?: number;
  couponCode?: string;
}

/** What the gateway puts in `ctx.meta` besides the user: the Idempotency-Key and Admission-Ticket, if sent. */
export type BookingMeta = AuthMeta & { idempotencyKey?: string; admissionTicket?: string };

/** Who asks the day for a change: the signed-in account (the day decides what it may do). */
export const callerOf = (user: AuthUser): Caller => ({
  accountId: user.id,
  role: user.role,
  hospitalId: user.hospitalId,
});

/** The coupon's hold on a booking: its request key (or the broker's request id without one). */
interface CouponHold {
  code: string;
  accountId: number;
  ref: string;
}

const couponHoldOf = (
  ctx: Context,
  user: AuthUser,
  p: BookParams,
  key: RequestKey | undefined,
): CouponHold | null =>
  p.couponCode
    ? { code: p.couponCode, accountId: user.id, ref: key ? `idem:${key.key}` : `req:${ctx.requestID}` }
    : null;

const depositOf = async (ctx: Context, hospitalId: number) =>
  (await ctx.call<PaymentSettings, object>("payments.settingsOf", { hospitalId })).depositAmount;

/** Holds the coupon for this booking (again, for a retry: the same ref finds it held already). */
const reserve = (ctx: Context, coupon: CouponHold, hospitalId: number) =>
  ctx.call<{ discount: Discount | null }, object>("coupons.reserve", { ...coupon, hospitalId });

/**
 * Books, answering the appointment and its deposit order (null without a
 * deposit), holding the coupon (if any) while the day decides: used when the
 * seat is sold, released when the day refuses. After an unclear failure (a
 * timeout) it stays reserved for this booking, so a retry with the same key
 * finds it reserved for itself and goes on.
 */
export async function bookWithCoupon(
  app: App,
  ctx: Context<BookParams, BookingMeta>,
  user: AuthUser,
  p: BookParams,
  dayKey: string,
  key: RequestKey | undefined,
  patientId: number,
): Promise<{ appointment: Appointment; payment: Payment | null }> {
  const coupon = couponHoldOf(ctx, user, p, key);
  const deposit = await depositOf(ctx, p.hospitalId);
  const reserved = coupon ? await reserve(ctx, coupon, p.hospitalId) : null;
  let answer: OutcomeOf<"book"> | Refusal;
  try {
    answer = await ctx.call<OutcomeOf<"book"> | Refusal, object>("day.book", {
      dayKey,
      doctorId: p.doctorId,
      start: p.start,
      patientId,
      accountId: user.id,
      couponCode: p.couponCode ?? null,
      couponRef: coupon?.ref ?? null,
      // A deposit holds the seat as pending until it is paid (or the hold lapses).
      ...(deposit > 0 ? { holdSeconds: app.config.payments.holdTtlSeconds } : {}),
      requestKey: key,
      // A refusal comes back as an answer (see day.book): the common case of an open run, made cheap.
      refusalAsAnswer: true,
    });
  } catch (err) {
    // A client error from another node comes back as Moleculer's own class, not ours.
    if (coupon && err instanceof Errors.MoleculerClientError) await ctx.call("coupons.release", coupon);
    throw err;
  }
  if ("refused" in answer) {
    if (coupon) await ctx.call("coupons.release", coupon);
    const { status, code, message, details } = answer.refused;
    throw new ClientError(status, code, message, details);
  }
  const booked = answer.appointment;
  if (deposit > 0) {
    try {
      return { appointment: booked, payment: await openDeposit(ctx, booked, deposit, coupon, reserved) };
    } catch (err) {
      // With a key the client's retry opens the order (replayedDeposit); without one nothing could find this hold.
      if (!key) await undoHold(ctx, user, dayKey, booked, coupon);
      throw err;
    }
  }
  if (coupon) await ctx.call("coupons.use", { ...coupon, appointmentId: booked.id });
  return { appointment: booked, payment: null };
}

/** The deposit order of a held booking; the coupon stays reserved for it: used when paid, released if never. */
function openDeposit(
  ctx: Context,
  booked: Appointment,
  deposit: number,
  coupon: CouponHold | null,
  reserved: { discount: Discount | null } | null,
): Promise<Payment> {
  return ctx.call<Payment, object>("payments.open", {
    appointmentId: booked.id,
    hospitalId: booked.hospitalId,
    accountId: booked.accountId,
    gross: deposit,
    discount: reserved?.discount ? discountOn(reserved.discount, deposit) : 0,
    ...(coupon ? { coupon: { code: coupon.code, ref: coupon.ref } } : {}),
  });
}

/**
 * The seat was held but its deposit order could not be opened, and no key
 * lets a retry find it: give the seat and the coupon back now rather than
 * when the hold lapses. Best effort; the error the patient sees is the
 * order's. The cancellation's event also closes an order that did open
 * after all (a timeout), through the payments' durable cancellation road.
 */
async function undoHold(
  ctx: Context,
  user: AuthUser,
  dayKey: string,
  booked: Appointment,
  coupon: CouponHold | null,
): Promise<void> {
  await ctx
    .call("day.cancel", { dayKey, appointmentId: booked.id, caller: callerOf(user) })
    .catch((err: unknown) => ctx.broker.logger.warn(`A held seat (${booked.id}) could not be freed`, err));
  if (coupon)
    await ctx
      .call("coupons.release", coupon)
      .catch((err: unknown) => ctx.broker.logger.warn(`Coupon ${coupon.code} could not be released`, err));
}

/**
 * The deposit order of a keyed retry's booking. When the first try held the
 * seat but failed before opening the order, it is opened now, so the retry
 * answers what the first try would have; null when there is no order and
 * none to open (no deposit, or the hold is over).
 */
export async function replayedDeposit(
  app: App,
  ctx: Context,
  user: AuthUser,
  p: BookParams,
  key: RequestKey,
  replayed: Appointment,
): Promise<Payment | null> {
  const order = await ctx.call<Payment | null, object>("payments.forAppointment", {
    appointmentId: replayed.id,
  });
  if (order || replayed.status !== "pending" || replayed.holdExpiresAt === null) return order;
  const current = await ctx.call<Appointment, object>("day.appointment", { id: replayed.id });
  if (current.status !== "pending" || (current.holdExpiresAt ?? 0) <= app.now().getTime()) return null;
  const coupon = couponHoldOf(ctx, user, p, key);
  const deposit = await depositOf(ctx, p.hospitalId);
  const reserved = coupon ? await reserve(ctx, coupon, p.hospitalId) : null;
  return openDeposit(ctx, current, deposit, coupon, reserved);
}

/**
 * Whom the booking is for. Oneself needs no lookup: the gateway resolved the account's own
 * patient with the account. A family member is checked to be this account's.
 */
export async function patientOf(
  ctx: Context,
  user: AuthUser,
  patientId: number | undefined,
): Promise<number> {
  if (patientId === undefined && user.patientId) return user.patientId;
  const patient = await ctx.call<{ id: number }, object>("patients.ofAccount", {
    accountId: user.id,
    patientId,
  });
  return patient.id;
}
