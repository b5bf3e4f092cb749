import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createUser } from "../../test/support/fixtures";

describe("role checks", () => {
  let node: TestNode;
  let hospitalA: number;
  let hospitalB: number;
  let doctorOfB: number;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    node = await startTestNode();
    hospitalA = (await createHospital(node.app)).id;
    hospitalB = (await createHospital(node.app, { name: "다른병원" })).id;
    doctorOfB = (await createDoctor(node.app, hospitalB)).id;
    tokens.patient = (await createUser(node, "patient")).token;
    tokens.staffA = (await createUser(node, "staff", hospitalA)).token;
    tokens.staffB = (await createUser(node, "staff", hospitalB)).token;
    tokens.admin = (await createUser(node, "admin")).token;
  });
  afterAll(() => node.close());

  const holidays = (hospitalId: number, token?: string) =>
    node.http("PUT", `/api/v1/hospitals/${hospitalId}/holidays`, {
      token,
      body: { holidays: ["2026-12-31"] },
    });

  test("staff-only actions: anonymous 401, patient 403, staff of another hospital 403, own staff and admin 200", async () => {
    expect((await holidays(hospitalB)).status).toBe(401);
    const patient = await holidays(hospitalB, tokens.patient);
    expect(patient.status).toBe(403);
    expect(patient.body.error.code).toBe("WRONG_ROLE");
    const other = await holidays(hospitalB, tokens.staffA);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe("WRONG_HOSPITAL");
    expect((await node.app.models.Hospital.findByPk(hospitalB))?.holidays).toEqual([]);

    expect((await holidays(hospitalB, tokens.staffB)).status).toBe(200);
    expect((await holidays(hospitalA, tokens.admin)).status).toBe(200);
    expect((await node.app.models.Hospital.findByPk(hospitalB))?.holidays).toEqual(["2026-12-31"]);
  });

  test("staff of another hospital cannot put a doctor on leave there", async () => {
    const path = `/api/v1/hospitals/${hospitalB}/doctors/${doctorOfB}/leave`;
    const body = { leaveDays: ["2026-12-01"] };
    expect((await node.http("PUT", path, { token: tokens.staffA, body })).status).toBe(403);
    expect((await node.app.models.Doctor.findByPk(doctorOfB))?.leaveDays).toEqual([]);
    expect((await node.http("PUT", path, { token: tokens.staffB, body })).status).toBe(200);
    expect((await node.app.models.Doctor.findByPk(doctorOfB))?.leaveDays).toEqual(["2026-12-01"]);
  });

  test("only admins register hospitals", async () => {
    const body = {
      name: "새병원",
      address: "서울특별시 마포구 양화로 1",
      district: "마포구",
      lat: 37.55,
      lng: 126.91,
      phone: "02-300-0000",
      departments: ["내과"],
      openingHours: [{ weekday: 1, start: "09:00", end: "18:00" }],
    };
    expect((await node.http("POST", "/api/v1/hospitals", { token: tokens.staffA, body })).status).toBe(403);
    expect((await node.http("POST", "/api/v1/hospitals", { token: tokens.patient, body })).status).toBe(403);
    const created = await node.http("POST", "/api/v1/hospitals", { token: tokens.admin, body });
    expect(created.status).toBe(201);
    const detail = await node.http("GET", `/api/v1/hospitals/${created.body.id}`);
    expect(detail.body).toMatchObject({ name: "새병원", departments: ["내과"], doctors: [] });
  });

  test("bad calendars are 422s naming the field and change nothing", async () => {
    const before = await node.app.models.Doctor.count();
    const inverted = await node.http("POST", `/api/v1/hospitals/${hospitalA}/doctors`, {
      token: tokens.staffA,
      body: {
        name: "박의사",
        department: "내과",
        sessions: [{ weekday: 2, start: "18:00", end: "09:00", slotMinutes: 15, capacity: 1 }],
      },
    });
    expect(inverted.status).toBe(422);
    expect(inverted.body.error.details.fields[0].field).toBe("sessions[0]");
    const badTime = await node.http("POST", `/api/v1/hospitals/${hospitalA}/doctors`, {
      token: tokens.staffA,
      body: {
        name: "박의사",
        department: "내과",
        sessions: [{ weekday: 8, start: "25:00", end: "09:00", slotMinutes: 0, capacity: 1 }],
      },
    });
    expect(badTime.status).toBe(422);
    expect(badTime.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(["sessions[0].weekday", "sessions[0].start", "sessions[0].slotMinutes"]),
    );
    expect(await node.app.models.Doctor.count()).toBe(before);
    const badZone = await node.http("POST", "/api/v1/hospitals", {
      token: tokens.admin,
      body: {
        name: "x",
        address: "x",
        district: "x",
        lat: 1,
        lng: 1,
        phone: "02-300-0000",
        departments: ["내과"],
        openingHours: [],
        timeZone: "Mars/Olympus",
      },
    });
    expect(badZone.status).toBe(422);
    expect(badZone.body.error.details.fields[0].field).toBe("timeZone");
  });

  test("a new doctor's sessions show up in availability", async () => {
    const res = await node.http("POST", `/api/v1/hospitals/${hospitalA}/doctors`, {
      token: tokens.staffA,
      body: {
        name: "최의사",
        department: "소아청소년과",
        sessions: [{ weekday: 2, start: "09:00", end: "10:00", slotMinutes: 20, capacity: 4 }],
      },
    });
    expect(res.status).toBe(201);
    node.setNow("2026-11-23T00:00:00Z");
    const slots = await node.http(
      "GET",
      `/api/v1/hospitals/${hospitalA}/availability?date=2026-11-24&doctorId=${res.body.id}`,
    );
    expect(slots.body.doctors[0].slots.map((s: { start: string }) => s.start)).toEqual([
      "09:00",
      "09:20",
      "09:40",
    ]);
  });
});
