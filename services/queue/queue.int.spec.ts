import { QueryTypes } from "sequelize";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";
import { readEvents } from "../../test/support/sse";

// Tuesday 2026-11-24, 09:30 in Seoul. The doctor sees patients 09:00–12:00.
const MORNING = "2026-11-24T00:30:00Z";

describe("reception queue over HTTP", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let staff: string;
  let patients: { userId: number; token: string }[];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(MORNING);
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id;
    staff = (await createUser(node, "staff", hospitalId)).token;
    patients = await createPatients(node, 30);
  });
  afterAll(() => node.close());

  const take = (token: string, body: object = {}) =>
    node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, { token, body });
  const next = () =>
    node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, { token: staff, body: {} });
  const act = (ticketId: string, verb: string, token = staff) =>
    node.http("POST", `/api/v1/queue/tickets/${ticketId}/${verb}`, { token });

  test("tickets get numbers, positions and a wait estimate; staff call in order; the estimate learns", async () => {
    const first = await take(patients[0].token);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ number: 1, position: 1, etaMinutes: 0, status: "waiting" });
    const second = await take(patients[1].token);
    expect(second.body).toMatchObject({ number: 2, position: 2, etaMinutes: 10 });
    expect((await take(patients[0].token)).body.error.code).toBe("ALREADY_IN_QUEUE");

    expect(
      (await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, { token: patients[0].token }))
        .status,
    ).toBe(403);
    const called = await next();
    expect(called.body).toMatchObject({ ticketId: first.body.ticketId, status: "called" });
    // Next in line, but the patient ahead has only just gone in: about one visit to wait.
    expect((await node.http("GET", `/api/v1/queue/tickets/${second.body.ticketId}`)).body).toMatchObject({
      position: 1,
      etaMinutes: 10,
    });

    node.setNow("2026-11-24T00:34:00Z"); // seen for 4 minutes
    expect((await act(first.body.ticketId, "done")).body.status).toBe("done");
    const samples = await node.app.sequelize.query<{ samples: string }>(
      "SELECT samples FROM service_times WHERE doctor_id = ?",
      {
        replacements: [doctorId],
        type: QueryTypes.SELECT,
      },
    );
    expect(JSON.parse(samples[0].samples)[0]).toBeCloseTo(4, 1);
    const third = await take(patients[2].token);
    // One sample of 4 minutes pulls the 10-minute default down: (4 + 4 × 10) / 5 = 8.8.
    expect(third.body).toMatchObject({ position: 2, etaMinutes: 9 });
    await next();
    await act(second.body.ticketId, "done");
    await next();
    await act(third.body.ticketId, "done");
  });

  test("no-shows and app cancellations block app reception for the day until staff forgive", async () => {
    const p = patients[3];
    const t1 = await take(p.token);
    await next();
    expect((await act(t1.body.ticketId, "no-show")).body.status).toBe("no_show");
    const t2 = await take(p.token);
    expect((await act(t2.body.ticketId, "cancel", p.token)).body.status).toBe("cancelled");
    const blocked = await take(p.token);
    expect([blocked.status, blocked.body.error.code]).toEqual([403, "RECEPTION_BLOCKED"]);

    const penalties = await node.http("GET", `/api/v1/hospitals/${hospitalId}/queue/penalties`, {
      token: staff,
    });
    const patientId = penalties.body.items[0].patientId;
    expect(penalties.body.items).toEqual([{ patientId, strikes: 2 }]);
    expect(
      (
        await node.http("DELETE", `/api/v1/hospitals/${hospitalId}/queue/penalties/${patientId}`, {
          token: staff,
        })
      ).status,
    ).toBe(200);
    const again = await take(p.token);
    expect(again.status).toBe(201);
    await act(again.body.ticketId, "cancel", staff);
  });

  test("a share of the day stays for desk patients", async () => {
    // 3 clinic hours at 10 minutes a patient = 18 places; 30% kept for the desk leaves 12 for the app.
    await node.http("PUT", `/api/v1/hospitals/${hospitalId}/queue/settings`, {
      token: staff,
      body: { defaultServiceMinutes: 10 },
    });
    await node.app.sequelize.query("DELETE FROM service_times");
    await node.http("PUT", `/api/v1/hospitals/${hospitalId}/queue/settings`, {
      token: staff,
      body: { deskSharePercent: 30 },
    });
    const taken = [];
    for (const p of patients.slice(10, 24)) taken.push(await take(p.token));
    const refusals = taken.filter((r) => r.status !== 201).map((r) => r.body.error.code);
    const appTicketsToday = await node.app.sequelize.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM tickets WHERE channel = 'app' AND status <> 'cancelled'",
      { type: QueryTypes.SELECT },
    );
    expect(Number(appTicketsToday[0].n)).toBe(12);
    expect(new Set(refusals)).toEqual(new Set(["APP_SHARE_FULL"]));
    const desk = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/desk`, {
      token: staff,
      body: { name: "방문환자", birthDate: "1970-01-01" },
    });
    expect(desk.status).toBe(201);
    expect(desk.body.channel).toBe("desk");
    const list = await node.http("GET", `/api/v1/hospitals/${hospitalId}/queue`, { token: staff });
    expect(list.body.items.filter((t: { status: string }) => t.status === "waiting")).toHaveLength(8 + 1);
  });

  test("reception is closed outside opening hours; staff of another hospital cannot call", async () => {
    node.setNow("2026-11-24T11:00:00Z"); // 20:00 in Seoul
    const closed = await take(patients[25].token);
    expect([closed.status, closed.body.error.code]).toEqual([409, "RECEPTION_CLOSED"]);
    node.setNow(MORNING);
    const other = await createUser(node, "staff", hospitalId + 1000);
    expect(
      (
        await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, {
          token: other.token,
          body: {},
        })
      ).status,
    ).toBe(403);
    expect((await node.http("GET", "/api/v1/queue/tickets/not-a-ticket")).status).toBe(422);
  });
});

describe("one timeline for bookings and walk-ins", () => {
  let node: TestNode;
  afterAll(() => node.close());

  test("a checked-in booking is called at its slot time; walk-ins fill the time before it", async () => {
    node = await startTestNode();
    node.setNow("2026-11-23T23:00:00Z"); // Tuesday 08:00 in Seoul
    const hospitalId = (await createHospital(node.app)).id;
    const doctorId = (await createDoctor(node.app, hospitalId)).id;
    const staff = (await createUser(node, "staff", hospitalId)).token;
    const [booker, walkIn] = await createPatients(node, 2);
    const booked = await node.http("POST", "/api/v1/appointments", {
      token: booker.token,
      body: { hospitalId, doctorId, date: "2026-11-24", start: "10:00" },
    });
    node.setNow("2026-11-24T00:40:00Z"); // 09:40
    await node.http("POST", `/api/v1/appointments/${booked.body.id}/check-in`, { token: staff });
    const ticket = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, {
      token: walkIn.token,
      body: {},
    });
    const first = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, {
      token: staff,
      body: {},
    });
    expect(first.body.ticketId).toBe(ticket.body.ticketId);
    const early = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, {
      token: staff,
      body: {},
    });
    expect(early.body.error.code).toBe("QUEUE_EMPTY");
    node.setNow("2026-11-24T01:00:00Z"); // 10:00, the slot time
    const second = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, {
      token: staff,
      body: {},
    });
    expect(second.body).toMatchObject({ channel: "booking", status: "called" });
  });

  test("a called ticket nobody finishes becomes a no-show on its own", async () => {
    const hospitalId = (await createHospital(node.app)).id;
    await createDoctor(node.app, hospitalId);
    const staff = (await createUser(node, "staff", hospitalId)).token;
    await node.app.models.Hospital.update(
      { queueSettings: { noShowAfterMinutes: 2 } },
      { where: { id: hospitalId } },
    );
    const [p] = await createPatients(node, 1);
    const t = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, { token: p.token, body: {} });
    await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, { token: staff, body: {} });
    node.advance(2 * 60_000 + 1000); // the actor's no-show timer falls due now
    expect((await node.http("GET", `/api/v1/queue/tickets/${t.body.ticketId}`)).body.status).toBe("no_show");
  });

  test("the board streams changes as Server-Sent Events", async () => {
    const hospitalId = (await createHospital(node.app)).id;
    await createDoctor(node.app, hospitalId);
    const [p] = await createPatients(node, 1);
    const stream = readEvents(`${node.baseUrl}/api/v1/hospitals/${hospitalId}/queue/events`);
    const initial = await stream.next("board");
    expect(initial.waiting).toEqual([]);
    const t = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, { token: p.token, body: {} });
    const changed = await stream.next("board");
    expect(changed.waiting).toEqual([expect.objectContaining({ number: t.body.number, position: 1 })]);
    expect(changed.waiting[0].ticketId).toBeUndefined();
    await stream.close();
  });
});

describe("reception follows the doctors' duty", () => {
  let node: TestNode;
  afterAll(() => node.close());

  test("a ticket for an off-duty doctor is refused naming when they next work; any-doctor tickets go to those on duty", async () => {
    node = await startTestNode();
    node.setNow("2026-11-24T00:30:00Z"); // Tuesday 09:30 in Seoul
    const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "24:00" }));
    const hospitalId = (await createHospital(node.app, { openingHours: ALL_DAY as never })).id;
    const morning = (await createDoctor(node.app, hospitalId, { name: "오전의사" })).id;
    const evening = (
      await createDoctor(node.app, hospitalId, {
        name: "저녁의사",
        sessions: [2, 3].map((weekday) => ({
          weekday: weekday as 2 | 3,
          start: "16:00",
          end: "24:00",
          slotMinutes: 30,
          capacity: 2,
        })),
      })
    ).id;
    const staff = (await createUser(node, "staff", hospitalId)).token;
    const patients = await createPatients(node, 4);
    const take = (token: string, body: object) =>
      node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, { token, body });

    const off = await take(patients[0].token, { doctorId: evening });
    expect(off.status).toBe(422);
    expect(off.body.error).toMatchObject({
      code: "DOCTOR_OFF_DUTY",
      details: {
        doctorId: evening,
        nextWork: { doctorId: evening, date: "2026-11-24", start: "16:00", end: "24:00" },
      },
    });
    expect(off.body.error.message).toContain("next work 2026-11-24 16:00–24:00");

    const any = await take(patients[1].token, {});
    expect(any.status).toBe(201);
    const called = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue/next`, {
      token: staff,
      body: {},
    });
    // The lone doctor on duty takes it, and the ticket says so: where the patient goes.
    expect(called.body).toMatchObject({ ticketId: any.body.ticketId, status: "called", doctorId: morning });
    expect((await node.http("GET", `/api/v1/queue/tickets/${any.body.ticketId}`)).body.doctorId).toBe(
      morning,
    );

    node.setNow("2026-11-24T09:34:00Z"); // 18:34: the morning doctor is done for the day
    const late = await take(patients[2].token, { doctorId: morning });
    expect(late.body.error.code).toBe("DOCTOR_OFF_DUTY");
    expect(late.body.error.details.nextWork).toMatchObject({ date: "2026-11-25", start: "09:00" });
    expect((await take(patients[2].token, {})).status).toBe(201);

    node.setNow("2026-11-24T15:30:00Z"); // 00:30 Wednesday: nobody works until 09:00
    const night = await take(patients[3].token, {});
    expect(night.body.error).toMatchObject({
      code: "DOCTOR_OFF_DUTY",
      details: { nextWork: { doctorId: morning, date: "2026-11-25", start: "09:00" } },
    });
    expect((await take(patients[3].token, { doctorId: 999999 })).body.error.code).toBe("NOT_FOUND");
  });
});
