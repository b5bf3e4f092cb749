/**
 * The operator's failover drill, on real node processes: a gateway and three
 * workers, each its own `server.ts` process, on the Redis transporter and one
 * MariaDB. Patients book (every request with its own Idempotency-Key) while
 * worker-2 is SIGKILLed and restarted at once under the same NODE_ID (before
 * the others' heartbeat timeout), then worker-3 is SIGTERMed and restarted.
 * No slot is oversold, no answer is a 404 or slower than two heartbeat
 * timeouts, no booking hides behind a non-201 (a keyed retry reveals it), and
 * availability matches the database soon after the load.
 */
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import { HEARTBEAT_TIMEOUT_S } from "../../moleculer.config";
import { addDays, localMoment } from "../../platform/time";
import { rendezvousOwner } from "../../services/day/sharding/rendezvous.strategy";
import { Cluster } from "../support/cluster";
import { waitFor } from "../support/wait-for";
import type { Exit, HttpOutcome } from "../support/cluster";
import type { Clinic } from "../support/cluster-fixtures";
import { createClinics, createPatientAccounts, slotStarts } from "../support/cluster-fixtures";
import { quantile, runLoad, seededRandom, tally } from "../support/load";

const WORKERS = ["worker-1", "worker-2", "worker-3"];
const HOURS = { start: "09:00", end: "18:00", slotMinutes: 30, capacity: 3 };
const STARTS = slotStarts(HOURS);
/** Half the load aims at these, so they sell out and SLOT_FULL is part of every run. */
const HOT_STARTS = ["09:00", "09:30"];
const DAYS_PER_WORKER = 2;
const PATIENTS = 300;
const BOOKINGS_EACH = 3;
const CONCURRENCY = 50;
/** Paced so the load outlasts both restarts (about 25 s). */
const SENDS_PER_SECOND = 36;
/** The production default: an answer faster than SLOWEST_MS proves failover, not a timeout. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A crash is noticed within heartbeatTimeout + 1 s; a retry elsewhere fits in the same again. */
const SLOWEST_MS = (2 * HEARTBEAT_TIMEOUT_S + 1) * 1000;
const CLIENT_TIMEOUT_MS = 15_000;
const SIGKILL_AT_MS = 2000;
/** worker-3 is stopped this long after the load began, and not before worker-2 is back. */
const SIGTERM_AT_MS = 10_000;
const SETTLED_WITHIN_MS = 5000;
/** Set here as well as in jest.config.js: a project's `testTimeout` there does not reach the hooks and tests. */
const TEST_TIMEOUT_MS = 180_000;

interface Day {
  hospitalId: number;
  date: string;
  doctorIds: number[];
  owner: string;
}

interface Booking {
  day: Day;
  doctorId: number;
  start: string;
  accountId: number;
  key: string;
}

interface Shot {
  booking: Booking;
  outcome: HttpOutcome;
  /** ms since the load began. */
  sentAt: number;
}

/** ms since the load began. */
interface Moments {
  sigkill: number;
  workerTwoBack: number;
  sigterm: number;
  workerThreeBack: number;
  loadDone: number;
  /** Every day worker-2 owned answered availability again (a probe sent after the kill got 200). */
  killedDaysServed: number;
}

interface Availability {
  doctors: {
    doctorId: number;
    slots: { start: string; capacity: number; booked: number; available: number }[];
  }[];
}

interface Row {
  id: string;
  account: string;
  status: string;
  seat: number | null;
  slot: string;
}

