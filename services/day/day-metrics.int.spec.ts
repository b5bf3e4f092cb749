/**
 * The metrics exporter as an operator scrapes it: bearer-guarded, nothing
 * host-identifying, valid for `promtool check metrics`, and each domain
 * figure moves when its cause happens.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { freePort } from "../../test/support/ports";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul
const TOKEN = "scrape-token-for-the-test";

describe("the metrics exporter", () => {
  let node: TestNode;
  let port: number;
  let hospitalId: number;
  let doctorId: number;

  beforeAll(async () => {
    port = await freePort();
    node = await startTestNode({ metricsPort: port, metricsHost: "127.0.0.1", metricsToken: TOKEN });
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app)).id;
    const sessions = [{ weekday: 2 as const, start: "09:00", end: "09:30", slotMinutes: 30, capacity: 1 }];
    doctorId = (await createDoctor(node.app, hospitalId, { sessions })).id;
  });
  afterAll(() => node.close());

  const scrape = async (token: string | null = TOKEN) =>
    fetch(`http://127.0.0.1:${port}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  /** The sample of `name` whose labels include `label` (e.g. `result="booked"`). */
  const value = (text: string, name: string, label = ""): number => {
    const line = text
      .split("\n")
      .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(label));
    return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : NaN;
  };

  test("refuses a scrape without the token and shows nothing that identifies the host", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("wrong")).status).toBe(401);
    const text = await (await scrape()).text();
    expect(text).toContain("hre_day_actors");
    for (const leak of ["os_hostname", "os_user", "os_network", "process_argv", `"${os.hostname()}"`]) {
      expect(text).not.toContain(leak);
    }
  });

  test("bookings, the invariant and the coupon counter move with their causes; promtool accepts it", async () => {
    const [a, b] = await createPatients(node, 2);
    const book = (token: string) =>
      node.http("POST", "/api/v1/appointments", {
        token,
        body: { hospitalId, doctorId, date: "2026-11-24", start: "09:00" },
      });
    expect((await book(a.token)).status).toBe(201);
    expect((await book(b.token)).status).toBe(409);
    const admin = (await createUser(node, "admin")).token;
    const campaign = await node.http("POST", "/api/v1/coupon-campaigns", {
      token: admin,
      body: { name: "검진 할인", discount: { type: "percent", value: 10 }, quantity: 3 },
    });
    expect(
      (await node.http("POST", `/api/v1/coupon-campaigns/${campaign.body.id}/claim`, { token: a.token }))
        .status,
    ).toBe(201);
    expect(await node.broker.call("day.checkOversold")).toEqual({ oversold: 0 });

    let text = await (await scrape()).text();
    expect(value(text, "hre_bookings_total", 'result="booked"')).toBe(1);
    expect(value(text, "hre_bookings_total", 'result="slot_full"')).toBe(1);
    expect(value(text, "hre_coupons_issued_total")).toBe(1);
    expect(value(text, "hre_day_actors")).toBeGreaterThanOrEqual(1);
    expect(value(text, "hre_seats_oversold")).toBe(0);
    expect(value(text, "hre_actor_commit_seconds_bucket", `le="+Inf"`)).toBeGreaterThanOrEqual(1);

    // A seat written past the engine (as a bug would) shows at the next check.
    await node.app.sequelize.query(
      `INSERT INTO appointments (id, hospital_id, doctor_id, date, start, seat, patient_id, active_patient_id, account_id, status, hold_expires_at, coupon_code, created_at, updated_at)
       VALUES ('00000000-0000-7000-8000-0000000000ff', ?, ?, '2026-11-24', '09:00', 2, 999999, 999999, 999999, 'booked', NULL, NULL, 0, 0)`,
      { replacements: [hospitalId, doctorId] },
    );
    expect(await node.broker.call("day.checkOversold")).toEqual({ oversold: 1 });
    text = await (await scrape()).text();
    expect(value(text, "hre_seats_oversold")).toBe(1);

    // A backlog a node holds leased (so this node's relay leaves it) shows as pending, with its age.
    await node.app.sequelize.query(
      `INSERT INTO outbox_events (event_id, stream_key, seq, type, payload, created_at, dispatched_at, claimed_by, claimed_until, attempts)
       VALUES ('ev-stuck', 'stuck:1', 1, 'appointment.booked', '{}', ?, NULL, 'elsewhere', ?, 0)`,
      { replacements: [node.app.now().getTime() - 90_000, node.app.now().getTime() + 3_600_000] },
    );
    await node.broker.call("day.checkOversold");
    text = await (await scrape()).text();
    expect(value(text, "hre_outbox_pending")).toBeGreaterThanOrEqual(1);
    expect(value(text, "hre_outbox_oldest_seconds")).toBeGreaterThanOrEqual(60);

    const checked = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (checked.error)
      throw new Error(`promtool is needed (Debian package prometheus): ${checked.error.message}`);
    expect(`${checked.stdout}${checked.stderr}`.trim()).toBe("");
    expect(checked.status).toBe(0);
  });
});
