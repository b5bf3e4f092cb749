/**
 * Failure injection into the deposit saga, against a sandbox gateway the test
 * owns (behind a front that can lose answers): declines, 500s, timeouts, a
 * lost answer to a charge, a crash between each pair of steps (the order left
 * as a crashed node would leave it, then the recovery sweep), and holds that
 * lapse. After each, the three invariants hold: no seat held without a live
 * payment attempt, no captured payment without a booked seat or a refund, no
 * coupon used without a booked seat. The table of outcomes is printed at the end.
 */
import { startDepositHarness } from "../../test/support/deposit-harness";
import type { DepositHarness, Held } from "../../test/support/deposit-harness";
import { GATEWAY_TIMEOUT_MS, RECOVERY_EVERY_MS } from "../../test/support/deposit-harness";
import { confirmStaleMs } from "./recovery-rules";
import { waitFor } from "../../test/support/wait-for";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul
const HOLD_MS = 600_000;
const STALE_MS = confirmStaleMs(GATEWAY_TIMEOUT_MS) + 1_000;

/** Polls `condition` (an event handled elsewhere in the node) for up to 5 s. */
/** A charge refunded after its hold lapsed: the money back, the seat freed, the coupon issued again. */
const REFUNDED_SEAT_FREED = /^order refunded, seat (expired|cancelled), coupon issued, gateway CANCELED$/;

/** The saga's later steps (the day's hold timer, the sweep) land within 5 s. */
const until = (condition: () => Promise<boolean>) => waitFor("the saga's next step", 5000, condition, 20);

