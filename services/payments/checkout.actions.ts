/**
 * What the deposit checkout page (`/pay/<orderId>`) reads: one order with the
 * booking it pays for, put together from the day's stored appointment and the
 * hospital's detail (their actions, not their tables).
 */
import type { Context } from "moleculer";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { invariant, notFound } from "../../platform/errors";
import type { Appointment } from "../day/decisions/day-state";
import type { Payment, PaymentStatus } from "./payment-store";
import type { PaymentStore } from "./payment-store";

interface HospitalDetail {
  id: number;
  name: string;
  doctors: { id: number; name: string; department: string }[];
}

/** A pending order whose hold has lapsed is shown as expired even before the lapse event closes it. */
function statusOf(p: Payment, a: Appointment, now: number): PaymentStatus {
  if (p.status !== "pending") return p.status;
  const held = a.status === "pending" && (a.holdExpiresAt === null || a.holdExpiresAt > now);
  return held ? "pending" : "expired";
}

export function checkoutActions(store: PaymentStore, now: () => number) {
  return {
    /**
     * One order as its checkout page shows it, to the order's own patient only:
     * anyone else gets the 404 of an unknown order, so an order id tells nothing.
     * `now` is the server's clock, which the page's countdown runs from.
     */
    order: {
      idempotent: true,
      params: { $$strict: true, orderId: { type: "string", min: 6, max: 64 } },
      async handler(ctx: Context<{ orderId: string }, AuthMeta>) {
        const user = requireUser(ctx);
        const p = await store.byOrder(ctx.params.orderId);
        if (!p || user.role !== "patient" || p.accountId !== user.id)
          throw notFound("Order", ctx.params.orderId);
        const [a, h] = await Promise.all([
          ctx.call<Appointment, object>("day.appointment", { id: p.appointmentId }),
          ctx.call<HospitalDetail, object>("hospitals.detail", { hospitalId: p.hospitalId }),
        ]);
        const doctor = h.doctors.find((d) => d.id === a.doctorId);
        invariant(doctor, `doctor ${a.doctorId} of appointment ${a.id} is not at hospital ${h.id}`);
        const at = now();
        const status = statusOf(p, a, at);
        return {
          orderId: p.orderId,
          status,
          amount: p.amount,
          discount: p.discount,
          gross: p.gross,
          expiresAt:
            status === "pending" && a.holdExpiresAt !== null ? new Date(a.holdExpiresAt).toISOString() : null,
          hospital: { id: h.id, name: h.name },
          doctor: { id: doctor.id, name: doctor.name, department: doctor.department },
          date: a.date,
          start: a.start,
          now: new Date(at).toISOString(),
        };
      },
    },
  };
}
