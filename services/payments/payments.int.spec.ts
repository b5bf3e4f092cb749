/**
 * Deposits end to end, against the in-process sandbox gateway: a deposit
 * booking is held (pending) with its order; paying confirms it; a decline,
 * a wrong amount or a lapsed hold compensate; a cancellation refunds by the
 * hospital's policy; a coupon discounts the deposit and is used on payment.
 */
import { QueryTypes } from "sequelize";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";
import { statusOf } from "../../test/support/row-counts";
import { waitFor } from "../../test/support/wait-for";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul; the day booked is Tuesday
const DAY = "2026-11-24";

describe("deposits", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let staff: string;
  let patients: { userId: number; patientId: number; token: string }[];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id; // weekdays 09:00–12:00, 30 min, 2 seats
    staff = (await createUser(node, "staff", hospitalId)).token;
    patients = await createPatients(node, 12);
    const settings = await node.http("PUT", `/api/v1/hospitals/${hospitalId}/payment-settings`, {
      token: staff,
      body: { depositAmount: 10_000, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 },
    });
    expect(settings.status).toBe(200);
  });
  afterAll(() => node.close());

  const book = (token: string, start: string, extra: object = {}) =>
    node.http("POST", "/api/v1/appointments", {
      token,
      body: { hospitalId, doctorId, date: DAY, start, ...extra },
    });
  const pay = (token: string, orderId: string, amount: number, paymentKey = `pk_${orderId}`) =>
    node.http("POST", "/api/v1/payments/confirm", { token, body: { paymentKey, orderId, amount } });
  const booked = async (start: string) => {
    const res = await node.http(
      "GET",
      `/api/v1/hospitals/${hospitalId}/availability?date=${DAY}&doctorId=${doctorId}`,
    );
    return res.body.doctors[0].slots.find((s: { start: string }) => s.start === start).booked as number;
  };
  const orderStatus = (orderId: string) => statusOf(node.app.sequelize, "payments", "order_id", orderId);

  test("a deposit booking is held with its order; paying it books the seat, once", async () => {
    const [p] = patients;
    const res = await book(p.token, "09:00");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "pending", payment: { amount: 10_000, discount: 0 } });
    expect(res.body.payment.checkoutUrl).toBe(`/pay/${res.body.payment.orderId}`);
    expect(Date.parse(res.body.payment.expiresAt)).toBeGreaterThan(Date.parse(NOW));
    expect(await booked("09:00")).toBe(1);
    const { orderId } = res.body.payment;

    const wrong = await pay(p.token, orderId, 9_000);
    expect([wrong.status, wrong.body.error.code]).toEqual([422, "AMOUNT_MISMATCH"]);
    expect(await orderStatus(orderId)).toBe("pending");
    expect((await pay(patients[1].token, orderId, 10_000)).status).toBe(404);

    const paid = await pay(p.token, orderId, 10_000);
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({
      appointmentId: res.body.id,
      status: "booked",
      payment: { orderId, amount: 10_000, status: "paid" },
    });
    expect((await pay(p.token, orderId, 10_000)).body).toEqual(paid.body);
    const seen = await node.http("GET", `/api/v1/appointments/${res.body.id}`, { token: p.token });
    expect(seen.body).toMatchObject({ status: "booked", payment: { orderId, status: "paid" } });
  });

  test("a declined card releases the seat; the gateway's 500 leaves the order payable", async () => {
    const [, a, b] = patients;
    const held = await book(a.token, "09:30");
    const { orderId } = held.body.payment;
    const refused = await pay(a.token, orderId, 10_000, `decline_${orderId}`);
    expect([refused.status, refused.body.error.code]).toEqual([402, "PAYMENT_DECLINED"]);
    expect(await orderStatus(orderId)).toBe("declined");
    expect(await booked("09:30")).toBe(0);

    const other = await book(b.token, "09:30");
    const failing = await pay(
      b.token,
      other.body.payment.orderId,
      10_000,
      `error_${other.body.payment.orderId}`,
    );
    expect(failing.status).toBe(503);
    expect(await orderStatus(other.body.payment.orderId)).toBe("pending");
    expect((await pay(b.token, other.body.payment.orderId, 10_000)).status).toBe(200);
  });

  test("a hold that lapsed is not charged", async () => {
    const [, , , c] = patients;
    const held = await book(c.token, "10:00");
    node.advance(601_000);
    const late = await pay(c.token, held.body.payment.orderId, 10_000);
    expect([late.status, late.body.error.code]).toEqual([409, "HOLD_EXPIRED"]);
    expect(await orderStatus(held.body.payment.orderId)).toBe("expired");
    node.setNow(NOW);
  });

  test("cancelling refunds by the policy: all of it early, the late share after the limit", async () => {
    const [, , , , d, e] = patients;
    const early = await book(d.token, "10:30");
    await pay(d.token, early.body.payment.orderId, 10_000);
    const cancelled = await node.http("POST", `/api/v1/appointments/${early.body.id}/cancel`, {
      token: d.token,
    });
    expect(cancelled.body).toMatchObject({
      status: "cancelled",
      refund: { amount: 10_000, status: "refunded" },
    });

    const lateOne = await book(e.token, "11:00");
    await pay(e.token, lateOne.body.payment.orderId, 10_000);
    node.setNow("2026-11-23T12:00:00Z"); // Monday 21:00 in Seoul: 14 hours before
    const late = await node.http("POST", `/api/v1/appointments/${lateOne.body.id}/cancel`, {
      token: e.token,
    });
    expect(late.body).toMatchObject({ status: "cancelled", refund: { amount: 5_000 } });
    node.setNow(NOW);
    const [{ total }] = await node.app.sequelize.query<{ total: number }>(
      "SELECT SUM(amount) AS total FROM refunds WHERE hospital_id = ?",
      { replacements: [hospitalId], type: QueryTypes.SELECT },
    );
    expect(Number(total)).toBe(15_000);
  });

  /** A fresh coupon of 3,000 won off, claimed by `token`. */
  async function couponFor(token: string): Promise<string> {
    const admin = (await createUser(node, "admin")).token;
    const campaign = await node.http("POST", "/api/v1/coupon-campaigns", {
      token: admin,
      body: { name: "예약금 할인", discount: { type: "amount", value: 3_000 }, quantity: 5 },
    });
    return (await node.http("POST", `/api/v1/coupon-campaigns/${campaign.body.id}/claim`, { token })).body
      .code as string;
  }
  const couponStatus = (code: string) => statusOf(node.app.sequelize, "coupons", "code", code);

  test("a coupon discounts the deposit, is used when it is paid, and comes back when the booking is cancelled", async () => {
    const [, , , , , , f] = patients;
    const code = await couponFor(f.token);
    const held = await book(f.token, "11:30", { couponCode: code });
    expect(held.body.payment).toMatchObject({ amount: 7_000, discount: 3_000 });
    expect(await couponStatus(code)).toBe("reserved");
    expect((await pay(f.token, held.body.payment.orderId, 7_000)).status).toBe(200);
    expect(await couponStatus(code)).toBe("used");
    const cancelled = await node.http("POST", `/api/v1/appointments/${held.body.id}/cancel`, {
      token: f.token,
    });
    expect(cancelled.body.refund).toMatchObject({ amount: 7_000, status: "refunded" });
    await waitFor("the coupon to come back", 5000, async () => (await couponStatus(code)) === "issued", 20);
  });

  /** Runs `during` while the payments table is away: the database refuses every order. */
  async function withoutOrders(during: () => Promise<void>): Promise<void> {
    await node.app.sequelize.query("ALTER TABLE payments RENAME TO payments_away");
    try {
      await during();
    } finally {
      await node.app.sequelize.query("ALTER TABLE payments_away RENAME TO payments");
    }
  }

  test("a seat held whose deposit order could not be opened is given back, with its coupon, when no key can retry it", async () => {
    const g = patients[8];
    const code = await couponFor(g.token);
    const before = await booked("10:30");
    await withoutOrders(async () => {
      const failed = await book(g.token, "10:30", { couponCode: code });
      expect(failed.status).toBeGreaterThanOrEqual(500);
    });
    expect(await booked("10:30")).toBe(before);
    expect(await couponStatus(code)).toBe("issued");
    const again = await book(g.token, "10:30", { couponCode: code });
    expect(again.status).toBe(201);
    expect(again.body.payment).toMatchObject({ amount: 7_000, discount: 3_000 });
  });

  test("a keyed retry opens the deposit order that the first try, which held the seat, could not", async () => {
    const h = patients[9];
    const code = await couponFor(h.token);
    const before = await booked("10:00");
    const keyed = () =>
      node.http("POST", "/api/v1/appointments", {
        token: h.token,
        headers: { "idempotency-key": "deposit-retry-1" },
        body: { hospitalId, doctorId, date: DAY, start: "10:00", couponCode: code },
      });
    await withoutOrders(async () => {
      expect((await keyed()).status).toBeGreaterThanOrEqual(500);
    });
    expect(await booked("10:00")).toBe(before + 1);
    const retry = await keyed();
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ status: "pending", payment: { amount: 7_000, discount: 3_000 } });
    expect(await couponStatus(code)).toBe("reserved");
    const again = await keyed();
    expect(again.body.payment.orderId).toBe(retry.body.payment.orderId);
    expect((await pay(h.token, retry.body.payment.orderId, 7_000)).status).toBe(200);
    expect(await couponStatus(code)).toBe("used");
    expect(await booked("10:00")).toBe(before + 1);
  });

  test("a keyed booking whose deposit order could not be opened, never retried, gets its coupon back when the hold lapses", async () => {
    const k = patients[10];
    const code = await couponFor(k.token);
    await withoutOrders(async () => {
      const failed = await node.http("POST", "/api/v1/appointments", {
        token: k.token,
        headers: { "idempotency-key": "deposit-never-retried" },
        body: { hospitalId, doctorId, date: DAY, start: "11:00", couponCode: code },
      });
      expect(failed.status).toBeGreaterThanOrEqual(500);
    });
    expect(await couponStatus(code)).toBe("reserved");
    node.advance(601_000);
    await waitFor(
      "the lapsed hold to give the coupon back",
      5000,
      async () => (await couponStatus(code)) === "issued",
      20,
    );
    node.setNow(NOW);
  });

  test("settings are for the hospital's staff and checked field by field", async () => {
    const other = (await createUser(node, "staff", hospitalId + 999)).token;
    const path = `/api/v1/hospitals/${hospitalId}/payment-settings`;
    const body = { depositAmount: 5_000, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 };
    expect((await node.http("PUT", path, { token: other, body })).status).toBe(403);
    const bad = await node.http("PUT", path, {
      token: staff,
      body: { ...body, lateCancelRefundPercent: 150 },
    });
    expect(bad.status).toBe(422);
  });
});
