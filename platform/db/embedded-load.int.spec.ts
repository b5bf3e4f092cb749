import { DatabaseError, QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createTestDatabase, testDialect } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { createDoctor, createHospital, createPatients } from "../../test/support/fixtures";
import { runLoad, tally } from "../../test/support/load";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { toDatabaseRetryable } from "./database-errors.middleware";
import { openDatabase, tuneDatabase } from "./database";

// Monday 2026-11-23 08:00 in Seoul; every day read or booked lies within the 30-day horizon.
const NOW = "2026-11-22T23:00:00Z";
const sqlite = testDialect() === "sqlite";

/** `count` consecutive dates from 2026-11-24, optionally weekdays only. */
function days(count: number, weekdaysOnly = false): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2026, 10, 24); out.length < count; t += 86_400_000) {
    const weekday = new Date(t).getUTCDay();
    if (!weekdaysOnly || (weekday >= 1 && weekday <= 5)) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe("the writer queue", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = openDatabase(db.url);
    await tuneDatabase(sequelize);
    await sequelize.query("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
    const autoId = sqlite ? "INTEGER PRIMARY KEY" : "INTEGER PRIMARY KEY AUTO_INCREMENT";
    await sequelize.query(`CREATE TABLE rows_written (id ${autoId}, label VARCHAR(40) NOT NULL)`);
    await sequelize.query("INSERT INTO counters (id, n) VALUES (1, 0)");
  });
  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  const counter = async () =>
    Number(
      (
        await sequelize.query<{ n: number }>("SELECT n FROM counters WHERE id = 1", {
          type: QueryTypes.SELECT,
        })
      )[0].n,
    );
  const rowCount = async () =>
    Number(
      (
        await sequelize.query<{ c: number }>("SELECT COUNT(*) AS c FROM rows_written", {
          type: QueryTypes.SELECT,
        })
      )[0].c,
    );

  test("50 concurrent insert+update transactions and plain writes all commit", async () => {
    let inside = 0;
    let mostInside = 0;
    const transactions = Array.from({ length: 50 }, (_, i) =>
      sequelize.transaction(async (transaction) => {
        mostInside = Math.max(mostInside, ++inside);
        await sequelize
          .getQueryInterface()
          .bulkInsert("rows_written", [{ label: `tx-${i}` }], { transaction });
        // Yield to the event loop mid-transaction so the others really overlap.
        await new Promise((resolve) => setTimeout(resolve, 1));
        await sequelize.query("UPDATE counters SET n = n + 1 WHERE id = 1", { transaction });
        inside -= 1;
      }),
    );
    const plain = Array.from({ length: 20 }, (_, i) =>
      sequelize.getQueryInterface().bulkInsert("rows_written", [{ label: `plain-${i}` }]),
    );
    const outcomes = await Promise.allSettled([...transactions, ...plain]);

    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(await counter()).toBe(50);
    expect(await rowCount()).toBe(70);
    // SQLite runs them one at a time; MariaDB keeps its concurrency.
    if (sqlite) expect(mostInside).toBe(1);
    else expect(mostInside).toBeGreaterThan(1);
  });

  test("a failed transaction rolls back and releases the queue", async () => {
    const before = await counter();
    const failing = sequelize.transaction(async (transaction) => {
      await sequelize.query("UPDATE counters SET n = n + 100 WHERE id = 1", { transaction });
      throw new Error("boom");
    });
    const after = Array.from({ length: 5 }, () =>
      sequelize.transaction((transaction) =>
        sequelize.query("UPDATE counters SET n = n + 1 WHERE id = 1", { transaction }),
      ),
    );
    await expect(failing).rejects.toThrow("boom");
    await Promise.all(after);
    expect(await counter()).toBe(before + 5);
  });

  test("an unmanaged transaction holds the queue until it commits or rolls back", async () => {
    const before = await counter();
    const t = await sequelize.transaction();
    await sequelize.query("UPDATE counters SET n = n + 1 WHERE id = 1", { transaction: t });
    const plain = sequelize.query("UPDATE counters SET n = n + 10 WHERE id = 1");
    await t.rollback();
    await plain;
    expect(await counter()).toBe(before + 10);
  });

  test("writes started inside a transaction without passing it join it instead of waiting for it", async () => {
    const before = await counter();
    const outcome = sequelize.transaction(async () => {
      await sequelize.query("UPDATE counters SET n = n + 1 WHERE id = 1");
      await sequelize.transaction((inner) =>
        sequelize.query("UPDATE counters SET n = n + 1 WHERE id = 1", { transaction: inner }),
      );
    });
    const settled = await Promise.race([
      outcome.then(() => "done"),
      new Promise((resolve) => setTimeout(() => resolve("stuck"), 10_000).unref()),
    ]);
    expect(settled).toBe("done");
    expect(await counter()).toBe(before + 2);
  });
});

