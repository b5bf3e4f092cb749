/**
 * A test node whose payments go through a flaky front to a sandbox the test
 * owns, with helpers to put an order where a crashed node would have left it,
 * and the deposit saga's three invariants checked against the database and
 * the gateway's own record.
 */
import { QueryTypes } from "sequelize";
import { loadConfig } from "../../platform/config";
import type { AppConfig } from "../../platform/config";
import { dayKeyOf } from "../../services/day/day-key";
import { resolveGateway } from "../../services/payments/gateways";
import type { PaymentGateway } from "../../services/payments/gateways";
import { startSandbox } from "../../services/payments/sandbox";
import type { Sandbox } from "../../services/payments/sandbox";
import { createDoctor, createHospital, createPatients, createUser } from "./fixtures";
import { startFlakyGateway } from "./flaky-gateway";
import type { FlakyGateway } from "./flaky-gateway";
import { startTestNode } from "./test-node";
import type { TestNode } from "./test-node";

const SECRET = "test_sk_saga";
export const DAY = "2026-11-24"; // a Tuesday
export const GATEWAY_TIMEOUT_MS = 300;
/** Long, so that no timer sweep takes an order from under a spec's assertions unless the spec moves the clock that far. */
export const RECOVERY_EVERY_MS = 24 * 3600_000;

export interface Held {
  token: string;
  appointmentId: string;
  orderId: string;
  amount: number;
  /** The coupon discounting it, if one was asked for. */
  code: string | null;
}

export interface DepositHarness {
  node: TestNode;
  sandbox: Sandbox;
  front: FlakyGateway;
  /** The day every booking is on. */
  dayKey: string;
  /** Straight to the sandbox: what a crashed node had already done there, and the money's truth. */
  gateway: PaymentGateway;
  /**
   * A fresh patient's deposit booking, held and unpaid, with a coupon unless `coupon` is false
   * (in Kafka mode a claimed coupon becomes a row only later, through its consumer).
   */
  hold(coupon?: boolean): Promise<Held>;
  pay(h: Held, paymentKey: string): Promise<{ status: number; code?: string }>;
  sql<T extends object>(query: string, replacements?: unknown[]): Promise<T[]>;
  /** A write straight to the database: the state a crashed node left. */
  run(query: string, replacements?: unknown[]): Promise<void>;
  /** The order, its seat, its coupon and the gateway's record, in one line. */
  state(h: Held): Promise<string>;
  /**
   * The three invariants, over every order and every key the gateway was asked to
   * charge; each list names the violations (all empty when they hold).
   */
  violations(): Promise<{ heldWithoutAttempt: object[]; capturedUnbooked: string[]; usedUnbooked: object[] }>;
  close(): Promise<void>;
}

