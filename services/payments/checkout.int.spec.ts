/**
 * The checkout page's order view: the order's own patient reads it; another
 * patient, staff (even of that hospital) and an unknown id learn nothing.
 */
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul; the day booked is Tuesday
const DAY = "2026-11-24";

describe("the order view of the checkout page", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctor: { id: number; name: string; department: string };
  let staff: string;
  let patients: { userId: number; token: string }[];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    const hospital = await createHospital(node.app, { name: "주문조회의원" });
    hospitalId = hospital.id;
    doctor = await createDoctor(node.app, hospitalId, { name: "이의사" });
    staff = (await createUser(node, "staff", hospitalId)).token;
    patients = await createPatients(node, 4);
    const settings = await node.http("PUT", `/api/v1/hospitals/${hospitalId}/payment-settings`, {
      token: staff,
      body: { depositAmount: 10_000, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 },
    });
    expect(settings.status).toBe(200);
  });
  afterAll(() => node.close());

  const book = async (token: string, start: string) => {
    const res = await node.http("POST", "/api/v1/appointments", {
      token,
      body: { hospitalId, doctorId: doctor.id, date: DAY, start },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; payment: { orderId: string; expiresAt: string } };
  };
  const view = (orderId: string, token?: string) =>
    node.http("GET", `/api/v1/payments/orders/${orderId}`, { token });

  test("the owner sees the order with its booking; nobody else does", async () => {
    const [owner, other] = patients;
    const held = await book(owner.token, "09:00");
    const { orderId } = held.payment;

    const seen = await view(orderId, owner.token);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      orderId,
      status: "pending",
      amount: 10_000,
      discount: 0,
      gross: 10_000,
      expiresAt: held.payment.expiresAt,
      hospital: { id: hospitalId, name: "주문조회의원" },
      doctor: { id: doctor.id, name: "이의사", department: doctor.department },
      date: DAY,
      start: "09:00",
      now: expect.any(String),
    });
    expect(Date.parse(seen.body.expiresAt)).toBeGreaterThan(Date.parse(seen.body.now));

    const unknown = await view("ord_00000000000000000000000000000000", owner.token);
    const foreign = await view(orderId, other.token);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "NOT_FOUND"]);
    // Another patient's order answers exactly as a missing one would, id aside.
    expect([foreign.status, foreign.body.error.code]).toEqual([404, "NOT_FOUND"]);
    expect(Object.keys(foreign.body.error.details).sort()).toEqual(["entity", "id"]);

    const ofStaff = await view(orderId, staff);
    expect([ofStaff.status, ofStaff.body.error.code]).toEqual([403, "WRONG_ROLE"]);
    const admin = (await createUser(node, "admin")).token;
    expect((await view(orderId, admin)).status).toBe(403);
    expect((await view(orderId)).status).toBe(401);
  });

  test("the action itself answers staff, even of that hospital, with 404", async () => {
    const [, , p] = patients;
    const { orderId } = (await book(p.token, "09:30")).payment;
    const ask = (user: { id: number; role: string; hospitalId: number | null }) =>
      node.broker.call("payments.order", { orderId }, { meta: { user } });
    await expect(ask({ id: 999_999, role: "staff", hospitalId })).rejects.toMatchObject({
      code: 404,
      type: "NOT_FOUND",
    });
    await expect(ask({ id: p.userId, role: "patient", hospitalId: null })).resolves.toMatchObject({
      orderId,
    });
  });

  test("a paid order shows paid and a lapsed hold expired, neither with a countdown", async () => {
    const [, other, , late] = patients;
    const { orderId } = (await book(other.token, "10:00")).payment;
    const paid = await node.http("POST", "/api/v1/payments/confirm", {
      token: other.token,
      body: { paymentKey: `sandbox_${orderId}`, orderId, amount: 10_000 },
    });
    expect(paid.status).toBe(200);
    expect((await view(orderId, other.token)).body).toMatchObject({ status: "paid", expiresAt: null });

    const lapsing = (await book(late.token, "10:30")).payment.orderId;
    node.advance(601_000);
    expect((await view(lapsing, late.token)).body).toMatchObject({ status: "expired", expiresAt: null });
    node.setNow(NOW);
  });
});
