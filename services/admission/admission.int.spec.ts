/**
 * Open-run admission over HTTP (API.md "대기열"). The day actor's load is
 * set by the test (a real open run is the benchmark's job), so high and low
 * mode are chosen here, deterministically.
 */
import crypto from "node:crypto";
import Redis from "ioredis";
import { SERVICE_NAMES } from "../../node";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients } from "../../test/support/fixtures";
import type { Load } from "./admission-rules";
import { admissionService } from "./admission.service";
import type { DayPressure } from "../day/day-admin.actions";

// Sunday 2026-11-22 08:00 in Seoul; the booked day is Tuesday 2026-11-24.
const NOW = "2026-11-21T23:00:00Z";
const DAY = "2026-11-24";
const REDIS_URL = "redis://127.0.0.1:6379";

/** What the day actor "reports": swamped (room for nobody) or calm. */
/** 10 ms a command: the actor answers 100 a second. */
const at = (depth: number): Load => ({ depth, fixedMs: 0, perCommandMs: 10, maxBatch: 500 });
const SWAMPED = at(10_000);
const CALM = at(0);
let load = CALM;

/** How often the stub was asked for the actor's load. */
let pressureCalls = 0;

/** Loads are not reused unless a test asks (`loadReuseMs`): the tests switch the load between requests. */
async function startNode(
  namespace: string,
  dbUrl?: string,
  redisUrl: string | null = null,
  loadReuseMs = 0,
): Promise<TestNode> {
  return startTestNode(
    {
      namespace,
      redisUrl,
      services: SERVICE_NAMES.filter((s) => s !== "admission"),
      ...(dbUrl ? { dbUrl } : {}),
    },
    {
      extraServices: [
        (app) =>
          admissionService(app, {
            loadReuseMs,
            // The test sets the load; whether the slot is open is the actor's to say.
            pressure: async (ctx, dayKey, slot) => {
              pressureCalls++;
              const real = await ctx.call<DayPressure, object>("day.pressure", { dayKey, ...slot });
              return { ...load, ...(real.slotOpen === undefined ? {} : { slotOpen: real.slotOpen }) };
            },
          }),
      ],
    },
  );
}