const dayKey = (d: Day) => `${d.hospitalId}:${d.date}`;
const slotOf = (b: Booking) => `${b.doctorId} ${b.day.date} ${b.start}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

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
      days.push({ hospitalId: clinic.hospitalId, date, doctorIds: clinic.doctorIds, owner });
    }
  }
  return days;
}

const label = (o: HttpOutcome): string =>
  o.status === 0 ? `no answer (${o.error})` : o.status === 201 ? "201" : `${o.status} ${o.body?.error?.code}`;

/** A patient's refusal to act on (the booking was not made). */
const refusal = (o: HttpOutcome): boolean => o.status === 409 || o.status === 422;

describe("booking through the operator's failover drill (Redis transporter, MariaDB)", () => {
  let cluster: Cluster | undefined;
  let days: Day[] = [];
  let accounts: number[] = [];
  let passed = false;

  beforeAll(async () => {
    cluster = await Cluster.create({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const clinics = await createClinics(cluster.models, {
      hospitals: 3,
      doctorsEach: 3,
      hours: HOURS,
      horizonDays: 60,
    });
    accounts = await createPatientAccounts(cluster.sequelize, PATIENTS);
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
    "no oversold slot, no silent booking, no 404, no hang while workers crash, stop and come back",
    async () => {
      const c = cluster as Cluster;
      expect(days).toHaveLength(WORKERS.length * DAYS_PER_WORKER);
      const { shots, moments, workerThreeExit } = await bookThroughDrill(
        c,
        days,
        planBookings(days, accounts),
      );
      const outcomes = shots.map((s) => s.outcome);

      // The graceful stop drained its work and exited cleanly.
      expect(workerThreeExit).toEqual({ code: 0, signal: null });

      // Availability is what the database holds, soon after the load.
      const stale = await settledAvailability(c, days, SETTLED_WITHIN_MS);
      const unsettled = stale.map((u) => u.message);
      if (stale.length > 0)
        console.log(`unsettled days:\n${await explainUnsettled(c, stale, shots, moments)}`);

      // Every non-201 asked again with the same key and body: the booking, or a refusal.
      const asked = await askAgain(
        c,
        shots.filter((s) => s.outcome.status !== 201),
      );
      const rows = await appointmentRows(c, accounts);
      const audit = auditBookings(shots, asked, rows);
      const activations = await c.sequelize.query<{ day_key: string; epoch: number }>(
        "SELECT day_key, epoch FROM day_actors WHERE day_key IN (?)",
        { replacements: [days.map(dayKey)], type: QueryTypes.SELECT },
      );
      const oversold = await slotsOverCapacity(c);
      report(shots, asked, audit, moments, unsettled);
      console.log(`oversold slots: ${oversold.length}`);
      console.log(
        `activations (fencing epoch) per day: ${days
          .map((d) => `${dayKey(d)} [${d.owner}] ${activations.find((a) => a.day_key === dayKey(d))?.epoch}`)
          .join(", ")}`,
      );

      // Safety first: nothing oversold, nothing booked that its patient was not told of.
      expect(oversold).toEqual([]);
      expect(audit.silent).toEqual([]);
      expect(audit.unresolved).toEqual([]);
      expect(audit.wrong201).toEqual([]);
      expect(outcomes.filter((o) => o.status === 404).map(label)).toEqual([]);
      const odd = outcomes.filter((o) => ![201, 409, 422, 503].includes(o.status));
      expect(odd.map((o) => `${label(o)} after ${o.ms.toFixed(0)} ms`)).toEqual([]);
      expect(outcomes.filter((o) => o.status === 503 && !o.retryAfter).map(label)).toEqual([]);
      const slow = outcomes.filter((o) => o.ms >= SLOWEST_MS);
      expect(slow.map((o) => `${label(o)} after ${o.ms.toFixed(0)} ms`)).toEqual([]);
      expect(outcomes.filter((o) => label(o) === "409 SLOT_FULL").length).toBeGreaterThan(0);
      expect(
        shots.filter((s) => s.sentAt > moments.sigkill && s.outcome.status === 201).length,
      ).toBeGreaterThan(0);

      expect(unsettled).toEqual([]);
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});

/** Each patient books three different (day, doctor) pairs: half aimed at the hot slots. */
function planBookings(days: Day[], accounts: number[]): Booking[] {
  const rand = seededRandom(20261125);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const run = crypto.randomBytes(4).toString("hex");
  const bookings: Booking[] = [];
  for (const accountId of accounts) {
    const taken = new Set<string>();
    while (taken.size < BOOKINGS_EACH) {
      const day = pick(days);
      const doctorId = pick(day.doctorIds);
      if (taken.has(`${dayKey(day)} ${doctorId}`)) continue;
      taken.add(`${dayKey(day)} ${doctorId}`);
      const n = bookings.length;
      bookings.push({
        day,
        doctorId,
        start: pick(n % 2 === 0 ? HOT_STARTS : STARTS),
        accountId,
        key: `drill-${run}-${n}`,
      });
    }
  }
  // Interleaved, so a patient's three bookings are not sent back to back.
  return bookings.sort(() => rand() - 0.5);
}

/**
 * Sends the bookings while the operator's script runs beside them: SIGKILL
 * worker-2 and start it again at once; later SIGTERM worker-3 and, once it
 * has exited, start it again.
 */
async function bookThroughDrill(c: Cluster, days: Day[], bookings: Booking[]) {
  const began = performance.now();
  const since = () => performance.now() - began;
  const moments: Moments = {
    sigkill: NaN,
    workerTwoBack: NaN,
    sigterm: NaN,
    workerThreeBack: NaN,
    loadDone: NaN,
    killedDaysServed: NaN,
  };
  const load = runLoad(
    bookings,
    CONCURRENCY,
    async (booking): Promise<Shot> => {
      const sentAt = since();
      return { booking, outcome: await book(c, booking), sentAt };
    },
    undefined,
    SENDS_PER_SECOND,
  ).then((shots) => {
    moments.loadDone = since();
    return shots;
  });

  const operator = async (): Promise<Exit> => {
    await sleep(SIGKILL_AT_MS - since());
    moments.sigkill = since();
    const killedInstance = c.instanceOf("worker-2");
    c.signal("worker-2", "SIGKILL");
    const killedDays = days.filter((d) => d.owner === "worker-2");
    const served = probeUntilServed(c, killedDays).then(() => void (moments.killedDaysServed = since()));
    await c.restart("worker-2");
    await waitFor("the new worker-2 in the gateway's registry", 60_000, () =>
      backAsNew(c, "worker-2", killedInstance),
    );
    moments.workerTwoBack = since();

    await sleep(SIGTERM_AT_MS - since());
    moments.sigterm = since();
    const stoppedInstance = c.instanceOf("worker-3");
    c.signal("worker-3", "SIGTERM");
    const exit = await c.exitOf("worker-3");
    await c.restart("worker-3");
    await waitFor("the new worker-3 in the gateway's registry", 60_000, () =>
      backAsNew(c, "worker-3", stoppedInstance),
    );
    moments.workerThreeBack = since();
    await served;
    return exit;
  };
  const [shots, workerThreeExit] = await Promise.all([load, operator()]);
  return { shots, moments, workerThreeExit };
}

/** The restarted `worker` (a new instance) hosts its services in the gateway's registry. */
async function backAsNew(c: Cluster, worker: string, before: string | null): Promise<boolean> {
  if (c.instanceOf(worker) === before) return false;
  const view = await c.viewOf("gateway").catch(() => null);
  return (view?.day ?? []).includes(worker) && (view?.appointments ?? []).includes(worker);
}

/** Resolves once every day has answered a probe sent after the kill with 200. */
async function probeUntilServed(c: Cluster, killed: Day[]): Promise<void> {
  await Promise.all(
    killed.map(async (day) => {
      while ((await availability(c, day)).status !== 200) await sleep(200);
    }),
  );
}

/** Days whose availability still differs from the database after `withinMs` (empty when all settled). */
interface Unsettled {
  day: Day;
  /** "doctorId start" of the slots that differ. */
  slots: string[];
  message: string;
}

async function settledAvailability(c: Cluster, days: Day[], withinMs: number): Promise<Unsettled[]> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const differing: Unsettled[] = [];
    for (const day of days) {
      const shown = await availability(c, day);
      const held = await bookedInDatabase(c, day);
      if (shown.status !== 200)
        differing.push({ day, slots: [], message: `${dayKey(day)}: availability answered ${label(shown)}` });
      else if (JSON.stringify(sorted(bookedBySlot(shown.body))) !== JSON.stringify(sorted(held))) {
        const owner = rendezvousOwner(dayKey(day), WORKERS);
        const [actor] = await c.sequelize.query<{ epoch: number; commits: number }>(
          "SELECT epoch, commits FROM day_actors WHERE day_key = ?",
          { replacements: [dayKey(day)], type: QueryTypes.SELECT },
        );
        const shownBySlot = bookedBySlot(shown.body);
        const slots = [...new Set([...Object.keys(shownBySlot), ...Object.keys(held)])].filter(
          (slot) => (shownBySlot[slot] ?? 0) !== (held[slot] ?? 0),
        );
        differing.push({
          day,
          slots,
          message: `${dayKey(day)} (owner ${owner}, activations ${actor?.epoch}, commits ${actor?.commits}): ${slotDiff(shownBySlot, held)}`,
        });
      }
    }
    if (differing.length === 0 || performance.now() > deadline) return differing;
    await sleep(250);
  }
}

/**
 * Evidence for a day whose availability missed rows: each row of a slot that
 * differs (it was printed by settledAvailability) with the answer its
 * request got and when it was sent.
 */
async function explainUnsettled(c: Cluster, stale: Unsettled[], shots: Shot[], m: Moments): Promise<string> {
  const lines: string[] = [];
  for (const { day, slot } of stale.flatMap((u) => u.slots.map((slot) => ({ day: u.day, slot })))) {
    const [doctorId, start] = slot.split(" ");
    const rows = await c.sequelize.query<{ id: string; account: string; created_at: number | string }>(
      "SELECT id, CAST(account_id AS CHAR) AS account, created_at FROM appointments WHERE hospital_id = ? AND date = ? AND doctor_id = ? AND start = ? AND seat IS NOT NULL",
      { replacements: [day.hospitalId, day.date, Number(doctorId), start], type: QueryTypes.SELECT },
    );
    for (const row of rows) {
      const shot = shots.find(
        (x) =>
          String(x.booking.accountId) === row.account &&
          x.booking.doctorId === Number(doctorId) &&
          x.booking.day === day,
      );
      lines.push(
        `  ${dayKey(day)} ${slot}: row ${row.id} created ${new Date(Number(row.created_at)).toISOString()}; ` +
          `request sent at ${shot ? (shot.sentAt / 1000).toFixed(1) : "?"} s (SIGKILL ${(m.sigkill / 1000).toFixed(1)} s, ` +
          `SIGTERM ${(m.sigterm / 1000).toFixed(1)} s), first answer ${shot ? label(shot.outcome) : "?"} after ${shot?.outcome.ms.toFixed(0)} ms`,
      );
    }
  }
  return lines.join("\n");
}

/** "slot shown/database" for each slot where they differ. */
const slotDiff = (shown: Record<string, number>, held: Record<string, number>): string =>
  [...new Set([...Object.keys(shown), ...Object.keys(held)])]
    .filter((k) => (shown[k] ?? 0) !== (held[k] ?? 0))
    .map((k) => `${k} shown ${shown[k] ?? 0}, database ${held[k] ?? 0}`)
    .join(", ");

const sorted = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).sort());

interface Asked {
  shot: Shot;
  again: HttpOutcome;
}

/** The same key and body once more for each shot, until the answer is not a 503 (or 30 s pass). */
async function askAgain(c: Cluster, shots: Shot[]): Promise<Asked[]> {
  return runLoad(shots, 20, async (shot) => {
    const deadline = performance.now() + 30_000;
    let again = await book(c, shot.booking);
    while ((again.status === 503 || again.status === 0) && performance.now() < deadline) {
      await sleep(500);
      again = await book(c, shot.booking);
    }
    return { shot, again };
  });
}

async function appointmentRows(c: Cluster, accounts: number[]): Promise<Row[]> {
  return c.sequelize.query<Row>(
    "SELECT id, CAST(account_id AS CHAR) AS account, status, seat, CONCAT(doctor_id, ' ', date, ' ', start) AS slot FROM appointments WHERE account_id IN (?)",
    { replacements: [accounts], type: QueryTypes.SELECT },
  );
}

/**
 * Holds every booked row up against the answers: a 201 (first or on a keyed
 * retry) must be its row; a refusal must have none; any other row is a
 * booking the patient was never told about.
 */
function auditBookings(shots: Shot[], asked: Asked[], rows: Row[]) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const held = (r: Row | undefined) => r !== undefined && r.status === "booked" && r.seat !== null;
  const told = new Set<string>();
  const wrong201: string[] = [];
  const check201 = (b: Booking, o: HttpOutcome, how: string) => {
    const row = byId.get(o.body?.id);
    told.add(o.body?.id);
    if (!held(row) || row?.slot !== slotOf(b) || row?.account !== String(b.accountId))
      wrong201.push(`${how} ${b.key} → ${JSON.stringify(o.body)} but row ${JSON.stringify(row ?? null)}`);
  };
  for (const s of shots) if (s.outcome.status === 201) check201(s.booking, s.outcome, "201");
  const unresolved: string[] = [];
  const refusedRows: string[] = [];
  const revealed: string[] = [];
  for (const { shot, again } of asked) {
    const b = shot.booking;
    if (again.status === 201) {
      check201(b, again, `retry of ${label(shot.outcome)}`);
      revealed.push(label(shot.outcome));
    } else if (refusal(again)) {
      const row = rows.find((r) => held(r) && r.account === String(b.accountId) && r.slot === slotOf(b));
      if (row) refusedRows.push(`${b.key}: retry answered ${label(again)} but row ${row.id} holds a seat`);
    } else unresolved.push(`${b.key}: first ${label(shot.outcome)}, retry ${label(again)}`);
  }
  const silent = [
    ...refusedRows,
    ...rows
      .filter((r) => held(r) && !told.has(r.id))
      .map((r) => `row ${r.id} (${r.slot}) never answered 201`),
  ];
  return { wrong201, unresolved, silent, revealed };
}

function report(
  shots: Shot[],
  asked: Asked[],
  audit: ReturnType<typeof auditBookings>,
  m: Moments,
  unsettled: string[],
): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const counts = (labels: string[]) =>
    tally(labels)
      .map(([l, n]) => `${l}: ${n}`)
      .join(", ") || "none";
  const latencies = shots.map((x) => x.outcome.ms);
  const q = (p: number) => quantile(latencies, p).toFixed(0);
  const byStatus = (st: number) => shots.filter((x) => x.outcome.status === st).length;
  console.log(
    [
      `${shots.length} bookings (${PATIENTS} patients × ${BOOKINGS_EACH}) at concurrency ${CONCURRENCY}, ` +
        `${SENDS_PER_SECOND}/s, over ${WORKERS.length * DAYS_PER_WORKER} hospital-days in ${s(m.loadDone)}; ` +
        `heartbeatTimeout ${HEARTBEAT_TIMEOUT_S} s, REQUEST_TIMEOUT_MS ${REQUEST_TIMEOUT_MS}`,
      `  worker-2 SIGKILL at ${s(m.sigkill)} and restarted at once, back in the gateway's registry ${s(m.workerTwoBack - m.sigkill)} later;` +
        ` its days answered availability again ${s(m.killedDaysServed - m.sigkill)} after the kill`,
      `  worker-3 SIGTERM at ${s(m.sigterm)}, restarted, back ${s(m.workerThreeBack - m.sigterm)} later`,
      `  tally: 201 ${byStatus(201)}, 409 ${byStatus(409)}, 422 ${byStatus(422)}, 503 ${byStatus(503)}, 404 ${byStatus(404)}, other ${shots.length - [201, 409, 422, 503, 404].reduce((n, st) => n + byStatus(st), 0)}`,
      `  all answers: ${counts(shots.map((x) => label(x.outcome)))}`,
      `  keyed retries of the ${asked.length} non-201: ${counts(asked.map((a) => label(a.again)))}`,
      `  booked behind a non-201, revealed by its retry: ${audit.revealed.length} (${counts(audit.revealed)})`,
      `  silent bookings: ${audit.silent.length}; unresolved retries: ${audit.unresolved.length}; 201 without its row: ${audit.wrong201.length}`,
      `  latency ms: p50 ${q(0.5)}, p95 ${q(0.95)}, p99 ${q(0.99)}, slowest ${Math.max(...latencies).toFixed(0)} (limit ${SLOWEST_MS})`,
      `  availability = database within ${SETTLED_WITHIN_MS} ms of the load: ${unsettled.length === 0 ? "yes" : `no: ${unsettled.join("; ")}`}`,
    ].join("\n"),
  );
}

function book(c: Cluster, b: Booking): Promise<HttpOutcome> {
  return c.request("POST", "/api/v1/appointments", {
    body: { hospitalId: b.day.hospitalId, doctorId: b.doctorId, date: b.day.date, start: b.start },
    token: c.tokenFor(b.accountId),
    headers: { "idempotency-key": b.key },
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

/** Slots holding more seats than their capacity (or a seat number beyond it). */
function slotsOverCapacity(c: Cluster): Promise<object[]> {
  return c.sequelize.query(
    "SELECT doctor_id, date, start, COUNT(*) AS n, MAX(seat) AS top FROM appointments WHERE seat IS NOT NULL GROUP BY doctor_id, date, start HAVING COUNT(*) > ? OR MAX(seat) > ?",
    { replacements: [HOURS.capacity, HOURS.capacity], type: QueryTypes.SELECT },
  );
}
