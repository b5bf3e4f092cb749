import type { Context, ServiceSchema } from "moleculer";
import { QueryTypes } from "sequelize";
import type { OutboxMessage } from "../outbox/outbox";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";

// Monday 2026-11-23 08:00 in Seoul; the booked day is Tuesday 2026-11-24.
const NOW = "2026-11-22T23:00:00Z";
const DAY = "2026-11-24";

/** Records every booking event this node publishes, in arrival order. */
const seen: OutboxMessage[] = [];
const probe = (): ServiceSchema => ({
  name: "probe",
  events: {
    "day.appointment.*"(ctx: Context<OutboxMessage>) {
      seen.push({ ...ctx.params, dayKey: `${ctx.eventName ?? "?"}@${ctx.params.dayKey}` });
    },
  },
});

describe("appointments over HTTP", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let patients: { userId: number; token: string }[];

  beforeAll(async () => {
    node = await startTestNode({}, { extraServices: [probe] });
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app, { holidays: ["2026-11-25"] })).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id; // weekdays 09:00–12:00, 30 min, 2 seats
    patients = await createPatients(node, 12);
  });
  afterAll(() => node.close());

  const book = (token: string, body: Record<string, unknown>) =>
    node.http("POST", "/api/v1/appointments", { token, body: { hospitalId, doctorId, date: DAY, ...body } });
  const slotOf = async (start: string) => {
    const res = await node.http(
      "GET",
      `/api/v1/hospitals/${hospitalId}/availability?date=${DAY}&doctorId=${doctorId}`,
    );
    return res.body.doctors[0].slots.find((s: { start: string }) => s.start === start);
  };

  test("book, read, list, cancel: the seat is counted while booked and freed on cancel", async () => {
    const [alice, bob] = patients;
    const res = await book(alice.token, { start: "09:00" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "booked", hospitalId, doctorId, date: DAY, start: "09:00" });
    expect(await slotOf("09:00")).toMatchObject({ capacity: 2, booked: 1, available: 1 });

    const id = res.body.id as string;
    expect((await node.http("GET", `/api/v1/appointments/${id}`, { token: alice.token })).body.id).toBe(id);
    expect((await node.http("GET", `/api/v1/appointments/${id}`, { token: bob.token })).status).toBe(403);
    const staff = await createUser(node, "staff", hospitalId);
    const otherStaff = await createUser(node, "staff", hospitalId + 1000);
    expect((await node.http("GET", `/api/v1/appointments/${id}`, { token: staff.token })).status).toBe(200);
    expect((await node.http("GET", `/api/v1/appointments/${id}`, { token: otherStaff.token })).status).toBe(
      403,
    );
    const mine = await node.http("GET", "/api/v1/me/appointments", { token: alice.token });
    expect(mine.body).toMatchObject({ total: 1, items: [{ id }] });

    expect((await node.http("POST", `/api/v1/appointments/${id}/cancel`, { token: bob.token })).status).toBe(
      403,
    );
    const cancelled = await node.http("POST", `/api/v1/appointments/${id}/cancel`, { token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: "cancelled" });
    expect(await slotOf("09:00")).toMatchObject({ booked: 0, available: 2 });
    const again = await node.http("POST", `/api/v1/appointments/${id}/cancel`, { token: alice.token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("NOT_CANCELLABLE");
  });

  test("SLOT_FULL, ALREADY_BOOKED, and a child booked by the parent counts as their own patient", async () => {
    const [, , p3, p4, p5] = patients;
    expect((await book(p3.token, { start: "09:30" })).status).toBe(201);
    expect((await book(p4.token, { start: "09:30" })).status).toBe(201);
    const full = await book(p5.token, { start: "09:30" });
    expect(full.status).toBe(409);
    // Answered by the booking itself (answeringRefusals), in the same form as any thrown error.
    expect(full.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(full.body).toEqual({
      error: { code: "SLOT_FULL", message: expect.any(String), details: expect.any(Object) },
    });
    // The front asks the day for its refusals as answers; anyone else still gets them thrown.
    const direct = {
      dayKey: `${hospitalId}:${DAY}`,
      doctorId,
      start: "09:30",
      patientId: (await node.app.models.Patient.findOne({ where: { accountId: p5.userId } }))!.id,
      accountId: p5.userId,
    };
    expect(await node.broker.call("day.book", { ...direct, refusalAsAnswer: true })).toEqual({
      refused: { status: 409, code: "SLOT_FULL", message: "The slot is full.", details: expect.any(Object) },
    });
    await expect(node.broker.call("day.book", direct)).rejects.toMatchObject({
      code: 409,
      type: "SLOT_FULL",
    });

    const twice = await book(p3.token, { start: "10:00" });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("ALREADY_BOOKED");

    const child = await node.http("POST", "/api/v1/me/patients", {
      token: p3.token,
      body: { name: "아이", birthDate: "2020-02-02", relation: "child" },
    });
    const forChild = await book(p3.token, { start: "10:00", patientId: child.body.id });
    expect(forChild.status).toBe(201);
    const notMine = await book(p4.token, { start: "10:30", patientId: child.body.id });
    expect(notMine.status).toBe(404);
  });

  test("closed slots and bad input are refused with the reason, writing nothing", async () => {
    const token = patients[5].token;
    const count = async () =>
      (
        await node.app.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM appointments", {
          type: QueryTypes.SELECT,
        })
      )[0].n;
    const before = Number(await count());
    const holiday = await book(token, { date: "2026-11-25", start: "09:00" });
    expect([holiday.status, holiday.body.error.code]).toEqual([422, "SLOT_CLOSED"]);
    const offSchedule = await book(token, { start: "09:15" });
    expect([offSchedule.status, offSchedule.body.error.code]).toEqual([422, "SLOT_CLOSED"]);
    node.setNow("2026-11-24T00:40:00Z"); // Tuesday 09:40 in Seoul
    const started = await book(token, { start: "09:30" });
    expect([started.status, started.body.error.code]).toEqual([422, "SLOT_CLOSED"]);
    node.setNow(NOW);
    const badTime = await book(token, { start: "9am" });
    expect(badTime.status).toBe(422);
    expect(badTime.body.error.details.fields[0].field).toBe("start");
    expect((await book(token, { doctorId: 424242, start: "09:00" })).body.error.code).toBe("NOT_FOUND");
    const noHospital = await node.http("POST", "/api/v1/appointments", {
      token,
      body: { hospitalId: 424242, doctorId, date: DAY, start: "09:00" },
    });
    expect(noHospital.status).toBe(404);
    const staff = await createUser(node, "staff", hospitalId);
    expect((await book(staff.token, { start: "11:00" })).status).toBe(403);
    expect(Number(await count())).toBe(before);
  });

  test("a patient may hold at most 5 upcoming appointments", async () => {
    const token = patients[6].token;
    const staff = await createUser(node, "staff", hospitalId);
    const sessions = [{ weekday: 2, start: "11:30", end: "12:00", slotMinutes: 30, capacity: 1 }];
    const results = [];
    for (const name of ["의사1", "의사2", "의사3", "의사4", "의사5", "의사6"]) {
      // Through the staff API, so the day's actor hears of the new doctor.
      const doctor = await node.http("POST", `/api/v1/hospitals/${hospitalId}/doctors`, {
        token: staff.token,
        body: { name, department: "소아청소년과", sessions },
      });
      results.push((await book(token, { doctorId: doctor.body.id, start: "11:30" })).status);
    }
    expect(results).toEqual([201, 201, 201, 201, 201, 422]);
  });

  test("a hold expires on its own and frees its seat; a confirmed one stays", async () => {
    const [a, b] = patients.slice(7, 9);
    const hold = (patientId: number, accountId: number) =>
      node.broker.call<{ appointment: { id: string; status: string } }, object>("day.book", {
        dayKey: `${hospitalId}:${DAY}`,
        doctorId,
        start: "11:00",
        patientId,
        accountId,
        holdSeconds: 60,
      });
    const patientIdOf = async (userId: number) =>
      (await node.app.models.Patient.findOne({ where: { accountId: userId } }))!.id;
    const kept = await hold(await patientIdOf(a.userId), a.userId);
    const lapsing = await hold(await patientIdOf(b.userId), b.userId);
    expect(kept.appointment.status).toBe("pending");
    await node.broker.call("day.confirm", {
      dayKey: `${hospitalId}:${DAY}`,
      appointmentId: kept.appointment.id,
    });
    node.advance(61_000); // the actor's expiry timer falls due now (before the idle actor would be passivated)
    // A read queues behind the expiry the timer sent, so the rows are written once it answers.
    expect(await slotOf("11:00")).toMatchObject({ booked: 1 });
    const statusOf = async (id: string) =>
      (
        await node.app.sequelize.query<{ status: string; seat: number | null }>(
          "SELECT status, seat FROM appointments WHERE id = ?",
          {
            replacements: [id],
            type: QueryTypes.SELECT,
          },
        )
      )[0];
    expect(await statusOf(lapsing.appointment.id)).toEqual({ status: "expired", seat: null });
    expect(await statusOf(kept.appointment.id)).toMatchObject({ status: "booked" });
    expect(await slotOf("11:00")).toMatchObject({ booked: 1 });
  });

  test("staff check a patient in on the day", async () => {
    const res = await book(patients[9].token, { start: "10:30" });
    const staff = await createUser(node, "staff", hospitalId);
    const path = `/api/v1/appointments/${res.body.id}/check-in`;
    expect((await node.http("POST", path, { token: staff.token })).body.error.code).toBe("NOT_CHECKABLE");
    node.setNow("2026-11-24T00:20:00Z"); // Tuesday 09:20 in Seoul
    expect((await node.http("POST", path, { token: patients[9].token })).status).toBe(403);
    expect((await node.http("POST", path, { token: staff.token })).body.status).toBe("checked_in");
    node.setNow(NOW);
  });

  test("every change reaches local handlers in order, once per outbox row, and the outbox is drained", async () => {
    const mine = seen.filter((e) => (e.payload as { accountId: number }).accountId === patients[0].userId);
    expect(mine.map((e) => e.dayKey)).toEqual([
      `day.appointment.booked@${hospitalId}:${DAY}`,
      `day.appointment.cancelled@${hospitalId}:${DAY}`,
    ]);
    // Publishing follows the answer, so the last test's events may still be on their way.
    const pending = async () =>
      Number(
        (
          await node.app.sequelize.query<{ n: number }>(
            "SELECT COUNT(*) AS n FROM outbox_events WHERE dispatched_at IS NULL",
            {
              type: QueryTypes.SELECT,
            },
          )
        )[0].n,
      );
    for (let i = 0; i < 30 && (await pending()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await pending()).toBe(0);
    const [{ total }] = await node.app.sequelize.query<{ total: number }>(
      "SELECT COUNT(*) AS total FROM outbox_events WHERE type LIKE 'appointment.%'",
      {
        type: QueryTypes.SELECT,
      },
    );
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(Number(total));
  });
});