/** Deletes what a namespace's nodes left in Redis (tickets, availability copies). */
async function forgetNamespace(ns: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${ns}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

describe("open-run admission", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let patients: { userId: number; token: string }[];
  const namespace = `adm-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;

  beforeAll(async () => {
    node = await startNode(namespace);
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id; // weekdays 09:00–12:00, 30 min, 2 seats
    patients = await createPatients(node, 8);
  });
  afterAll(() => node.close());
  beforeEach(() => (load = CALM));

  /** Books on `date` through `n`'s gateway, with an admission ticket if given. */
  const bookOnDay = (n: TestNode, date: string) => (token: string, start: string, ticket?: string) =>
    n.http("POST", "/api/v1/appointments", {
      token,
      body: { hospitalId, doctorId, date, start },
      headers: ticket ? { "admission-ticket": ticket } : {},
    });
  const book = (n: TestNode, token: string, start: string, ticket?: string) =>
    bookOnDay(n, DAY)(token, start, ticket);
  /** A load that leaves the actor room for `n` more within the deadline (half the request budget). */
  const roomFor = (n: number): Load => at((node.app.config.requestTimeoutMs / 2 / 1000) * 100 - n);
  const status = (n: TestNode, token: string, ticket: string) =>
    n.http("GET", `/api/v1/admission/${ticket}`, { token });

  test("with normal traffic a booking passes straight through", async () => {
    const res = await book(node, patients[0].token, "09:00");
    expect(res.status).toBe(201);
  });

  test("in an open run: 202 with tickets in arrival order, admitted in that order, admitted ones skip the line", async () => {
    load = SWAMPED;
    const [a, b, c] = [patients[1], patients[2], patients[3]];
    const first = await book(node, a.token, "09:30");
    const second = await book(node, b.token, "09:30");
    expect(first.status).toBe(202);
    expect(first.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(first.body.admission).toMatchObject({ position: 1, retryAfterMs: expect.any(Number) });
    expect(second.body.admission.position).toBe(2);
    // Asking again is not a second place in line.
    expect((await book(node, a.token, "10:00")).body.admission.ticket).toBe(first.body.admission.ticket);

    // Room for one: the first ticket is admitted, the second still waits.
    // Bookings let through a moment ago still count against the room: let that moment pass.
    node.advance(node.app.config.requestTimeoutMs);
    load = roomFor(1);
    const t1 = first.body.admission.ticket as string;
    const t2 = second.body.admission.ticket as string;
    expect((await status(node, a.token, t1)).body).toMatchObject({ status: "admitted", position: 0 });
    expect((await status(node, b.token, t2)).body).toMatchObject({ status: "waiting", position: 1 });

    // Still swamped for everyone else: a newcomer waits, the admitted ticket books.
    load = SWAMPED;
    expect((await book(node, c.token, "09:30")).body.admission.position).toBe(2);
    const admitted = await book(node, a.token, "09:30", t1);
    expect(admitted.status).toBe(201);
  });

  test("a ticket is its holder's only: another user gets 404 for it and 403 booking with it", async () => {
    load = SWAMPED;
    const [owner, thief] = [patients[4], patients[5]];
    const ticket = (await book(node, owner.token, "10:30")).body.admission.ticket as string;
    expect((await status(node, thief.token, ticket)).status).toBe(404);
    const stolen = await book(node, thief.token, "10:30", ticket);
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.code).toBe("ADMISSION_NOT_YOURS");
  });

  test("an admitted ticket not used within 30 s expires", async () => {
    load = SWAMPED;
    const p = patients[6];
    const ticket = (await book(node, p.token, "11:00")).body.admission.ticket as string;
    load = CALM;
    expect((await status(node, p.token, ticket)).body.status).toBe("admitted");
    node.advance(30_001);
    load = SWAMPED;
    expect((await status(node, p.token, ticket)).body.status).toBe("expired");
    const late = await book(node, p.token, "11:00", ticket);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("ADMISSION_EXPIRED");
  });

  test("a slot the actor knows is full is refused at once in an open run, not given a place in line", async () => {
    const ns = `${namespace}-full`;
    const another = await startNode(ns, node.db.url, REDIS_URL);
    const bookOn = bookOnDay(another, "2026-11-25");
    try {
      another.setNow(NOW);
      load = CALM;
      for (const p of patients.slice(0, 2)) expect((await bookOn(p.token, "09:00")).status).toBe(201);
      load = SWAMPED;
      let refused = await bookOn(patients[2].token, "09:00");
      for (let i = 0; i < 50 && refused.status === 202; i++) {
        await new Promise((r) => setTimeout(r, 20));
        refused = await bookOn(patients[2].token, "09:00");
      }
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("SLOT_FULL");
      // A slot with seats left still takes its place in line.
      expect((await bookOn(patients[3].token, "09:30")).status).toBe(202);
    } finally {
      await another.close();
      await forgetNamespace(ns);
    }
  });

  test("a ticket whose slot fills while it waits is admitted on its next look and told SLOT_FULL; the line behind waits on", async () => {
    const day = "2026-11-26";
    const [waiter, behind, ...fillers] = patients;
    load = SWAMPED;
    const bookOn = bookOnDay(node, day);
    const ticket = (await bookOn(waiter.token, "09:00")).body.admission.ticket as string;
    const other = (await bookOn(behind.token, "09:30")).body.admission.ticket as string;
    // Both seats of 09:00 go to others straight at the actor, past the line.
    const rows = await node.app.models.Patient.findAll({
      where: { accountId: fillers.map((f) => f.userId) },
    });
    for (const patient of rows.slice(0, 2))
      await node.broker.call("day.book", {
        dayKey: `${hospitalId}:${day}`,
        doctorId,
        start: "09:00",
        patientId: patient.id,
        accountId: patient.accountId,
      });
    // Still swamped: only the ticket whose slot is now full is let go.
    expect((await status(node, waiter.token, ticket)).body).toMatchObject({
      status: "admitted",
      position: 0,
    });
    expect((await status(node, behind.token, other)).body).toMatchObject({ status: "waiting", position: 1 });
    const told = await bookOn(waiter.token, "09:00", ticket);
    expect(told.status).toBe(409);
    expect(told.body.error.code).toBe("SLOT_FULL");
  });

  test("in low mode, bookings pass on a load read a moment ago; past that moment, or once it is swamped, the actor is asked", async () => {
    const ns = `${namespace}-reuse`;
    const reusing = await startNode(ns, node.db.url, null, 60_000);
    const bookOn = bookOnDay(reusing, "2026-11-27");
    try {
      reusing.setNow(NOW);
      load = CALM;
      pressureCalls = 0;
      expect((await bookOn(patients[0].token, "09:00")).status).toBe(201);
      expect((await bookOn(patients[1].token, "09:00")).status).toBe(201);
      expect((await bookOn(patients[2].token, "09:30")).status).toBe(201);
      expect(pressureCalls).toBe(1);
      // The load it reads next says swamped: the next booking, past the moment, waits in line.
      reusing.advance(60_000);
      load = SWAMPED;
      expect((await bookOn(patients[3].token, "10:00")).status).toBe(202);
      expect(pressureCalls).toBe(2);
      // A swamped load is not reused to let anyone pass: each arrival asks again.
      expect((await bookOn(patients[4].token, "10:00")).status).toBe(202);
      expect(pressureCalls).toBe(3);
    } finally {
      await reusing.close();
    }
  });

  test("tickets in Redis outlive the node: a new node finds the ticket and admits it", async () => {
    const ns = `${namespace}-r`;
    const first = await startNode(ns, node.db.url, REDIS_URL);
    first.setNow(NOW);
    load = SWAMPED;
    const p = patients[7];
    const ticket = (await book(first, p.token, "11:30")).body.admission.ticket as string;
    await first.close();

    const second = await startNode(ns, node.db.url, REDIS_URL);
    try {
      second.setNow(NOW);
      expect((await status(second, p.token, ticket)).body).toMatchObject({ status: "waiting", position: 1 });
      load = CALM;
      expect((await status(second, p.token, ticket)).body.status).toBe("admitted");
      expect((await book(second, p.token, "11:30", ticket)).status).toBe(201);
    } finally {
      await second.close();
      await forgetNamespace(ns);
    }
  });
});
