/**
 * What a coupon campaign decides, with no I/O: whether it is open for claims
 * at an instant, what a coupon takes off a price, and the coupon's life
 * (issued → reserved → used, or back to issued when a booking fails or its
 * appointment is cancelled). Pure.
 */
export type DiscountType = "amount" | "percent";
export type CouponStatus = "issued" | "reserved" | "used" | "expired";

export interface Discount {
  type: DiscountType;
  value: number;
}

export interface Campaign {
  id: number;
  name: string;
  discount: Discount;
  quantity: number;
  /** Epoch ms; null means open from creation / with no end. */
  startsAt: number | null;
  endsAt: number | null;
  /** A hospital's own campaign, usable only there; null for platform-wide. */
  hospitalId: number | null;
}

/** Why a campaign takes no claims now, or null when it does. */
export function closedReason(c: Campaign, now: number): string | null {
  if (c.startsAt !== null && now < c.startsAt) return "The campaign has not started yet.";
  if (c.endsAt !== null && now >= c.endsAt) return "The campaign has ended.";
  return null;
}

/** The discount on `price` (whole won): never more than the price, never negative. */
export function discountOn(d: Discount, price: number): number {
  const raw = d.type === "amount" ? d.value : Math.floor((price * d.value) / 100);
  return Math.max(0, Math.min(price, raw));
}

/** The moves a booking makes; `return` is the cancelled appointment's (see coupon-follows.ts). */
export type CouponMove = "reserve" | "use" | "release" | "return";

/** Where a coupon stands: its status and what holds it (a booking's request key, then its appointment). */
export interface CouponHold {
  status: CouponStatus;
  heldBy: string | null;
}

/**
 * The coupon after `move` for the booking `ref` (its request key; `use`
 * also names the appointment), "same" when the move was already made (a
 * retry: nothing to do), or null when the coupon cannot make it. `return`
 * (the appointment named was cancelled) gives back only a coupon that
 * appointment used; any other state means it is back already, perhaps
 * reserved again by a later booking, so there is nothing to do.
 */
export function decideMove(
  coupon: CouponHold,
  move: CouponMove,
  ref: string,
  appointmentId: string | null = null,
): CouponHold | "same" | null {
  const { status, heldBy } = coupon;
  switch (move) {
    case "reserve":
      if (status === "reserved" && heldBy === ref) return "same";
      return status === "issued" ? { status: "reserved", heldBy: ref } : null;
    case "use":
      if (status === "used" && heldBy === appointmentId) return "same";
      return status === "reserved" && heldBy === ref && appointmentId
        ? { status: "used", heldBy: appointmentId }
        : null;
    case "release":
      if (status === "issued") return "same";
      return status === "reserved" && heldBy === ref ? { status: "issued", heldBy: null } : null;
    case "return":
      return status === "used" && heldBy === appointmentId && appointmentId
        ? { status: "issued", heldBy: null }
        : "same";
  }
}

/** The appointment events a coupon follows (see coupon-follows.ts). */
export type AppointmentEnd = "booked" | "confirmed" | "cancelled" | "expired";

/**
 * The coupon after an event of the appointment it was booked with: a seat sold
 * outright or paid for uses the coupon its booking holds; a lapsed hold gives it
 * back; a cancelled visit gives back what it used or still held. "same" when
 * nothing moves: the coupon is where the event puts it already, or it is not this
 * booking's any more (given back, then taken by another). `couponRef` is the
 * hold the booking put the coupon under (null: none recorded, so only a used
 * coupon can be named, by the appointment's id).
 */
export function followAppointment(
  coupon: CouponHold,
  event: AppointmentEnd,
  appointment: { id: string; couponRef: string | null },
): CouponHold | "same" {
  const { id, couponRef } = appointment;
  const moves: CouponMove[] =
    event === "cancelled" ? ["return", "release"] : event === "expired" ? ["release"] : ["use"];
  for (const move of moves) {
    if (couponRef === null && move !== "return") continue;
    const next = decideMove(coupon, move, couponRef ?? "", id);
    if (next !== null && next !== "same") return next;
  }
  return "same";
}
