/**
 * The admin console against a 2-node cluster on the real Redis transporter:
 * `npm run admin -- <command>` (scripts/admin.ts, its own process) joins, asks
 * every node, prints and exits.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { createNode } from "../../node";
import type { HospitalNode } from "../../node";
import { createTestDatabase } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { redisNodeConfig } from "../../test/support/redis-nodes";
import { createDoctor, createHospital } from "../../test/support/fixtures";
import { addDays, localMoment } from "../../platform/time";

const SECRET = "admin-test-secret-of-more-than-32-characters!";
const ROOT = path.resolve(__dirname, "../..");
const WORKER = [
  "accounts",
  "patients",
  "hospitals",
  "day",
  "schedules",
  "appointments",
  "coupons",
  "payments",
  "settlement",
  "health",
];

describe("the admin console on a 2-node cluster", () => {
  let db: TestDatabase;
  const nodes: HospitalNode[] = [];
  const namespace = `admin-${process.pid}-${Date.now()}`;
  let hospitalId = 0;

  beforeAll(async () => {
    db = await createTestDatabase("mariadb");
    const base = redisNodeConfig(namespace, SECRET, db.url);
    for (const nodeId of ["admin-test-w1", "admin-test-w2"]) {
      const node = await createNode({ ...base, nodeId, services: WORKER }, { broker: { logger: false } });
      await node.broker.start();
      nodes.push(node);
    }
    await Promise.all(nodes.map((n) => n.broker.waitForServices(["day"], 20_000)));
    for (let i = 0; i < 100 && nodes.some((n) => daysNodes(n) < 2); i++)
      await new Promise((r) => setTimeout(r, 100));
    hospitalId = (await createHospital(nodes[0].app)).id;
    await createDoctor(nodes[0].app, hospitalId);
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes.reverse()) await node.stop();
    await db.drop();
  });

  const daysNodes = (n: HospitalNode) =>
    n.broker.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "day").length;

  /**
   * Runs `npm run admin -- <args>` as an operator would, in the cluster's namespace
   * (asynchronously: the nodes in this process must keep answering meanwhile).
   */
  function admin(...args: string[]): Promise<{ code: number | null; out: string }> {
    const child = spawn(process.execPath, ["--import", require.resolve("tsx"), "scripts/admin.ts", ...args], {
      cwd: ROOT,
      env: {
        TRANSPORTER: "redis://127.0.0.1:6379",
        NAMESPACE: namespace,
        JWT_SECRET: SECRET,
      },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    return new Promise((resolve) =>
      child.once("close", (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      }),
    );
  }

  test("days, day, evict, outbox and oversold answer from every node", async () => {
    const today = localMoment(new Date(), "Asia/Seoul").date;
    const dates = [1, 2, 3, 4, 5, 6].map((d) => addDays(today, d));
    for (const date of dates) await nodes[0].broker.call("appointments.availability", { hospitalId, date });

    const days = await admin("days");
    expect(days.code).toBe(0);
    for (const date of dates) expect(days.out).toContain(`${hospitalId}:${date}`);
    const owners = new Set(
      dates.map(
        (date) =>
          days.out
            .split("\n")
            .find((l) => l.includes(`${hospitalId}:${date}`))
            ?.split(/\s+/)[1],
      ),
    );
    expect([...owners].every((o) => o === "admin-test-w1" || o === "admin-test-w2")).toBe(true);

    const day = await admin("day", String(hospitalId), dates[0]);
    expect(day.code).toBe(0);
    expect(day.out).toContain(`"hospitalId": ${hospitalId}`);
    expect(day.out).toContain(`"date": "${dates[0]}"`);

    const evict = await admin("evict", String(hospitalId), dates[0]);
    expect(evict.out).toContain("Evicted 1 activation(s)");
    expect((await admin("days")).out).not.toContain(`${hospitalId}:${dates[0]}`);

    expect((await admin("outbox")).out).toMatch(/pending \d+, oldest/);
    expect((await admin("oversold")).out).toContain("oversold 0");
    expect((await admin("nonsense")).out).toContain('Unknown command "nonsense"');
  });

  test("dlq lists a dead letter and replays it; coupons compares a campaign's counter with the database", async () => {
    const { sequelize } = nodes[0].app;
    await sequelize.query(
      `INSERT INTO dead_letters (consumer, event_id, stream_key, type, payload, error, attempts, created_at)
       VALUES ('test.consumer', 'ev-dead-1', '1:2026-12-01', 'appointment.booked', '{}', 'boom', 5, 0)`,
    );
    const listed = await admin("dlq");
    const id = /#(\d+) test\.consumer appointment\.booked ev-dead-1 after 5 attempts: boom/.exec(
      listed.out,
    )?.[1];
    expect(id).toBeDefined();
    expect((await admin("dlq", String(id))).out).toContain('"replayed": "ev-dead-1"');
    expect((await admin("dlq")).out).toContain("No dead letters.");

    await sequelize.query(
      `INSERT INTO coupon_campaigns (id, name, discount_type, discount_value, quantity, starts_at, ends_at, hospital_id, created_by, created_at)
       VALUES (77, 'test', 'amount', 1000, 5, NULL, NULL, NULL, 1, 0)`,
    );
    const coupons = await admin("coupons", "77");
    expect(coupons.out).toContain('"campaignId": 77');
    expect(coupons.out).toContain('"remaining": 5');
  });

  test("settle runs a day's settlement on a worker and says what it wrote", async () => {
    const settled = await admin("settle", "2026-11-30");
    expect(settled.code).toBe(0);
    expect(settled.out).toMatch(
      /Settled 2026-11-30: \d+ hospitals, net -?\d+ won \(\d+ rows in \d+ chunks\)/,
    );
    const refused = await admin("settle", "2026-02-30");
    expect(refused.code).toBe(1);
    expect(refused.out).not.toContain("Settled");
  });
});