describe("deposit saga under injected failures", () => {
  let h: DepositHarness;
  const outcomes: [string, string, string][] = [];

  beforeAll(async () => {
    h = await startDepositHarness(NOW);
  });
  afterAll(async () => {
    const width = Math.max(...outcomes.map(([f]) => f.length));
    console.log(
      [
        `${"injected failure".padEnd(width)} | answer | outcome`,
        ...outcomes.map(([f, answer, o]) => `${f.padEnd(width)} | ${answer.padEnd(6)} | ${o}`),
      ].join("\n"),
    );
    await h.close();
  });

  /**
   * Records the row, then checks the invariants over everything so far. `inFlight`: this order's
   * charge is still being resolved (confirming), so only it may be captured without a booked seat yet.
   */
  async function outcome(failure: string, held: Held, answer: string, expected: string, inFlight = false) {
    const state = await h.state(held);
    outcomes.push([failure, answer, state]);
    expect(state).toBe(expected);
    const { capturedUnbooked, ...others } = await h.violations();
    expect(others).toEqual({ heldWithoutAttempt: [], usedUnbooked: [] });
    expect(capturedUnbooked).toEqual(inFlight ? [`pk_${held.orderId}`] : []);
  }
  const sweep = () => h.node.broker.call<Record<string, number>>("payments.recover");
  /** The order as a node that crashed after marking it "confirming" with `paymentKey` leaves it. */
  const crashed = (held: Held, paymentKey: string) =>
    h.run("UPDATE payments SET status = 'confirming', payment_key = ?, updated_at = ? WHERE order_id = ?", [
      paymentKey,
      h.node.app.now().getTime(),
      held.orderId,
    ]);
  const charge = (held: Held, paymentKey: string) =>
    h.gateway.confirm({ paymentKey, orderId: held.orderId, amount: held.amount });
  const confirmDay = (held: Held) =>
    h.node.broker.call("day.confirm", { dayKey: h.dayKey, appointmentId: held.appointmentId });

  test("a declined card: 402, seat and coupon released", async () => {
    const held = await h.hold();
    const res = await h.pay(held, `decline_${held.orderId}`);
    expect(res).toEqual({ status: 402, code: "PAYMENT_DECLINED" });
    await outcome("decline", held, "402", "order declined, seat cancelled, coupon issued, gateway none");
  });

  test("the gateway answers 500: 503, the order stays payable, and a retry pays", async () => {
    const held = await h.hold();
    expect(await h.pay(held, `error_${held.orderId}`)).toEqual({
      status: 503,
      code: "PAYMENT_GATEWAY_UNAVAILABLE",
    });
    await outcome("gateway 500", held, "503", "order pending, seat pending, coupon reserved, gateway none");
    expect((await h.pay(held, `pk_${held.orderId}`)).status).toBe(200);
    await outcome(
      "gateway 500, then retry",
      held,
      "200",
      "order paid, seat booked, coupon used, gateway DONE",
    );
  });

  test("the gateway never answers: 503 after the timeout, the look-up proves nothing was charged", async () => {
    const held = await h.hold();
    expect(await h.pay(held, `timeout_${held.orderId}`)).toEqual({
      status: 503,
      code: "PAYMENT_GATEWAY_UNAVAILABLE",
    });
    await outcome(
      "gateway timeout",
      held,
      "503",
      "order pending, seat pending, coupon reserved, gateway none",
    );
  });

  test("the answer to a charge is lost: 503, the order stays confirming; the sweep books it", async () => {
    const held = await h.hold();
    h.front.mode = "lose-answers";
    const res = await h.pay(held, `pk_${held.orderId}`);
    h.front.mode = "pass";
    expect(res).toEqual({ status: 503, code: "PAYMENT_GATEWAY_UNAVAILABLE" });
    await outcome(
      "answer lost after charge",
      held,
      "503",
      "order confirming, seat pending, coupon reserved, gateway DONE",
      true,
    );
    expect((await h.pay(held, `pk_${held.orderId}`)).code).toBe("CONFIRM_IN_PROGRESS");
    h.node.advance(STALE_MS);
    expect((await sweep()).finish).toBeGreaterThanOrEqual(1);
    await outcome("  … then the sweep", held, "-", "order paid, seat booked, coupon used, gateway DONE");
  });

  test("the answer to a charge is lost; the patient's retry after it went stale books it", async () => {
    const held = await h.hold();
    h.front.mode = "lose-answers";
    expect((await h.pay(held, `pk_${held.orderId}`)).status).toBe(503);
    h.front.mode = "pass";
    h.node.advance(STALE_MS);
    expect((await h.pay(held, `pk_${held.orderId}`)).status).toBe(200);
    await outcome(
      "answer lost, patient retries",
      held,
      "200",
      "order paid, seat booked, coupon used, gateway DONE",
    );
  });

  test("crash after marking confirming, before the gateway: reopened, then payable", async () => {
    const held = await h.hold();
    await crashed(held, `pk_${held.orderId}`);
    h.node.advance(STALE_MS);
    expect((await sweep()).reopen).toBeGreaterThanOrEqual(1);
    await outcome(
      "crash: confirming → gateway",
      held,
      "-",
      "order pending, seat pending, coupon reserved, gateway none",
    );
    expect((await h.pay(held, `pk2_${held.orderId}`)).status).toBe(200);
  });

  test.each([
    ["charge → book seat", 1],
    ["book seat → use coupon", 2],
    ["use coupon → mark paid", 3],
  ])("crash between %s (after %i of the confirm's steps): the sweep finishes", async (between, done) => {
    const held = await h.hold();
    const [o] = await h.sql<{ coupon_ref: string; account_id: number }>(
      "SELECT coupon_ref, account_id FROM payments WHERE order_id = ?",
      [held.orderId],
    );
    await crashed(held, `pk_${held.orderId}`);
    await charge(held, `pk_${held.orderId}`);
    if (done >= 2) await confirmDay(held);
    if (done >= 3)
      await h.node.broker.call("coupons.use", {
        code: held.code,
        ref: o.coupon_ref,
        accountId: Number(o.account_id),
        appointmentId: held.appointmentId,
      });
    h.node.advance(STALE_MS);
    expect((await sweep()).finish).toBeGreaterThanOrEqual(1);
    await outcome(`crash: ${between}`, held, "-", "order paid, seat booked, coupon used, gateway DONE");
  });

  test("crash after the charge, and the hold lapses: the sweep refunds", async () => {
    const held = await h.hold();
    await crashed(held, `pk_${held.orderId}`);
    await charge(held, `pk_${held.orderId}`);
    h.node.advance(HOLD_MS + 1_000);
    expect((await sweep()).refund).toBeGreaterThanOrEqual(1);
    // The seat is freed by the day's own hold timer, which runs beside the sweep: wait for it.
    await until(async () => REFUNDED_SEAT_FREED.test(await h.state(held)));
    const state = await h.state(held);
    await outcome("crash: charge, hold lapses", held, "-", state);
  });

  test("crash after the gateway refund, before recording it: the sweep records it, no second refund", async () => {
    const held = await h.hold();
    await crashed(held, `pk_${held.orderId}`);
    await charge(held, `pk_${held.orderId}`);
    h.node.advance(HOLD_MS + 1_000);
    await h.gateway.cancel(
      `pk_${held.orderId}`,
      { cancelReason: "hold expired", cancelAmount: held.amount },
      `refund-${held.orderId}`,
    );
    expect((await sweep()).refund).toBeGreaterThanOrEqual(1);
    // The seat is freed by the day's own hold timer, which runs beside the sweep: wait for it.
    await until(async () => REFUNDED_SEAT_FREED.test(await h.state(held)));
    const state = await h.state(held);
    expect((await h.gateway.get(`pk_${held.orderId}`))?.cancels).toHaveLength(1);
    await outcome("crash: gateway refund → record", held, "-", state);
  });

  test("crash after a decline, before releasing: reopened while the hold lives", async () => {
    const held = await h.hold();
    await crashed(held, `decline_${held.orderId}`);
    h.node.advance(STALE_MS);
    expect((await sweep()).reopen).toBeGreaterThanOrEqual(1);
    await outcome(
      "crash: decline → release",
      held,
      "-",
      "order pending, seat pending, coupon reserved, gateway none",
    );
  });

  test("crash before the gateway, and the hold lapses: expired, seat and coupon released", async () => {
    const held = await h.hold();
    await crashed(held, `pk_${held.orderId}`);
    h.node.advance(HOLD_MS + 1_000);
    expect((await sweep()).expire).toBeGreaterThanOrEqual(1);
    const state = await h.state(held);
    expect(state).toMatch(/^order expired, seat (expired|cancelled), coupon issued, gateway none$/);
    await outcome("crash: confirming, hold lapses", held, "-", state);
  });

  test("the hold lapses before the confirm: 409, nothing charged, coupon released", async () => {
    const held = await h.hold();
    h.node.advance(HOLD_MS + 1_000);
    expect(await h.pay(held, `pk_${held.orderId}`)).toEqual({ status: 409, code: "HOLD_EXPIRED" });
    const state = await h.state(held);
    expect(state).toMatch(/^order expired, seat (expired|cancelled|pending), coupon issued, gateway none$/);
    await outcome("hold lapses before confirm", held, "409", state);
  });

  test("the hold's expiry event is lost: the sweep expires the order and releases the coupon", async () => {
    const held = await h.hold();
    h.node.advance(HOLD_MS + 1_000);
    await h.node.broker.call("day.expireHolds", { dayKey: h.dayKey });
    // The expiry event arrives and is handled; then the test takes its effect back.
    await until(async () => (await h.state(held)).startsWith("order expired"));
    await until(
      async () => (await h.sql("SELECT 1 FROM outbox_events WHERE dispatched_at IS NULL")).length === 0,
    );
    // As if the event never came: the order still pending, its coupon still reserved.
    const [o] = await h.sql<{ coupon_ref: string }>("SELECT coupon_ref FROM payments WHERE order_id = ?", [
      held.orderId,
    ]);
    await h.run("UPDATE payments SET status = 'pending' WHERE order_id = ?", [held.orderId]);
    await h.run("UPDATE coupons SET status = 'reserved', held_by = ? WHERE code = ?", [
      o.coupon_ref,
      held.code,
    ]);
    expect((await sweep()).expire).toBeGreaterThanOrEqual(1);
    await outcome(
      "hold expiry event lost",
      held,
      "-",
      "order expired, seat expired, coupon issued, gateway none",
    );
  });

  test("a crash between the day's cancel of a paid booking and its refund: the cancelled event refunds it", async () => {
    const held = await h.hold(false);
    expect((await h.pay(held, `pk_${held.orderId}`)).status).toBe(200);
    // What POST /appointments/:id/cancel does first; the node dies before it asks payments to refund.
    await h.node.broker.call("day.cancel", {
      dayKey: h.dayKey,
      appointmentId: held.appointmentId,
      caller: { accountId: 1, role: "admin", hospitalId: null },
    });
    await until(async () => (await h.state(held)).startsWith("order refunded"));
    const [refund] = await h.sql<{ amount: number }>("SELECT amount FROM refunds WHERE order_id = ?", [
      held.orderId,
    ]);
    expect(Number(refund.amount)).toBe(held.amount); // two days ahead: all of it, by the policy
    await outcome(
      "crash: cancel → refund",
      held,
      "-",
      "order refunded, seat cancelled, coupon none, gateway CANCELED",
    );
  });

  test("the sweep runs by itself on the node's clock: a charge left behind is refunded once its hold lapsed", async () => {
    const held = await h.hold();
    await crashed(held, `pk_${held.orderId}`);
    await charge(held, `pk_${held.orderId}`);
    h.node.advance(RECOVERY_EVERY_MS);
    await until(async () => REFUNDED_SEAT_FREED.test(await h.state(held)));
    const state = await h.state(held);
    await outcome("crash: charge; timer sweep", held, "-", state);
  });
});
