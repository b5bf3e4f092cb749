import fc from "fast-check";
import { decideMove, followAppointment } from "./coupon-rules";
import type { AppointmentEnd, CouponHold, CouponMove } from "./coupon-rules";

const REFS = ["idem:a", "idem:b"];
const APPOINTMENTS = ["appt-1", "appt-2"];

const hold = fc.oneof(
  fc.constant<CouponHold>({ status: "issued", heldBy: null }),
  fc.constantFrom(...REFS).map((ref): CouponHold => ({ status: "reserved", heldBy: ref })),
  fc.constantFrom(...APPOINTMENTS).map((id): CouponHold => ({ status: "used", heldBy: id })),
  fc.constant<CouponHold>({ status: "expired", heldBy: null }),
);
const step = fc.record({
  move: fc.constantFrom<CouponMove>("reserve", "use", "release", "return"),
  ref: fc.constantFrom(...REFS),
  appointmentId: fc.constantFrom(...APPOINTMENTS),
});

/** The coupon after a move, whether it was made, a retry, or refused. */
function after(c: CouponHold, s: { move: CouponMove; ref: string; appointmentId: string }): CouponHold {
  const next = decideMove(c, s.move, s.ref, s.appointmentId);
  return next === null || next === "same" ? c : next;
}

describe("decideMove", () => {
  test("a coupon's booking life: reserved, used, and given back when its appointment is cancelled", () => {
    let c: CouponHold = { status: "issued", heldBy: null };
    c = after(c, { move: "reserve", ref: "idem:a", appointmentId: "appt-1" });
    expect(c).toEqual({ status: "reserved", heldBy: "idem:a" });
    c = after(c, { move: "use", ref: "idem:a", appointmentId: "appt-1" });
    expect(c).toEqual({ status: "used", heldBy: "appt-1" });
    expect(decideMove(c, "return", "", "appt-2")).toBe("same");
    expect(decideMove(c, "return", "", "appt-1")).toEqual({ status: "issued", heldBy: null });
  });

  test("every move made once is a no-op when repeated (a retried or redelivered step)", () => {
    fc.assert(
      fc.property(hold, step, (c, s) => {
        const next = decideMove(c, s.move, s.ref, s.appointmentId);
        fc.pre(next !== null && next !== "same");
        expect(decideMove(next, s.move, s.ref, s.appointmentId)).toBe("same");
      }),
    );
  });

  test("a return moves only a coupon that the cancelled appointment used, and never refuses", () => {
    fc.assert(
      fc.property(hold, fc.constantFrom(...APPOINTMENTS), (c, appointmentId) => {
        const next = decideMove(c, "return", "", appointmentId);
        if (c.status === "used" && c.heldBy === appointmentId)
          expect(next).toEqual({ status: "issued", heldBy: null });
        else expect(next).toBe("same");
      }),
    );
  });

  test("whatever the order of moves, a used coupon is held by an appointment and a reserved one by a booking", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), (steps) => {
        let c: CouponHold = { status: "issued", heldBy: null };
        for (const s of steps) {
          c = after(c, s);
          if (c.status === "used") expect(APPOINTMENTS).toContain(c.heldBy);
          if (c.status === "reserved") expect(REFS).toContain(c.heldBy);
          if (c.status === "issued") expect(c.heldBy).toBeNull();
        }
      }),
    );
  });
});

describe("followAppointment", () => {
  const appointment = fc.record({
    id: fc.constantFrom(...APPOINTMENTS),
    couponRef: fc.constantFrom(null, ...REFS),
  });
  const end = fc.constantFrom<AppointmentEnd>("booked", "confirmed", "cancelled", "expired");
  const after = (c: CouponHold, e: AppointmentEnd, a: { id: string; couponRef: string | null }) => {
    const next = followAppointment(c, e, a);
    return next === "same" ? c : next;
  };

  test("a sold seat uses the coupon its booking holds; a lapsed hold or a cancelled visit gives it back", () => {
    const a = { id: "appt-1", couponRef: "idem:a" };
    const reserved: CouponHold = { status: "reserved", heldBy: "idem:a" };
    const used: CouponHold = { status: "used", heldBy: "appt-1" };
    const issued: CouponHold = { status: "issued", heldBy: null };
    expect(followAppointment(reserved, "booked", a)).toEqual(used);
    expect(followAppointment(reserved, "confirmed", a)).toEqual(used);
    expect(followAppointment(reserved, "expired", a)).toEqual(issued);
    expect(followAppointment(reserved, "cancelled", a)).toEqual(issued);
    expect(followAppointment(used, "cancelled", a)).toEqual(issued);
    expect(followAppointment(used, "expired", a)).toBe("same");
  });

  test("it moves only a coupon this booking holds or this appointment used, and from nowhere but there", () => {
    fc.assert(
      fc.property(hold, end, appointment, (c, e, a) => {
        const next = followAppointment(c, e, a);
        const ours =
          (c.status === "reserved" && c.heldBy === a.couponRef) || (c.status === "used" && c.heldBy === a.id);
        if (!ours) expect(next).toBe("same");
        if (next !== "same")
          expect(next.status === "used" ? next.heldBy : null).toBe(
            e === "booked" || e === "confirmed" ? a.id : null,
          );
      }),
    );
  });

  test("an event delivered again changes nothing more, and any order of events keeps the holders straight", () => {
    fc.assert(
      fc.property(hold, fc.array(fc.tuple(end, appointment), { maxLength: 12 }), (start, events) => {
        let c = start;
        for (const [e, a] of events) {
          c = after(c, e, a);
          expect(followAppointment(c, e, a)).toBe("same");
          if (c.status === "used") expect(APPOINTMENTS).toContain(c.heldBy);
          if (c.status === "reserved") expect(REFS).toContain(c.heldBy);
          if (c.status === "issued") expect(c.heldBy).toBeNull();
        }
      }),
    );
  });
});
