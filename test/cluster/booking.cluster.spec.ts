/**
 * The booking engine's promises across processes: a gateway and three
 * workers, each its own `server.ts` process, on the Redis transporter and one
 * MariaDB. Hundreds of concurrent bookings over a dozen hospital-days while
 * one worker stops gracefully (SIGTERM) and another crashes (SIGKILL): every
 * 201 is a booked row, no slot is oversold, no request hangs, and every day
 * is served again by the surviving worker, its availability matching the
 * database.
 */
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import { addDays, localMoment } from "../../platform/time";
import { rendezvousOwner } from "../../services/day/sharding/rendezvous.strategy";
import { Cluster, waitFor } from "../support/cluster";
import type { HttpOutcome } from "../support/cluster";
import type { Clinic } from "../support/cluster-fixtures";
import { createClinics, createPatientAccounts, slotStarts } from "../support/cluster-fixtures";
import { quantile, runLoad, seededRandom, tally } from "../support/load";

const WORKERS = ["worker-1", "worker-2", "worker-3"];
const HOURS = { start: "09:00", end: "18:00", slotMinutes: 30, capacity: 2 };
const STARTS = slotStarts(HOURS);
/** Half the load aims at these, so they sell out and SLOT_FULL is part of every run. */
const HOT_STARTS = ["09:00", "09:30"];
const DAYS_PER_WORKER = 4;
const LOAD_REQUESTS = 800;
const CONCURRENCY = 40;
const REQUEST_TIMEOUT_MS = 3000;
const CLIENT_TIMEOUT_MS = 15_000;
/** Answers after which worker-1 is stopped and worker-2 killed: both happen mid-load. */
const SIGTERM_AT = 200;
const SIGKILL_AT = 320;
/** Moleculer's heartbeatTimeout (30 s), checked every 30 s: a crashed node lingers up to ~60 s. */
const CRASH_NOTICED_MS = 80_000;
/** Set here as well as in jest.config.js: a project's `testTimeout` there does not reach the hooks and tests. */
const TEST_TIMEOUT_MS = 180_000;

interface Day {
  hospitalId: number;
  date: string;
  doctorIds: number[];
}

interface Booking {
  day: Day;
  doctorId: number;
  start: string;
  accountId: number;
}

interface Shot {
  booking: Booking;
  outcome: HttpOutcome;
  /** ms since the load began. */
  sentAt: number;
}

/** ms since the load began. */
interface Moments {
  sigterm: number;
  sigkill: number;
  loadDone: number;
  crashNoticed: number;
}

interface Availability {
  doctors: {
    doctorId: number;
    slots: { start: string; capacity: number; booked: number; available: number }[];
  }[];
}

/** Future Seoul dates, chosen so each worker owns DAYS_PER_WORKER of them while all three run. */
function pickDays(clinics: Clinic[]): Day[] {
  const today = localMoment(new Date(), "Asia/Seoul").date;
  const owned = new Map(WORKERS.map((w) => [w, 0]));
  const days: Day[] = [];
  for (let offset = 1; days.length < WORKERS.length * DAYS_PER_WORKER && offset <= 40; offset++) {
    const date = addDays(today, offset);
    for (const clinic of clinics) {
      const owner = rendezvousOwner(`${clinic.hospitalId}:${date}`, WORKERS) ?? "";
      if ((owned.get(owner) ?? DAYS_PER_WORKER) >= DAYS_PER_WORKER) continue;
      owned.set(owner, (owned.get(owner) ?? 0) + 1);
      days.push({ hospitalId: clinic.hospitalId, date, doctorIds: clinic.doctorIds });
    }
  }
  return days;
}

const label = (o: HttpOutcome): string =>
  o.status === 0 ? `no answer (${o.error})` : o.status === 201 ? "201" : `${o.status} ${o.body?.error?.code}`;

/** 201, a refusal the patient can act on, or a retryable 503 while a day changes node. */
const acceptable = (o: HttpOutcome): boolean =>
  o.status === 201 ||
  (o.status === 409 && ["SLOT_FULL", "ALREADY_BOOKED"].includes(o.body?.error?.code)) ||
  o.status === 503;

