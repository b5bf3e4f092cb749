import type { GatewayPayment } from "./gateways/gateway";
import type { GatewayAnswer, Hold, RecoveryStep } from "./recovery-rules";
import { answerOf, confirmStaleMs, holdOf, nextStep } from "./recovery-rules";
import type { PaymentStatus } from "./payment-store";

describe("nextStep", () => {
  const table: [PaymentStatus, boolean, GatewayAnswer | null, Hold, RecoveryStep][] = [
    // status        stale  gateway        hold      → step
    ["pending", true, null, "alive", "none"],
    ["pending", true, null, "booked", "none"],
    ["pending", true, null, "gone", "expire"],
    ["confirming", false, "charged", "alive", "wait"],
    ["confirming", false, "not-charged", "gone", "wait"],
    ["confirming", true, null, "alive", "wait"],
    ["confirming", true, "unknown", "gone", "wait"],
    ["confirming", true, "charged", "alive", "finish"],
    ["confirming", true, "charged", "booked", "finish"],
    ["confirming", true, "charged", "gone", "refund"],
    ["confirming", true, "refunded", "alive", "refund"],
    ["confirming", true, "refunded", "gone", "refund"],
    ["confirming", true, "not-charged", "alive", "reopen"],
    ["confirming", true, "not-charged", "booked", "reopen"],
    ["confirming", true, "not-charged", "gone", "expire"],
    ["paid", true, "charged", "booked", "none"],
    ["declined", true, "not-charged", "gone", "none"],
    ["expired", true, "charged", "gone", "none"],
    ["refunded", true, "refunded", "gone", "none"],
  ];

  test.each(table)("%s (stale %s), gateway %s, hold %s → %s", (status, stale, answer, hold, step) => {
    expect(nextStep(status, stale, answer, hold)).toBe(step);
  });
});

describe("holdOf", () => {
  test.each([
    ["pending", 2_000, "alive"],
    ["pending", 1_000, "gone"],
    ["pending", null, "alive"],
    ["booked", null, "booked"],
    ["expired", null, "gone"],
    ["cancelled", null, "gone"],
  ] as const)("%s until %s at 1000 → %s", (status, holdExpiresAt, hold) => {
    expect(holdOf({ status, holdExpiresAt }, 1_000)).toBe(hold);
  });
});

describe("answerOf", () => {
  const payment = (status: GatewayPayment["status"], orderId = "ord_1"): GatewayPayment => ({
    paymentKey: "pk",
    orderId,
    status,
    totalAmount: 1000,
    balanceAmount: 1000,
  });

  test.each([
    ["DONE", "charged"],
    ["CANCELED", "refunded"],
    ["PARTIAL_CANCELED", "refunded"],
    ["ABORTED", "not-charged"],
    ["EXPIRED", "not-charged"],
    ["IN_PROGRESS", "unknown"],
    ["READY", "unknown"],
    ["WAITING_FOR_DEPOSIT", "unknown"],
  ] as const)("%s → %s", (status, answer) => {
    expect(answerOf(payment(status), "ord_1")).toBe(answer);
  });

  test("no payment, or one of another order, charged nothing for this order", () => {
    expect(answerOf(null, "ord_1")).toBe("not-charged");
    expect(answerOf(payment("DONE", "ord_2"), "ord_1")).toBe("not-charged");
  });
});

test("a confirm counts as stale only after the adapter's worst case", () => {
  expect(confirmStaleMs(5_000)).toBeGreaterThan(6 * 5_000);
});
