/**
 * One day actor against a real database, on a clock the test moves: reads
 * write nothing, late commands are dropped unapplied, keyed commands answer
 * once (also across activations), a stale load or a calendar changed behind
 * the actor's back (its broadcast lost) re-runs the turn on fresh state.
 */
import { QueryTypes } from "sequelize";
import { startTestNode } from "../../../test/support/test-node";
import type { TestNode } from "../../../test/support/test-node";
import { FakeClock } from "../../../test/support/fake-clock";
import { createDoctor, createHospital, createPatients } from "../../../test/support/fixtures";
import { changeCalendar } from "../../hospitals/calendar-repository";
import { quietRelay } from "../../../test/support/quiet-relay";
import type { RequestKey } from "../decisions/request-key";
import { DayStore } from "../store/day-store";
import { DayActor } from "./day-actor";

const NOW = Date.parse("2026-11-22T23:00:00Z"); // Monday 08:00 in Seoul
const DAY = "2026-11-24";

describe("a day actor", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let patientIds: number[];
  let clock: FakeClock;
  let seq = 0;

  beforeAll(async () => {
    node = await startTestNode();
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id; // weekdays 09:00–12:00, 30 min, 2 seats
    const accounts = await createPatients(node, 20);
    const rows = await node.app.models.Patient.findAll({
      where: { accountId: accounts.map((a) => a.userId) },
    });
    patientIds = rows.map((p) => p.id);
  });
  beforeEach(() => {
    clock = new FakeClock(NOW);
  });
  afterAll(() => node.close());

  const activation = (date = DAY, maxMailbox?: number) =>
    new DayActor(
      hospitalId,
      date,
      {
        store: new DayStore(node.app),
        relay: quietRelay,
        clock,
        newId: () => `00000000-0000-7000-8000-${String(++seq).padStart(12, "0")}`,
        maxBatch: 100,
        maxMailbox,
        maxActiveAppointments: 5,
      },
      () => undefined,
    );
  const bookCommand = (patientId: number, start = "09:00") =>
    ({ type: "book", doctorId, start, patientId, accountId: patientId }) as const;
  const count = async (sql: string, replacements: unknown[]) =>
    Number(
      (await node.app.sequelize.query<{ n: number }>(sql, { replacements, type: QueryTypes.SELECT }))[0].n,
    );
  const fenceRows = (date: string) =>
    count("SELECT COUNT(*) AS n FROM day_actors WHERE day_key = ?", [`${hospitalId}:${date}`]);
  const appointmentsOf = (patientId: number) =>
    count("SELECT COUNT(*) AS n FROM appointments WHERE patient_id = ?", [patientId]);

  test("its seat count (admission's seats left) follows bookings and cancellations, and its pace tells commits from refusals", async () => {
    const actor = activation("2026-12-08");
    expect(actor.seats).toBeNull();
    await actor.read(() => null);
    expect(actor.seats).toEqual({ booked: 0, capacity: 12 });
    const { appointment } = await actor.send(bookCommand(patientIds[17]));
    expect(actor.seats).toEqual({ booked: 1, capacity: 12 });
    await actor.send(bookCommand(patientIds[18]));
    await expect(actor.send(bookCommand(patientIds[19]))).rejects.toMatchObject({ code: "SLOT_FULL" });
    expect(actor.seats).toEqual({ booked: 2, capacity: 12 });
    const caller = { accountId: patientIds[17], role: "patient" as const, hospitalId: null };
    await actor.send({ type: "cancel", appointmentId: appointment!.id, caller });
    expect(actor.seats).toEqual({ booked: 1, capacity: 12 });
    // Two commits and one refusal were measured apart: the refusal did not make commits look cheap.
    const { fixedMs, refusalMs } = actor.pace.cost;
    expect(refusalMs).toBeLessThan(fixedMs);
  });

  test("reads and refused commands write nothing", async () => {
    const date = "2026-11-26";
    const actor = activation(date);
    const slots = await actor.read((state) => state.slots.get(doctorId)?.size);
    expect(slots).toBe(6);
    await expect(actor.send(bookCommand(patientIds[0], "13:00"))).rejects.toMatchObject({
      code: "SLOT_CLOSED",
    });
    expect(await fenceRows(date)).toBe(0);
    expect(await appointmentsOf(patientIds[0])).toBe(0);
  });

  test("a refusal is remembered for a client's key, not for a broker-retry key; a success is, for both", async () => {
    const date = "2026-12-07";
    const actor = activation(date);
    const keys = () =>
      count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope = ?", [`${hospitalId}:${date}`]);
    const retryKey = (k: string): RequestKey => ({
      accountId: patientIds[8],
      key: k,
      hash: "h",
      forRetries: true,
    });
    const clientKey: RequestKey = { accountId: patientIds[8], key: "client-1", hash: "h" };
    const closed = bookCommand(patientIds[8], "13:00");
    await expect(actor.send(closed, { key: retryKey("req:1:book") })).rejects.toMatchObject({
      code: "SLOT_CLOSED",
    });
    expect(await keys()).toBe(0);
    expect(await fenceRows(date)).toBe(0);
    await expect(actor.send(closed, { key: clientKey })).rejects.toMatchObject({ code: "SLOT_CLOSED" });
    expect(await keys()).toBe(1);
    // The same broker-retry key is decided afresh, and a success under it is remembered and replayed.
    const booked = await actor.send(bookCommand(patientIds[8], "09:00"), { key: retryKey("req:1:book") });
    expect(await keys()).toBe(2);
    const replayed = await activation(date).send(bookCommand(patientIds[8], "09:00"), {
      key: retryKey("req:1:book"),
    });
    expect(replayed.appointment?.id).toBe(booked.appointment?.id);
  });

  test("a command whose caller's deadline passed is dropped unapplied", async () => {
    const actor = activation();
    await expect(actor.send(bookCommand(patientIds[1]), { deadline: NOW - 1 })).rejects.toMatchObject({
      type: "DEADLINE_EXCEEDED",
      retryable: true,
    });
    expect(await appointmentsOf(patientIds[1])).toBe(0);
    await expect(actor.send(bookCommand(patientIds[1]), { deadline: NOW + 1000 })).resolves.toBeDefined();
    expect(await appointmentsOf(patientIds[1])).toBe(1);
  });

  test("a caller beyond the mailbox's bound is refused at once, nothing applied; the actor's own sweep is not", async () => {
    const actor = activation("2026-12-03", 2);
    // The first command starts a turn at once; the next two wait; the fourth finds the mailbox full.
    const sent = [12, 13, 14, 15].map((i) => actor.send(bookCommand(patientIds[i], "10:00")));
    const sweep = actor.send({ type: "expire" });
    const settled = await Promise.allSettled([...sent, sweep]);
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ code: "SLOT_FULL" });
    expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({ type: "DAY_BUSY", retryable: true });
    expect(await appointmentsOf(patientIds[15])).toBe(0);
  });

  test("a request sent the moment the previous turn's answers go out is never stranded in the mailbox", async () => {
    const actor = activation("2026-12-04");
    // A caller's next request may arrive a few ticks after its answer, as the mailbox empties.
    for (let ticks = 0; ticks < 12; ticks++) {
      const next = actor
        .read(() => ticks)
        .then(async () => {
          for (let t = 0; t < ticks; t++) await Promise.resolve();
          return actor.read(() => "answered");
        });
      const stranded = new Promise((resolve) =>
        setTimeout(() => resolve(`stranded after ${ticks} ticks`), 1000),
      );
      expect(await Promise.race([next, stranded])).toBe("answered");
    }
  });

  test("a keyed command answers once, in this activation and the next; another body is refused", async () => {
    const key: RequestKey = { accountId: patientIds[2], key: "k-1", hash: "h-1" };
    const first = await activation().send(bookCommand(patientIds[2], "09:30"), { key });
    const sameActor = activation();
    const again = await sameActor.send(bookCommand(patientIds[2], "09:30"), { key });
    const twice = await sameActor.send(bookCommand(patientIds[2], "09:30"), { key });
    expect(again.appointment?.id).toBe(first.appointment?.id);
    expect(twice.appointment?.id).toBe(first.appointment?.id);
    expect(await appointmentsOf(patientIds[2])).toBe(1);
    await expect(
      sameActor.send(bookCommand(patientIds[2], "10:00"), { key: { ...key, hash: "h-2" } }),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", status: 422 });
  });

  test("an activation that loaded before another's commit re-runs its turn on a fresh load", async () => {
    const date = "2026-11-30";
    const late = activation(date);
    await late.read(() => null); // loaded, no epoch yet
    await activation(date).send(bookCommand(patientIds[3]));
    const outcome = await late.send(bookCommand(patientIds[4]));
    expect(outcome.appointment?.seat).toBe(2);
    expect(late.retired).toBe(false);
  });

  test("a calendar changed without telling the actor is seen at commit, and the turn re-decided", async () => {
    const date = "2026-12-01";
    const actor = activation(date);
    await actor.send(bookCommand(patientIds[5], "09:00"));
    // The broadcast is lost: only the database knows the doctor now stops at 10:00.
    const doctor = await node.app.models.Doctor.findByPk(doctorId);
    const shorter = doctor!.sessions.map((s) => ({ ...s, end: "10:00" }));
    await changeCalendar(node.app.sequelize, hospitalId, (transaction) =>
      doctor!.update({ sessions: shorter }, { transaction }),
    );
    await expect(actor.send(bookCommand(patientIds[6], "11:00"))).rejects.toMatchObject({
      code: "SLOT_CLOSED",
    });
    expect(await appointmentsOf(patientIds[6])).toBe(0);
    await expect(actor.send(bookCommand(patientIds[6], "09:30"))).resolves.toBeDefined();
    await changeCalendar(node.app.sequelize, hospitalId, (transaction) =>
      doctor!.update({ sessions: doctor!.sessions.map((s) => ({ ...s, end: "12:00" })) }, { transaction }),
    );
  });

  test("a lapsed hold is expired by the actor's own timer when the clock passes it", async () => {
    const date = "2026-12-02";
    const actor = activation(date);
    const held = await actor.send({ ...bookCommand(patientIds[7]), holdSeconds: 60 });
    const status = () =>
      node.app.sequelize.query<{ status: string }>("SELECT status FROM appointments WHERE id = ?", {
        replacements: [held.appointment?.id],
        type: QueryTypes.SELECT,
      });
    clock.advance(59_000);
    await actor.idle();
    expect((await status())[0].status).toBe("pending");
    clock.advance(2_000);
    await actor.idle();
    expect((await status())[0].status).toBe("expired");
  });
});
