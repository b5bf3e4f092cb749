/**
 * The settlement batch against the real database (SQLite and MariaDB): it
 * matches the pure rules, a crash mid-run resumes to the very rows of a clean
 * run, re-runs change nothing, a refund counts on its own day, one run per
 * date holds the lock; and the REST list with its checks.
 */
import { ServiceBroker } from "moleculer";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../../platform/db/database";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createHospital, createUser } from "../../test/support/fixtures";
import { insertPaymentHistory, paymentHistory } from "./payment-history";
import type { HistoryOptions } from "./payment-history";
import { settleDate } from "./settlement-batch";
import { withSettlementLock } from "./settlement-lock";
import { dateText } from "./settlement-store";
import { pgFee, settleDay } from "./settlement-rules";
import { LAST_SUCCESS_METRIC, dayToSettle, settlementService } from "./settlement.service";

const DATES = ["2026-11-18", "2026-11-19", "2026-11-20"];
const HISTORY: HistoryOptions = {
  hospitalIds: Array.from({ length: 40 }, (_, i) => 1000 + i * 3),
  dates: DATES,
  count: 1500,
  seed: 7,
  batchSize: 500,
};

describe("settlement", () => {
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow("2026-11-22T03:00:00Z");
    await insertPaymentHistory(node.app.sequelize, HISTORY);
  });
  afterAll(() => node.close());

  const db = () => node.app.sequelize;
  const rowsOf = (date: string) =>
    db().query<Record<string, unknown>>(
      `SELECT hospital_id, payments, gross, refunds, discounts, pg_fees, net, settled_at
         FROM settlements WHERE date = ? ORDER BY hospital_id`,
      { replacements: [date], type: QueryTypes.SELECT },
    );
  const forget = async (date: string) => {
    await db().query("DELETE FROM settlements WHERE date = ?", { replacements: [date] });
    await db().query("DELETE FROM settlement_runs WHERE date = ?", { replacements: [date] });
  };
  const at = (ms: number) => () => ms;

  test("writes the rows of the pure rules, in many chunks", async () => {
    const facts = [...paymentHistory(HISTORY, "x")];
    const expected = settleDay(
      DATES[1],
      facts.flatMap((b) => b.payments),
      facts.flatMap((b) => b.refunds),
    );
    const result = await settleDate(db(), DATES[1], { chunkSize: 7, now: at(1) });
    expect(result.chunks).toBeGreaterThan(3);
    const rows = (await rowsOf(DATES[1])).map((r) => [
      Number(r.hospital_id),
      {
        payments: Number(r.payments),
        gross: Number(r.gross),
        discounts: Number(r.discounts),
        pgFees: Number(r.pg_fees),
        refunds: Number(r.refunds),
        net: Number(r.net),
      },
    ]);
    expect(rows).toEqual([...expected.entries()]);
    expect(result.totals.hospitals).toBe(expected.size);
  });

  test("a crash after the first chunk, then a resume, gives exactly the rows of a clean run", async () => {
    const date = DATES[0];
    await settleDate(db(), date, { chunkSize: 5, now: at(1000) });
    const clean = await rowsOf(date);
    await forget(date);

    const seen: number[] = [];
    const crash = settleDate(db(), date, {
      chunkSize: 5,
      now: at(1000),
      onProgress: ({ done }) => {
        seen.push(done);
        throw new Error("power cut");
      },
    });
    await expect(crash).rejects.toThrow("power cut");
    expect(seen).toEqual([5]);
    expect(await rowsOf(date)).toHaveLength(5);
    const run = await db().query<{ status: string; checkpoint: number }>(
      "SELECT status, checkpoint FROM settlement_runs WHERE date = ?",
      { replacements: [date], type: QueryTypes.SELECT },
    );
    expect(run).toEqual([{ status: "running", checkpoint: Number(clean[4].hospital_id) }]);

    const progress: number[] = [];
    const resumed = await settleDate(db(), date, {
      chunkSize: 5,
      now: at(1000),
      onProgress: ({ done }) => void progress.push(done),
    });
    expect(resumed.resumedAfter).toBe(Number(clean[4].hospital_id));
    expect(progress[0]).toBe(10); // it went on after the committed chunk, not from the start
    expect(await rowsOf(date)).toEqual(clean);
  });

  test("re-running a finished day changes nothing, settled_at included", async () => {
    const date = DATES[2];
    await settleDate(db(), date, { now: at(5000) });
    const first = await rowsOf(date);
    const again = await settleDate(db(), date, { chunkSize: 3, now: at(9000) });
    expect(again.resumedAfter).toBe(0);
    expect(await rowsOf(date)).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
  });

  test("a refund of an earlier day's payment counts on the day it happened", async () => {
    const amount = 20_000;
    const fee = pgFee(amount);
    await db().query(
      `INSERT INTO payments (order_id, appointment_id, hospital_id, account_id, gross, discount, amount, status,
         pg_fee, settle_date, created_at, updated_at)
       VALUES ('ord-late-refund', '00000000-0000-7000-8000-00000000feed', 7, 1, ?, 0, ?, 'refunded', ?, '2026-10-01', 0, 0)`,
      { replacements: [amount, amount, fee] },
    );
    await db().query(
      `INSERT INTO refunds (id, order_id, hospital_id, amount, settle_date, created_at)
       VALUES ('rf-late', 'ord-late-refund', 7, 15000, '2026-10-03', 0)`,
    );
    await settleDate(db(), "2026-10-01", { now: at(1) });
    await settleDate(db(), "2026-10-03", { now: at(1) });
    const rows = await db().query<Record<string, unknown>>(
      "SELECT date, payments, gross, refunds, pg_fees, net FROM settlements WHERE hospital_id = 7 ORDER BY date",
      { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => [Number(r.payments), Number(r.gross), Number(r.refunds), Number(r.net)])).toEqual([
      [1, amount, 0, amount - fee],
      [0, 0, 15_000, -15_000],
    ]);
  });

  test("one run per date: a second claim while the first holds the lock does not run", async () => {
    // A second connection pool, as another node would have.
    const other = openDatabase(node.db.url);
    try {
      let inner: unknown = "not tried";
      const outer = await withSettlementLock(db(), "2026-11-01", async () => {
        inner = await withSettlementLock(other, "2026-11-01", () => Promise.resolve("ran twice"));
        return "ran";
      });
      expect(outer).toEqual({ ran: true, value: "ran" });
      // On SQLite (embedded, one process) the in-process guard answers; on MariaDB, GET_LOCK.
      expect(inner).toEqual({ ran: false });
      expect(await withSettlementLock(other, "2026-11-01", () => Promise.resolve(1))).toEqual({
        ran: true,
        value: 1,
      });
    } finally {
      await other.close();
    }
  });

  test("the action settles a day and sets the last-success gauge; the daily run picks yesterday in Seoul", async () => {
    // A broker of its own: the test node runs without metrics (no metrics port).
    const broker = new ServiceBroker({ logger: false, metrics: { enabled: true } });
    broker.createService(settlementService(node.app, { cron: null }));
    await broker.start();
    try {
      const result = await broker.call<{ totals: { hospitals: number } }, { date: string }>(
        "settlement.settle",
        {
          date: DATES[1],
        },
      );
      expect(result.totals.hospitals).toBeGreaterThan(0);
      expect(broker.metrics.getMetric(LAST_SUCCESS_METRIC)?.get()?.value).toBe(
        Math.floor(node.app.now().getTime() / 1000),
      );
      await expect(broker.call("settlement.settle", { date: "2026-13-01" })).rejects.toMatchObject({
        code: 422,
      });

      // The daily run: an interrupted earlier day first, then yesterday (Seoul) — 2026-11-21 at this clock.
      await db().query(
        "INSERT INTO settlement_runs (date, status, checkpoint, started_at) VALUES ('2026-10-20', 'running', 0, 0)",
      );
      const service = broker.getLocalService("settlement") as unknown as { runDaily(): Promise<void> };
      await service.runDaily();
      const runs = await db().query<{ date: unknown; status: string }>(
        "SELECT date, status FROM settlement_runs WHERE date IN ('2026-10-20', '2026-11-21') ORDER BY date",
        { type: QueryTypes.SELECT },
      );
      expect(runs.map((r) => [dateText(r.date), r.status])).toEqual([
        ["2026-10-20", "done"],
        ["2026-11-21", "done"],
      ]);
    } finally {
      await broker.stop();
    }
    // 00:10 on 23 November in Seoul is 15:10 UTC on the 22nd.
    expect(dayToSettle(new Date("2026-11-22T15:10:00Z"))).toBe("2026-11-22");
    expect(dayToSettle(new Date("2026-11-22T14:59:00Z"))).toBe("2026-11-21");
  });

  describe("GET /hospitals/:hospitalId/settlements", () => {
    let hospitalId: number;
    let staff: string;
    let otherStaff: string;
    let admin: string;

    beforeAll(async () => {
      hospitalId = HISTORY.hospitalIds[0];
      await createHospital(node.app, { id: hospitalId });
      const elsewhere = await createHospital(node.app);
      staff = (await createUser(node, "staff", hospitalId)).token;
      otherStaff = (await createUser(node, "staff", elsewhere.id)).token;
      admin = (await createUser(node, "admin")).token;
      for (const date of DATES) await settleDate(db(), date, { now: at(1) });
    });
    const list = (token: string, query: string, id = hospitalId) =>
      node.http("GET", `/api/v1/hospitals/${id}/settlements?${query}`, { token });

    test("gives the hospital's staff and admins its days", async () => {
      const mine = await list(staff, `from=${DATES[0]}&to=${DATES[2]}`);
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((r: { date: string }) => r.date)).toEqual(DATES);
      for (const row of mine.body.items) {
        expect(Object.keys(row).sort()).toEqual(
          ["date", "discounts", "gross", "net", "payments", "pgFees", "refunds"].sort(),
        );
        expect(row.net).toBe(row.gross - row.refunds - row.discounts - row.pgFees);
      }
      expect((await list(admin, `from=${DATES[1]}&to=${DATES[1]}`)).body).toMatchObject({ total: 1 });
    });

    test("refuses staff of another hospital (403) and patients", async () => {
      const other = await list(otherStaff, `from=${DATES[0]}&to=${DATES[2]}`);
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe("WRONG_HOSPITAL");
      const patient = (await createUser(node, "patient")).token;
      expect((await list(patient, `from=${DATES[0]}&to=${DATES[2]}`)).status).toBe(403);
    });

    test.each([
      ["from=2026-02-30&to=2026-03-01", "from"],
      ["from=2026-11-20&to=yesterday", "to"],
      ["to=2026-11-20", "from"],
      ["from=2026-11-20&to=2026-11-19", "to"],
      ["from=2025-01-01&to=2026-11-20", "to"],
    ])("answers 422 naming the field for %s", async (query, field) => {
      const res = await list(staff, query);
      expect(res.status).toBe(422);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    });
  });
});