describe("database faults become retryable 503s", () => {
  test("SQLITE_BUSY and a MariaDB deadlock map to DATABASE_BUSY; other errors pass", () => {
    const busy = new DatabaseError(
      Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY", sql: "" }),
    );
    const deadlock = new DatabaseError(Object.assign(new Error("Deadlock found"), { errno: 1213, sql: "" }));
    for (const err of [busy, deadlock]) {
      expect(toDatabaseRetryable(err)).toMatchObject({ code: 503, type: "DATABASE_BUSY", retryable: true });
    }
    expect(
      toDatabaseRetryable(new DatabaseError(Object.assign(new Error("syntax"), { sql: "" }))),
    ).toBeUndefined();
    expect(toDatabaseRetryable(new Error("plain"))).toBeUndefined();
  });
});

describe("the embedded default under load", () => {
  let node: TestNode;
  let hospitalIds: number[];
  let doctorIds: number[];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    hospitalIds = [];
    doctorIds = [];
    for (let i = 0; i < 40; i++) {
      const hospital = await createHospital(node.app, { name: `부하테스트병원${i}` });
      hospitalIds.push(hospital.id);
      doctorIds.push((await createDoctor(node.app, hospital.id)).id);
    }
  }, 60_000);
  afterAll(() => node.close());

  test("1,000 distinct hospital-days read 32 at a time answer 200, and the node answers after", async () => {
    const reads = hospitalIds.flatMap((id) => days(25).map((date) => ({ id, date })));
    expect(reads).toHaveLength(1000);
    const statuses = await runLoad(reads, 32, async ({ id, date }) => {
      const res = await node.http("GET", `/api/v1/hospitals/${id}/availability?date=${date}`);
      return res.status === 200 ? "200" : `${res.status} ${JSON.stringify(res.body?.error ?? res.body)}`;
    });
    expect(tally(statuses)).toEqual([["200", 1000]]);
    const again = await node.http(
      "GET",
      `/api/v1/hospitals/${hospitalIds[0]}/availability?date=${days(1)[0]}`,
    );
    expect(again.status).toBe(200);
  }, 90_000);

  test("200 bookings over many doctor-days at once answer 201 or 409, and the node answers after", async () => {
    const patients = await createPatients(node, 200);
    const dates = days(10, true);
    const starts = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"];
    const bookings = patients.map((p, i) => ({
      token: p.token,
      body: {
        hospitalId: hospitalIds[i % 20],
        doctorId: doctorIds[i % 20],
        date: dates[Math.floor(i / 20) % dates.length],
        start: starts[i % starts.length],
      },
    }));
    const statuses = await runLoad(bookings, bookings.length, async ({ token, body }) => {
      const res = await node.http("POST", "/api/v1/appointments", { token, body });
      return res.status === 201 || res.status === 409
        ? String(res.status)
        : `${res.status} ${JSON.stringify(res.body?.error ?? res.body)}`;
    });
    const counts = new Map(tally(statuses));
    expect([...counts.keys()].filter((s) => s !== "201" && s !== "409")).toEqual([]);
    expect(counts.get("201") ?? 0).toBeGreaterThan(0);

    const booked = await node.app.sequelize.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM appointments WHERE seat IS NOT NULL",
      { type: QueryTypes.SELECT },
    );
    expect(Number(booked[0].n)).toBe(counts.get("201"));
    const after = await node.http("GET", `/api/v1/hospitals/${hospitalIds[0]}/availability?date=${dates[0]}`);
    expect(after.status).toBe(200);
  }, 90_000);
});