export async function startDepositHarness(
  now: string,
  overrides: Partial<AppConfig> = {},
): Promise<DepositHarness> {
  const sandbox = await startSandbox({ secretKey: SECRET });
  const front = await startFlakyGateway(sandbox.url);
  const payments = {
    ...loadConfig({}).payments,
    pgBaseUrl: front.url,
    pgSecretKey: SECRET,
    gatewayTimeoutMs: GATEWAY_TIMEOUT_MS,
    recoveryEveryMs: RECOVERY_EVERY_MS,
  };
  const node = await startTestNode({ payments, ...overrides });
  node.setNow(now);
  const gateway = resolveGateway({ pgBaseUrl: sandbox.url, pgSecretKey: SECRET }, { breakerThreshold: 1000 });
  const hospitalId = (await createHospital(node.app)).id;
  const doctors = [
    (await createDoctor(node.app, hospitalId)).id,
    (await createDoctor(node.app, hospitalId)).id,
  ];
  const staff = (await createUser(node, "staff", hospitalId)).token;
  const admin = (await createUser(node, "admin")).token;
  await node.http("PUT", `/api/v1/hospitals/${hospitalId}/payment-settings`, {
    token: staff,
    body: { depositAmount: 10_000, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 },
  });
  const campaign = await node.http("POST", "/api/v1/coupon-campaigns", {
    token: admin,
    body: { name: "saga", discount: { type: "amount", value: 3_000 }, quantity: 100 },
  });
  const patients = await createPatients(node, 40);
  const seats = doctors.flatMap((d) =>
    ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"].flatMap((start) =>
      [0, 1].map(() => ({ d, start })),
    ),
  );
  let used = 0;
  const keys = new Set<string>();

  const sql = <T extends object>(query: string, replacements: unknown[] = []) =>
    node.app.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

  const harness: DepositHarness = {
    node,
    sandbox,
    front,
    dayKey: dayKeyOf(hospitalId, DAY),
    gateway: {
      ...gateway,
      confirm: (req) => (keys.add(req.paymentKey), gateway.confirm(req)),
    },
    sql,
    async run(query, replacements = []) {
      await node.app.sequelize.query(query, { replacements });
    },
    async hold(coupon = true) {
      const patient = patients[used];
      const seat = seats[used++];
      const claim = coupon
        ? await node.http("POST", `/api/v1/coupon-campaigns/${campaign.body.id}/claim`, {
            token: patient.token,
          })
        : null;
      const code = (claim?.body.code as string | undefined) ?? null;
      const res = await node.http("POST", "/api/v1/appointments", {
        token: patient.token,
        body: {
          hospitalId,
          doctorId: seat.d,
          date: DAY,
          start: seat.start,
          ...(code ? { couponCode: code } : {}),
        },
      });
      if (res.status !== 201) throw new Error(`booking failed: ${JSON.stringify(res.body)}`);
      const { orderId, amount } = res.body.payment as { orderId: string; amount: number };
      return { token: patient.token, appointmentId: res.body.id as string, orderId, amount, code };
    },
    async pay(h, paymentKey) {
      keys.add(paymentKey);
      const res = await node.http("POST", "/api/v1/payments/confirm", {
        token: h.token,
        body: { paymentKey, orderId: h.orderId, amount: h.amount },
      });
      return { status: res.status, code: res.body?.error?.code as string | undefined };
    },
    async state(h) {
      const [o] = await sql<{ status: string; payment_key: string | null }>(
        "SELECT status, payment_key FROM payments WHERE order_id = ?",
        [h.orderId],
      );
      const [a] = await sql<{ status: string }>("SELECT status FROM appointments WHERE id = ?", [
        h.appointmentId,
      ]);
      const [c] = await sql<{ status: string }>("SELECT status FROM coupons WHERE code = ?", [h.code ?? ""]);
      const pg = o.payment_key ? ((await gateway.get(o.payment_key))?.status ?? "none") : "none";
      return `order ${o.status}, seat ${a.status}, coupon ${c?.status ?? "none"}, gateway ${pg}`;
    },
    violations,
    close: async () => {
      await node.close();
      await front.close();
      await sandbox.close();
    },
  };

  async function violations() {
    const at = node.app.now().getTime();
    const heldWithoutAttempt = await sql(
      `SELECT a.id FROM appointments a LEFT JOIN payments p ON p.appointment_id = a.id
       WHERE a.status = 'pending' AND a.hold_expires_at > ? AND (p.status IS NULL OR p.status NOT IN ('pending', 'confirming'))`,
      [at],
    );
    const capturedUnbooked: string[] = [];
    const rows = await sql<{ payment_key: string }>(
      "SELECT payment_key FROM payments WHERE payment_key IS NOT NULL",
    );
    for (const key of new Set([...keys, ...rows.map((r) => r.payment_key)])) {
      const found = await gateway.get(key);
      if (found?.status !== "DONE") continue;
      const [a] = await sql<{ status: string }>(
        "SELECT a.status FROM payments p JOIN appointments a ON a.id = p.appointment_id WHERE p.order_id = ?",
        [found.orderId],
      );
      if (a?.status !== "booked") capturedUnbooked.push(key);
    }
    const usedUnbooked = await sql(
      `SELECT c.code FROM coupons c LEFT JOIN appointments a ON a.id = c.held_by
       WHERE c.status = 'used' AND (a.status IS NULL OR a.status <> 'booked')`,
    );
    return { heldWithoutAttempt, capturedUnbooked, usedUnbooked };
  }
  return harness;
}
