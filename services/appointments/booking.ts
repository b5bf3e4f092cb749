/**
 * The booking itself, behind the front's checks (appointments.service.ts):
 * whom it is for, and the coupon and deposit around the day's decision.
 */
import type { Context } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { ClientError } from "../../platform/errors";
import type { OutcomeOf } from "../day/decisions/day-commands";
import type { Appointment } from "../day/decisions/day-state";
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
  const coupon = p.couponCode
    ? { code: p.couponCode, accountId: user.id, ref: key ? `idem:${key.key}` : `req:${ctx.requestID}` }
    : null;
  const deposit = (
    await ctx.call<PaymentSettings, object>("payments.settingsOf", { hospitalId: p.hospitalId })
  ).depositAmount;
  const reserved = coupon
    ? await ctx.call<{ discount: Discount | null }, object>("coupons.reserve", {
        ...coupon,
        hospitalId: p.hospitalId,
      })
    : null;
  let booked: Appointment;
  try {
    const outcome = await ctx.call<OutcomeOf<"book">, object>("day.book", {
      dayKey,
      doctorId: p.doctorId,
      start: p.start,
      patientId,
      accountId: user.id,
      couponCode: p.couponCode ?? null,
      // A deposit holds the seat as pending until it is paid (or the hold lapses).
      ...(deposit > 0 ? { holdSeconds: app.config.payments.holdTtlSeconds } : {}),
      requestKey: key,
    });
    booked = outcome.appointment;
  } catch (err) {
    if (coupon && err instanceof ClientError) await ctx.call("coupons.release", coupon);
    throw err;
  }
  if (deposit > 0) {
    // The coupon stays reserved for the order: used when the deposit is paid, released if it never is.
    const payment = await ctx.call<Payment, object>("payments.open", {
      appointmentId: booked.id,
      hospitalId: p.hospitalId,
      accountId: user.id,
      gross: deposit,
      discount: reserved?.discount ? discountOn(reserved.discount, deposit) : 0,
      ...(coupon ? { coupon: { code: coupon.code, ref: coupon.ref } } : {}),
    });
    return { appointment: booked, payment };
  }
  if (coupon) await ctx.call("coupons.use", { ...coupon, appointmentId: booked.id });
  return { appointment: booked, payment: null };
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
