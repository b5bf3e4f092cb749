import crypto from "node:crypto";
import Redis from "ioredis";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";
import { AvailabilityCopy } from "./availability-copy";
import type { DoctorAvailability } from "./decisions/availability";
import { waitFor } from "../../test/support/wait-for";

const REDIS_URL = "redis://127.0.0.1:6379";
// Monday 2026-11-23, 10:05:00.000 in Seoul: a copy made now holds for a whole minute.
const MONDAY_MORNING_SEOUL = "2026-11-23T01:05:00.000Z";
const DAY = "2026-11-24";

/** Waits up to 2 s, looking every 20 ms: a copy is written right after the commit. */
const copyFor = (check: () => Promise<boolean>, what: string) => waitFor(what, 2000, check, 20);

describe("availability served from the day actors' Redis copy", () => {
  const namespace = `avail-${crypto.randomBytes(4).toString("hex")}`;
  const redis = new Redis(REDIS_URL);
  let node: TestNode;
  let copy: AvailabilityCopy;
  let hospitalId: number;
  let doctorId: number;

  beforeAll(async () => {
    node = await startTestNode({ redisUrl: REDIS_URL, namespace });
    node.setNow(MONDAY_MORNING_SEOUL);
    copy = new AvailabilityCopy(REDIS_URL, namespace);
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id;
  });
  afterAll(async () => {
    await node.close();
    await copy.close();
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const dayKey = `${namespace}:availability`;
  const get = (query = "") =>
    node.http("GET", `/api/v1/hospitals/${hospitalId}/availability?date=${DAY}${query}`);
  const copied = () => copy.read(hospitalId, DAY, node.app.clock.now());
  const slot0900 = (doctors: DoctorAvailability[] | null) =>
    doctors?.[0].slots.find((s) => s.start === "09:00");

  test("the first read asks the actor, which publishes; a booking's commit publishes the new count", async () => {
    const first = await get();
    expect(first.status).toBe(200);
    await copyFor(async () => (await copied()) !== null, "the first copy");
    expect(await copied()).toEqual(first.body.doctors);

    const [patient] = await createPatients(node, 1);
    const booked = await node.http("POST", "/api/v1/appointments", {
      token: patient.token,
      body: { hospitalId, doctorId, date: DAY, start: "09:00" },
    });
    expect(booked.status).toBe(201);
    await copyFor(async () => slot0900(await copied())?.booked === 1, "the copy after the booking");
    expect(slot0900((await get()).body.doctors)).toMatchObject({ booked: 1, available: 1 });
  });

  test("while the copy holds, reads are answered from it; once it runs out, the actor answers and publishes again", async () => {
    const real = (await get()).body.doctors as DoctorAvailability[];
    // Mark the copy so an answer from it can be told from the actor's.
    const marked = real.map((d) => ({ ...d, sessions: [{ start: "00:00", end: "00:01" }] }));
    // Written as a republish of the same commit would be: the same version, a later validity.
    const key = `${dayKey}:${hospitalId}:${DAY}`;
    const until = Number(await redis.hget(key, "until"));
    await redis.hset(key, "body", JSON.stringify(marked), "until", String(until + 1));
    expect((await get()).body.doctors).toEqual(marked);
    expect((await get(`&doctorId=${doctorId}`)).body.doctors).toEqual(marked);

    node.advance(61_000);
    expect((await get()).body.doctors).toEqual(real);
    await copyFor(async () => (await copied())?.[0].sessions[0].start === "09:00", "a fresh copy");
  });

  test("a doctor the copy does not list is the actor's 404", async () => {
    await copyFor(async () => (await copied()) !== null, "a copy");
    const res = await get("&doctorId=424242");
    expect(res.status).toBe(404);
  });

  test("a calendar change refuses every copy made before it at once, not when it runs out", async () => {
    node.setNow(MONDAY_MORNING_SEOUL);
    await get();
    await copyFor(async () => (await copied()) !== null, "a copy");
    const admin = await createUser(node, "admin");
    const leave = await node.http("PUT", `/api/v1/hospitals/${hospitalId}/doctors/${doctorId}/leave`, {
      token: admin.token,
      body: { leaveDays: [DAY] },
    });
    expect(leave.status).toBe(200);
    await copyFor(
      async () => (await copied()) === null || slot0900(await copied())?.status === "closed",
      "the floor",
    );
    expect(slot0900((await get()).body.doctors)).toMatchObject({ status: "closed", reason: "leave" });
  });
});

describe("AvailabilityCopy on Redis: newer wins, the calendar floor only rises", () => {
  const prefix = `avail-unit-${crypto.randomBytes(4).toString("hex")}`;
  const copy = new AvailabilityCopy(REDIS_URL, prefix);
  const doctors = (booked: number): DoctorAvailability[] => [
    {
      doctorId: 1,
      sessions: [],
      slots: [{ start: "09:00", end: "09:30", capacity: 2, booked, available: 2 - booked, status: "open" }],
    },
  ];
  const entry = (version: number, booked: number, validUntil = 2_000, calendarVersion = 3) => ({
    version,
    calendarVersion,
    validUntil,
    doctors: doctors(booked),
  });
  afterAll(async () => {
    await copy.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  test("an older activation's late write never replaces a newer copy", async () => {
    await copy.write(1, DAY, entry(5, 2), 1_000);
    await copy.write(1, DAY, entry(4, 1, 9_000), 1_000);
    expect(await copy.read(1, DAY, 1_000)).toEqual(doctors(2));
    // The same commit republished later (the copy ran out) extends it.
    await copy.write(1, DAY, entry(5, 2, 3_000), 1_000);
    expect(await copy.read(1, DAY, 2_500)).toEqual(doctors(2));
    expect(await copy.read(1, DAY, 3_000)).toBeNull();
    // A newer commit's copy is read afresh, not the body this reader parsed before.
    await copy.write(1, DAY, entry(6, 0, 4_000), 3_000);
    expect(await copy.read(1, DAY, 3_000)).toEqual(doctors(0));
  });

  test("copies from before a calendar change are refused; a late, older change does not lower the floor", async () => {
    await copy.write(2, DAY, entry(1, 0, 5_000, 3), 1_000);
    await copy.calendarChanged(2, 4);
    expect(await copy.read(2, DAY, 1_000)).toBeNull();
    await copy.calendarChanged(2, 2);
    await copy.write(2, DAY, entry(2, 1, 5_000, 3), 1_000);
    expect(await copy.read(2, DAY, 1_000)).toBeNull();
    await copy.write(2, DAY, entry(3, 1, 5_000, 4), 1_000);
    expect(await copy.read(2, DAY, 1_000)).toEqual(doctors(1));
  });
});
