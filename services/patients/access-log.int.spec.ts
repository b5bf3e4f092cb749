/**
 * 개인정보 열람 기록 (issue 13): staff and admin reads and changes of a
 * patient's data are recorded; the patient sees them at /me/access-log,
 * admins for any account; staff lists show names and ages, each view logged.
 */
import { createDoctor, createHospital, createUser } from "../../test/support/fixtures";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";

// Tuesday 2026-11-24, 09:30 in Seoul; the doctor sees patients 09:00–12:00 on weekdays.
const MORNING = "2026-11-24T00:30:00Z";
const TODAY = "2026-11-24";

describe("access log", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let staff: string;
  let admin: string;
  let parent: { id: number; token: string };

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(MORNING);
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id;
    staff = (await createUser(node, "staff", hospitalId)).token;
    admin = (await createUser(node, "admin")).token;
    const body = {
      email: "parent@example.com",
      password: "correct horse battery",
      name: "김엄마",
      phone: "010-1234-5678",
      birthDate: "1990-04-01",
    };
    const { id } = (await node.http("POST", "/api/v1/auth/signup", { body })).body;
    const { token } = (
      await node.http("POST", "/api/v1/auth/login", { body: { email: body.email, password: body.password } })
    ).body;
    parent = { id: Number(id), token };
  });
  afterAll(() => node.close());

  const log = async (token = parent.token) =>
    (await node.http("GET", "/api/v1/me/access-log", { token })).body;

  test("a patient's own reads are not logged; staff reads, lists and changes are", async () => {
    const child = await node.http("POST", "/api/v1/me/patients", {
      token: parent.token,
      body: { name: "김아기", birthDate: "2020-01-01", relation: "child" },
    });
    const booked = await node.http("POST", "/api/v1/appointments", {
      token: parent.token,
      body: { hospitalId, doctorId, date: TODAY, start: "11:00", patientId: child.body.id },
    });
    expect(booked.status).toBe(201);
    const path = `/api/v1/appointments/${booked.body.id}`;
    expect((await node.http("GET", path, { token: parent.token })).status).toBe(200);
    expect(await log()).toEqual({ items: [], total: 0 });

    expect((await node.http("GET", path, { token: staff })).status).toBe(200);
    const day = await node.http("GET", `/api/v1/hospitals/${hospitalId}/appointments?date=${TODAY}`, {
      token: staff,
    });
    expect(day.body.items).toEqual([
      expect.objectContaining({ id: booked.body.id, patient: { name: "김아기", age: 6 } }),
    ]);
    const ticket = await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, {
      token: parent.token,
      body: {},
    });
    expect(ticket.status).toBe(201);
    const queue = await node.http("GET", `/api/v1/hospitals/${hospitalId}/queue`, { token: staff });
    expect(queue.body.items).toEqual([
      expect.objectContaining({ ticketId: ticket.body.ticketId, patient: { name: "김엄마", age: 36 } }),
    ]);
    expect((await node.http("POST", `${path}/check-in`, { token: staff })).status).toBe(200);

    const actor = { role: "staff", hospitalId };
    const seen = await log();
    expect(seen.total).toBe(4);
    expect(seen.items).toEqual([
      {
        at: expect.any(String),
        actor,
        action: "appointment.check_in",
        resource: `appointment:${booked.body.id}`,
        patientId: child.body.id,
      },
      {
        at: expect.any(String),
        actor,
        action: "queue.list",
        resource: `hospital:${hospitalId}/queue/${TODAY}`,
        patientId: expect.any(Number),
      },
      {
        at: expect.any(String),
        actor,
        action: "appointments.list",
        resource: `hospital:${hospitalId}/appointments/${TODAY}`,
        patientId: child.body.id,
      },
      {
        at: expect.any(String),
        actor,
        action: "appointment.read",
        resource: `appointment:${booked.body.id}`,
        patientId: child.body.id,
      },
    ]);
    expect(new Date(seen.items[0].at).toISOString()).toBe(seen.items[0].at);
  });

  test("admins query any account's log (with the actor's account); nobody else can", async () => {
    const other = await createUser(node, "patient");
    expect(await log(other.token)).toEqual({ items: [], total: 0 });
    const mine = await log();
    const res = await node.http("GET", `/api/v1/admin/access-log?accountId=${parent.id}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(mine.total);
    expect(res.body.items[0]).toEqual({ ...mine.items[0], actorAccountId: expect.any(Number) });
    expect(
      (await node.http("GET", `/api/v1/admin/access-log?accountId=${parent.id}`, { token: other.token }))
        .status,
    ).toBe(403);
    expect(
      (await node.http("GET", `/api/v1/admin/access-log?accountId=${parent.id}`, { token: staff })).status,
    ).toBe(403);
  });
});