describe("2,000 concurrent bookings for a day with 100 seats", () => {
  let node: TestNode;
  afterAll(() => node.close());

  test("exactly 100 × 201 and 1,900 × 409 SLOT_FULL; availability and rows agree", async () => {
    node = await startTestNode();
    node.setNow(NOW);
    const hospitalId = (await createHospital(node.app)).id;
    const sessions = [{ weekday: 2 as const, start: "09:00", end: "10:40", slotMinutes: 10, capacity: 10 }];
    const doctorId = (await createDoctor(node.app, hospitalId, { sessions })).id;
    const patients = await createPatients(node, 2000);
    const starts = ["09:00", "09:10", "09:20", "09:30", "09:40", "09:50", "10:00", "10:10", "10:20", "10:30"];

    const results = await Promise.all(
      patients.map((p, i) =>
        node.http("POST", "/api/v1/appointments", {
          token: p.token,
          body: { hospitalId, doctorId, date: DAY, start: starts[i % 10] },
        }),
      ),
    );
    const tally = new Map<string, number>();
    for (const r of results) {
      const key = `${r.status} ${r.body.error?.code ?? r.body.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(tally)).toEqual({ "201 booked": 100, "409 SLOT_FULL": 1900 });

    const availability = await node.http("GET", `/api/v1/hospitals/${hospitalId}/availability?date=${DAY}`);
    const slots = availability.body.doctors[0].slots as { booked: number; available: number }[];
    expect(slots.map((s) => s.booked)).toEqual(new Array(10).fill(10));
    expect(slots.every((s) => s.available === 0)).toBe(true);

    const rows = await node.app.sequelize.query<{ start: string; n: number }>(
      "SELECT start, COUNT(*) AS n FROM appointments WHERE doctor_id = ? AND seat IS NOT NULL GROUP BY start",
      { replacements: [doctorId], type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => Number(r.n))).toEqual(new Array(10).fill(10));
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.id as string));
    const stored = await node.app.sequelize.query<{ id: string }>(
      "SELECT id FROM appointments WHERE status = 'booked'",
      {
        type: QueryTypes.SELECT,
      },
    );
    expect(new Set(stored.map((r) => r.id))).toEqual(ids);
  }, 120_000);
});
