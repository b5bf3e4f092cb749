/**
 * A deposit's confirm whose node is SIGKILLed after the gateway charged the
 * card and before the order was marked paid, on real node processes (a
 * gateway and two workers, the Redis transporter, one MariaDB, one payment
 * gateway). Payments run on worker-1 only, so the kill is sure to land on the
 * node making the confirm. Nothing may be lost: the order is left
 * "confirming"; worker-1, restarted under the same NODE_ID, sweeps it once no
 * live attempt can still be making it, asks the gateway, and finishes the
 * saga. The seat ends booked, the order paid, the card charged once and not
 * refunded, and the patient's retry of the confirm answers 200 paid.
 */
import { HEARTBEAT_TIMEOUT_S } from "../../moleculer.config";
import { addDays, localMoment } from "../../platform/time";
import { resolveGateway } from "../../services/payments/gateways";
import { confirmStaleMs } from "../../services/payments/recovery-rules";
import { startSandbox } from "../../services/payments/sandbox";
import type { Sandbox } from "../../services/payments/sandbox";
import { Cluster, WORKER_SERVICES } from "../support/cluster";
import { createClinics, createPatientAccounts } from "../support/cluster-fixtures";
import type { Clinic } from "../support/cluster-fixtures";
import { startFlakyGateway } from "../support/flaky-gateway";
import type { FlakyGateway } from "../support/flaky-gateway";
import { statusOf } from "../support/row-counts";
import { waitFor } from "../support/wait-for";

const SECRET = "test_sk_cluster_saga";
const DEPOSIT = 10_000;
/** How long a node waits for the gateway: the window in which the kill lands. The sweep waits 6× this + 10 s. */
const PG_TIMEOUT_MS = 2000;
const TEST_TIMEOUT_MS = 180_000;

describe("a deposit confirm whose node is SIGKILLed after the charge (Redis transporter, MariaDB)", () => {
  let cluster: Cluster | undefined;
  let sandbox: Sandbox;
  let front: FlakyGateway;
  let clinic: Clinic;
  let accountId: number;
  let passed = false;

  beforeAll(async () => {
    sandbox = await startSandbox({ secretKey: SECRET });
    front = await startFlakyGateway(sandbox.url);
    cluster = await Cluster.create({
      requestTimeoutMs: 10_000,
      env: {
        PG_BASE_URL: front.url,
        PG_SECRET_KEY: SECRET,
        PG_TIMEOUT_MS: String(PG_TIMEOUT_MS),
        PAYMENT_RECOVERY_INTERVAL_MS: "1000",
      },
      servicesOf: (id) =>
        id === "worker-1" ? WORKER_SERVICES : WORKER_SERVICES.filter((s) => s !== "payments"),
    });
    [clinic] = await createClinics(cluster.models, {
      hospitals: 1,
      doctorsEach: 1,
      hours: { start: "09:00", end: "12:00", slotMinutes: 30, capacity: 2 },
      horizonDays: 30,
    });
    await cluster.sequelize.query(
      "INSERT INTO payment_settings (hospital_id, deposit_amount, full_refund_hours_before, late_cancel_refund_percent, updated_at) VALUES (?, ?, 24, 50, ?)",
      { replacements: [clinic.hospitalId, DEPOSIT, Date.now()] },
    );
    [accountId] = await createPatientAccounts(cluster.sequelize, 1);
    await cluster.start(["worker-1", "worker-2"]);
    await waitFor("payments on worker-1 in the gateway's registry", 30_000, async () =>
      ((await cluster!.viewOf("gateway")).payments ?? []).includes("worker-1"),
    );
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.close(!passed);
    await front?.close();
    await sandbox?.close();
  }, 60_000);

  test(
    "the restarted node's sweep finishes the saga: seat booked, order paid, card charged once",
    async () => {
      const c = cluster!;
      const token = c.tokenFor(accountId);
      const date = addDays(localMoment(new Date(), "Asia/Seoul").date, 2);
      const held = await c.request("POST", "/api/v1/appointments", {
        token,
        body: { hospitalId: clinic.hospitalId, doctorId: clinic.doctorIds[0], date, start: "09:00" },
        timeoutMs: 15_000,
      });
      expect([held.status, held.body?.payment?.amount]).toEqual([201, DEPOSIT]);
      const { orderId } = held.body.payment as { orderId: string };
      const paymentKey = `pk_cluster_${orderId}`;
      const confirm = { paymentKey, orderId, amount: DEPOSIT };
      const order = () => statusOf(c.sequelize, "payments", "order_id", orderId);

      // The gateway will charge but its answer will not come back: worker-1 waits for it.
      front.mode = "lose-answers";
      const cut = c.request("POST", "/api/v1/payments/confirm", { token, body: confirm, timeoutMs: 30_000 });
      const gateway = resolveGateway(
        { pgBaseUrl: sandbox.url, pgSecretKey: SECRET },
        { breakerThreshold: 1000 },
      );
      const charged = async () => (await gateway.get(paymentKey))?.status === "DONE";
      await waitFor("the gateway to charge the card", PG_TIMEOUT_MS, charged, 10);
      c.signal("worker-1", "SIGKILL");
      front.mode = "pass";
      expect(await order()).toBe("confirming");
      expect((await cut).status).not.toBe(200);
      expect(await c.exitOf("worker-1")).toEqual({ code: null, signal: "SIGKILL" });

      await c.restart("worker-1");
      // No live attempt can still be confirming after the stale time; then the next sweep (every 1 s) decides.
      const recoveredWithin = confirmStaleMs(PG_TIMEOUT_MS) + 2 * HEARTBEAT_TIMEOUT_S * 1000 + 30_000;
      await waitFor(
        "the sweep to finish the order",
        recoveredWithin,
        async () => (await order()) === "paid",
        500,
      );
      expect(await statusOf(c.sequelize, "appointments", "id", held.body.id as string)).toBe("booked");
      const payment = await gateway.get(paymentKey);
      expect([payment?.status, payment?.balanceAmount, payment?.cancels ?? []]).toEqual([
        "DONE",
        DEPOSIT,
        [],
      ]);
      const confirms = sandbox.requests.filter(
        (r) => r.method === "POST" && r.path === "/v1/payments/confirm",
      );
      expect(confirms).toHaveLength(1);

      const retry = await c.request("POST", "/api/v1/payments/confirm", {
        token,
        body: confirm,
        timeoutMs: 15_000,
      });
      expect([retry.status, retry.body]).toEqual([
        200,
        {
          appointmentId: held.body.id,
          status: "booked",
          payment: { orderId, amount: DEPOSIT, status: "paid" },
        },
      ]);
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});