describe("booking on a cluster of node processes (Redis transporter, MariaDB)", () => {
  let cluster: Cluster | undefined;
  let days: Day[] = [];
  let accounts: number[] = [];
  let passed = false;

  beforeAll(async () => {
    cluster = await Cluster.create({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const clinics = await createClinics(cluster.models, {
      hospitals: 3,
      doctorsEach: 2,
      hours: HOURS,
      horizonDays: 60,
    });
    // One account per request: no patient meets the upcoming-appointments cap or books a doctor twice.
    accounts = await createPatientAccounts(cluster.sequelize, LOAD_REQUESTS + 50);
    days = pickDays(clinics);
    await cluster.start(WORKERS);
    const c = cluster;
    // Every day's first activation happens here, all at once: a 503 means "not yet", anything else is a bug.
    await waitFor("every day's availability from its owner", 30_000, async () => {
      const answers = await Promise.all(days.map((d) => availability(c, d)));
      const broken = answers.find((a) => a.status !== 200 && a.status !== 503);
      if (broken) throw new Error(`Availability answered ${broken.status} ${JSON.stringify(broken.body)}`);
      return answers.every((a) => a.status === 200);
    });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.close(!passed);
  }, TEST_TIMEOUT_MS);

  test(
    "bookings keep their promises while one worker stops and another crashes",
    async () => {
      const c = cluster as Cluster;
      expect(days).toHaveLength(WORKERS.length * DAYS_PER_WORKER);
      const { shots, moments } = await bookThroughFailover(c, planBookings(days, accounts));
      const afterCrash = shots.filter((s) => s.sentAt >= moments.sigkill);
      report(shots, afterCrash, moments, days.length);

      // Every request answered before its own client timeout, with an answer a client can act on.
      const unanswered = shots.filter((s) => s.outcome.status === 0);
      expect(unanswered.map((s) => `${label(s.outcome)} after ${s.outcome.ms.toFixed(0)} ms`)).toEqual([]);
      expect(Math.max(...shots.map((s) => s.outcome.ms))).toBeLessThan(CLIENT_TIMEOUT_MS);
      const unexpected = shots.filter((s) => !acceptable(s.outcome));
      expect(unexpected.map((s) => `${s.outcome.status} ${JSON.stringify(s.outcome.body)}`)).toEqual([]);
      expect(shots.filter((s) => label(s.outcome) === "409 SLOT_FULL").length).toBeGreaterThan(0);
      expect(afterCrash.filter((s) => s.outcome.status === 201).length).toBeGreaterThan(0);

      // The graceful stop drained its work and exited cleanly.
      expect(await c.exitOf("worker-1")).toEqual({ code: 0, signal: null });

      // Every 201 is a booked row, in the slot it was asked for; no slot holds more than its capacity.
      const created = shots.filter((s) => s.outcome.status === 201);
      const rows = await c.sequelize.query<{ id: string; status: string; seat: number | null; slot: string }>(
        "SELECT id, status, seat, CONCAT(doctor_id, ' ', date, ' ', start) AS slot FROM appointments WHERE id IN (?)",
        { replacements: [created.map((s) => s.outcome.body.id)], type: QueryTypes.SELECT },
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      const missing = created.filter((s) => {
        const row = byId.get(s.outcome.body.id);
        const { doctorId, day, start } = s.booking;
        return (
          !row ||
          row.status !== "booked" ||
          row.seat === null ||
          row.slot !== `${doctorId} ${day.date} ${start}`
        );
      });
      expect(missing.map((s) => s.outcome.body)).toEqual([]);
      await expectNoSlotOverCapacity(c);
      await reportBookedAnyway(c, shots);

      // Only worker-3 is left: every day books again, and its availability is what the database holds.
      for (const [i, day] of days.entries()) {
        const before = await availability(c, day);
        expect(before.status).toBe(200);
        expect(bookedBySlot(before.body)).toEqual(await bookedInDatabase(c, day));
        const open = before.body.doctors.flatMap((d) =>
          d.slots.filter((s) => s.available > 0).map((s) => ({ doctorId: d.doctorId, start: s.start })),
        )[0];
        expect(open).toBeDefined();
        const fresh = await book(c, { day, ...open, accountId: accounts[LOAD_REQUESTS + i] });
        expect(fresh.status).toBe(201);
        const after = await availability(c, day);
        expect(after.status).toBe(200);
        const held = await bookedInDatabase(c, day);
        expect(bookedBySlot(after.body)).toEqual(held);
        const slot = `${open.doctorId} ${open.start}`;
        expect(held[slot]).toBe((bookedBySlot(before.body)[slot] ?? 0) + 1);
      }
      await expectNoSlotOverCapacity(c);
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});

/** One request per account: half aimed at the hot slots, half anywhere in the day. */
function planBookings(days: Day[], accounts: number[]): Booking[] {
  const rand = seededRandom(20261124);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: LOAD_REQUESTS }, (_, i) => {
    const day = pick(days);
    return {
      day,
      doctorId: pick(day.doctorIds),
      start: pick(i % 2 === 0 ? HOT_STARTS : STARTS),
      accountId: accounts[i],
    };
  });
}

/**
 * Sends the bookings, stopping worker-1 and killing worker-2 part-way, and
 * watches (from the side) for the gateway and worker-3 to drop worker-2.
 */
async function bookThroughFailover(c: Cluster, bookings: Booking[]) {
  const began = performance.now();
  const moments: Moments = { sigterm: NaN, sigkill: NaN, loadDone: NaN, crashNoticed: NaN };
  let noticed: Promise<void> = Promise.resolve();
  const shots = await runLoad(
    bookings,
    CONCURRENCY,
    async (booking): Promise<Shot> => {
      const sentAt = performance.now() - began;
      return { booking, outcome: await book(c, booking), sentAt };
    },
    (answered) => {
      if (answered === SIGTERM_AT) {
        moments.sigterm = performance.now() - began;
        c.signal("worker-1", "SIGTERM");
      }
      if (answered === SIGKILL_AT) {
        moments.sigkill = performance.now() - began;
        c.signal("worker-2", "SIGKILL");
        noticed = waitFor("worker-2 to leave the gateway's and worker-3's registries", CRASH_NOTICED_MS, () =>
          workerTwoGone(c),
        ).then(() => void (moments.crashNoticed = performance.now() - began));
        // Awaited after the load; until then a rejection must not count as unhandled.
        noticed.catch(() => undefined);
      }
    },
  );
  moments.loadDone = performance.now() - began;
  await noticed;
  return { shots, moments };
}

async function workerTwoGone(c: Cluster): Promise<boolean> {
  try {
    const [gateway, survivor] = await Promise.all([c.viewOf("gateway"), c.viewOf("worker-3")]);
    return gateway.appointments?.join() === "worker-3" && survivor.day?.join() === "worker-3";
  } catch {
    return false;
  }
}

function report(shots: Shot[], afterCrash: Shot[], m: Moments, dayCount: number): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const counts = (xs: Shot[]) =>
    tally(xs.map((x) => label(x.outcome)))
      .map(([l, n]) => `${l}: ${n}`)
      .join(", ");
  const latencies = shots.map((x) => x.outcome.ms);
  const q = (p: number) => quantile(latencies, p).toFixed(0);
  console.log(
    [
      `${shots.length} bookings at concurrency ${CONCURRENCY} over ${dayCount} hospital-days in ${s(m.loadDone)};` +
        ` worker-1 SIGTERM at ${s(m.sigterm)}, worker-2 SIGKILL at ${s(m.sigkill)},` +
        ` dropped from the gateway's and worker-3's registries ${s(m.crashNoticed - m.sigkill)} later`,
      `  all:         ${counts(shots)}`,
      `  after crash: ${counts(afterCrash)}`,
      `  latency ms:  p50 ${q(0.5)}, p95 ${q(0.95)}, p99 ${q(0.99)}, max ${Math.max(...latencies).toFixed(0)}`,
    ].join("\n"),
  );
}

/** Requests refused or timed out whose booking was made all the same (each account books once). */
async function reportBookedAnyway(c: Cluster, shots: Shot[]): Promise<void> {
  const refused = shots.filter((s) => s.outcome.status !== 201);
  if (refused.length === 0) return;
  const rows = await c.sequelize.query<{ account_id: number }>(
    "SELECT account_id FROM appointments WHERE status = 'booked' AND account_id IN (?)",
    { replacements: [refused.map((s) => s.booking.accountId)], type: QueryTypes.SELECT },
  );
  const booked = new Set(rows.map((r) => Number(r.account_id)));
  const anyway = tally(refused.filter((s) => booked.has(s.booking.accountId)).map((s) => label(s.outcome)));
  console.log(
    `booked although not answered 201: ${anyway.map(([l, n]) => `${l}: ${n}`).join(", ") || "none"}`,
  );
}

function book(c: Cluster, b: Booking): Promise<HttpOutcome> {
  return c.request("POST", "/api/v1/appointments", {
    body: { hospitalId: b.day.hospitalId, doctorId: b.doctorId, date: b.day.date, start: b.start },
    token: c.tokenFor(b.accountId),
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
}

function availability(c: Cluster, day: Day): Promise<HttpOutcome<Availability>> {
  return c.request("GET", `/api/v1/hospitals/${day.hospitalId}/availability?date=${day.date}`, {
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
}

/** "doctorId start" → seats taken, for slots with any taken. */
function bookedBySlot(a: Availability): Record<string, number> {
  return Object.fromEntries(
    a.doctors.flatMap((d) =>
      d.slots.filter((s) => s.booked > 0).map((s) => [`${d.doctorId} ${s.start}`, s.booked]),
    ),
  );
}

/** The same, counted from the rows that hold a seat. */
async function bookedInDatabase(c: Cluster, day: Day): Promise<Record<string, number>> {
  const rows = await c.sequelize.query<{ slot: string; n: number | string }>(
    "SELECT CONCAT(doctor_id, ' ', start) AS slot, COUNT(*) AS n FROM appointments WHERE hospital_id = ? AND date = ? AND seat IS NOT NULL GROUP BY doctor_id, start",
    { replacements: [day.hospitalId, day.date], type: QueryTypes.SELECT },
  );
  return Object.fromEntries(rows.map((r) => [r.slot, Number(r.n)]));
}

async function expectNoSlotOverCapacity(c: Cluster): Promise<void> {
  const over = await c.sequelize.query(
    "SELECT doctor_id, date, start, COUNT(*) AS n, MAX(seat) AS top FROM appointments WHERE seat IS NOT NULL GROUP BY doctor_id, date, start HAVING COUNT(*) > ? OR MAX(seat) > ?",
    { replacements: [HOURS.capacity, HOURS.capacity], type: QueryTypes.SELECT },
  );
  expect(over).toEqual([]);
}
