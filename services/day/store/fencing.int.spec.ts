import { QueryTypes } from "sequelize";
import { quietRelay } from "../../../test/support/quiet-relay";
import { startTestNode } from "../../../test/support/test-node";
import type { TestNode } from "../../../test/support/test-node";
import { createDoctor, createHospital, createPatients } from "../../../test/support/fixtures";
import { DayActor } from "../actor/day-actor";
import type { Outcome } from "../decisions/day-commands";
import { FencedError } from "./commit-errors";
import { DayStore } from "./day-store";
import { systemClock } from "../../../platform/clock";

const NOW = "2026-11-22T23:00:00Z";
const DAY = "2026-11-24";

describe("fencing: two live activations of one day", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let patientIds: number[];
  let seq = 0;

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app)).id;
    const sessions = [{ weekday: 2 as const, start: "09:00", end: "09:30", slotMinutes: 30, capacity: 10 }];
    doctorId = (await createDoctor(node.app, hospitalId, { sessions })).id;
    const accounts = await createPatients(node, 60);
    const rows = await node.app.models.Patient.findAll({
      where: { accountId: accounts.map((a) => a.userId) },
    });
    patientIds = rows.map((p) => p.id);
  });
  afterAll(() => node.close());

  /** An actor of the day as a second node would hold it: its own store, memory and epoch. */
  const activation = () =>
    new DayActor(
      hospitalId,
      DAY,
      {
        store: new DayStore(node.app),
        relay: quietRelay,
        clock: systemClock(() => node.app.now().getTime()),
        newId: () => `00000000-0000-7000-8000-${String(++seq).padStart(12, "0")}`,
        maxBatch: 500,
        maxActiveAppointments: 5,
      },
      () => undefined,
    );
  const book = (actor: DayActor, patientId: number) =>
    actor.send({ type: "book", doctorId, start: "09:00", patientId, accountId: patientId });
  const seatsSold = async () =>
    Number(
      (
        await node.app.sequelize.query<{ n: number }>(
          "SELECT COUNT(*) AS n FROM appointments WHERE doctor_id = ? AND seat IS NOT NULL",
          { replacements: [doctorId], type: QueryTypes.SELECT },
        )
      )[0].n,
    );

  test("the superseded actor is refused on its next commit, retires, and nothing is oversold", async () => {
    const a = activation();
    const b = activation();
    await book(a, patientIds[0]);
    await book(b, patientIds[1]); // b activates later: a new epoch
    await expect(book(a, patientIds[2])).rejects.toBeInstanceOf(FencedError);
    expect(a.retired).toBe(true);
    expect(await seatsSold()).toBe(2);
  });

  test("racing batches on both activations never sell more seats than the slot has", async () => {
    const a = activation();
    const b = activation();
    const attempts = patientIds.slice(3).map((p, i) =>
      book(i % 2 === 0 ? a : b, p).then(
        (o: Outcome) => o.appointment?.status,
        (err: { code?: string; type?: string }) => err.type ?? err.code,
      ),
    );
    const results = await Promise.all(attempts);
    const sold = await seatsSold();
    expect(sold).toBeLessThanOrEqual(10);
    expect(results.filter((r) => r === "booked").length).toBe(sold - 2);
    // The losers were told to retry (their commands were not applied), never given a wrong answer.
    const retry = ["DAY_MOVED", "DAY_CHANGED"];
    expect(results.some((r) => retry.includes(String(r)))).toBe(true);
    expect(results.filter((r) => r !== "booked" && r !== "SLOT_FULL" && !retry.includes(String(r)))).toEqual(
      [],
    );
  });

  test("the unique seat key refuses a seat sold twice even if a fence were passed", async () => {
    const store = new DayStore(node.app);
    const dayKey = `${hospitalId}:${DAY}`;
    const [{ epoch }] = await node.app.sequelize.query<{ epoch: number }>(
      "SELECT epoch FROM day_actors WHERE day_key = ?",
      { replacements: [dayKey], type: QueryTypes.SELECT },
    );
    const [taken] = await node.app.sequelize.query<{ seat: number }>(
      "SELECT seat FROM appointments WHERE doctor_id = ? AND seat IS NOT NULL LIMIT 1",
      { replacements: [doctorId], type: QueryTypes.SELECT },
    );
    const duplicate = {
      id: "00000000-0000-7000-8000-999999999999",
      hospitalId,
      doctorId,
      date: DAY,
      start: "09:00",
      seat: Number(taken.seat),
      patientId: patientIds[59],
      accountId: patientIds[59],
      status: "booked" as const,
      holdExpiresAt: null,
      couponCode: null,
      couponRef: null,
      createdAt: 0,
      updatedAt: 0,
    };
    const events = [{ type: "appointment.booked" as const, appointment: duplicate }];
    const turn = {
      dayKey,
      hospitalId,
      fence: { epoch: Number(epoch), commitsSeen: null },
      calendarVersion: 0,
      events,
      isNew: () => true,
      samples: new Map(),
      answers: [],
      cap: { patientIds: [], max: 5, today: DAY },
      newId: () => "e-1",
      now: 0,
    };
    await expect(store.commit(turn)).rejects.toBeInstanceOf(FencedError);
  });

  test("through the service, a fenced caller is retried into a normal answer", async () => {
    const accounts = await createPatients(node, 2);
    const day = "2026-12-01"; // another Tuesday
    const first = await node.http("POST", "/api/v1/appointments", {
      token: accounts[0].token,
      body: { hospitalId, doctorId, date: day, start: "09:00" },
    });
    expect(first.status).toBe(201);
    // Another node activates the same day: the service's actor is now stale.
    await node.app.sequelize.query("UPDATE day_actors SET epoch = epoch + 1 WHERE day_key = ?", {
      replacements: [`${hospitalId}:${day}`],
    });
    const second = await node.http("POST", "/api/v1/appointments", {
      token: accounts[1].token,
      body: { hospitalId, doctorId, date: day, start: "09:00" },
    });
    expect(second.status).toBe(201);
    const availability = await node.http("GET", `/api/v1/hospitals/${hospitalId}/availability?date=${day}`);
    expect(availability.body.doctors[0].slots[0].booked).toBe(2);
  });
});
