import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital } from "../../test/support/fixtures";

// Monday 2026-11-23, 10:05 in Seoul.
const MONDAY_MORNING_SEOUL = "2026-11-23T01:05:00Z";

describe("GET /hospitals/:id/availability", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let onLeaveId: number;

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(MONDAY_MORNING_SEOUL);
    const hospital = await createHospital(node.app, { holidays: ["2026-11-25"] });
    hospitalId = hospital.id;
    const doctor = await createDoctor(node.app, hospitalId, {
      sessions: [
        {
          weekday: 1,
          start: "09:00",
          end: "15:00",
          slotMinutes: 60,
          capacity: 3,
          breaks: [{ start: "12:00", end: "13:00" }],
        },
        { weekday: 3, start: "09:00", end: "12:00", slotMinutes: 60, capacity: 3 },
        { weekday: 6, start: "09:00", end: "11:00", slotMinutes: 30, capacity: 1 },
      ],
    });
    doctorId = doctor.id;
    onLeaveId = (await createDoctor(node.app, hospitalId, { name: "이휴가", leaveDays: ["2026-11-24"] })).id;
  });
  afterAll(() => node.close());

  const availability = (query: string) =>
    node.http("GET", `/api/v1/hospitals/${hospitalId}/availability?${query}`);

  test("today: slots that started are not available, the lunch break is not offered", async () => {
    const res = await availability(`date=2026-11-23&doctorId=${doctorId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      hospitalId,
      date: "2026-11-23",
      doctors: [
        {
          doctorId,
          slots: [
            { start: "09:00", end: "10:00", capacity: 3, booked: 0, available: 0 },
            { start: "10:00", end: "11:00", capacity: 3, booked: 0, available: 0 },
            { start: "11:00", end: "12:00", capacity: 3, booked: 0, available: 3 },
            { start: "13:00", end: "14:00", capacity: 3, booked: 0, available: 3 },
            { start: "14:00", end: "15:00", capacity: 3, booked: 0, available: 3 },
          ],
        },
      ],
    });
  });

  test("a doctor on leave offers nothing that day; the others do", async () => {
    const res = await availability("date=2026-11-24");
    const byDoctor = Object.fromEntries(
      res.body.doctors.map((d: { doctorId: number; slots: unknown[] }) => [d.doctorId, d.slots.length]),
    );
    expect(byDoctor[onLeaveId]).toBe(0);
    const nextDay = await availability("date=2026-12-01");
    expect(
      nextDay.body.doctors.find((d: { doctorId: number }) => d.doctorId === onLeaveId).slots,
    ).toHaveLength(6);
  });

  test("a hospital holiday closes every doctor", async () => {
    const res = await availability("date=2026-11-25");
    expect(res.body.doctors.every((d: { slots: unknown[] }) => d.slots.length === 0)).toBe(true);
  });

  test("a public holiday closes hospitals that close on them, not those that open", async () => {
    const christmas = "2026-12-25"; // a Friday, in the public_holidays table
    const friday = [{ weekday: 5 as const, start: "09:00", end: "10:00", slotMinutes: 30, capacity: 1 }];
    const closing = await createHospital(node.app, { name: "쉬는의원" });
    const opening = await createHospital(node.app, { name: "휴일진료의원", closesOnPublicHolidays: false });
    const a = await createDoctor(node.app, closing.id, { sessions: friday });
    const b = await createDoctor(node.app, opening.id, { sessions: friday });
    const slotsOf = async (h: number, d: number) =>
      (await node.http("GET", `/api/v1/hospitals/${h}/availability?date=${christmas}&doctorId=${d}`)).body
        .doctors[0].slots;
    expect(await slotsOf(closing.id, a.id)).toEqual([]);
    expect(await slotsOf(opening.id, b.id)).toHaveLength(2);
  });

  test("Saturday offers its own short session", async () => {
    const res = await availability(`date=2026-11-28&doctorId=${doctorId}`);
    expect(res.body.doctors[0].slots.map((s: { start: string }) => s.start)).toEqual([
      "09:00",
      "09:30",
      "10:00",
      "10:30",
    ]);
  });

  test("the date is the hospital's local date, whatever the server's clock zone", async () => {
    // 23:30 UTC on Sunday is already Monday 08:30 in Seoul: Monday's 09:00 slot is still open.
    node.setNow("2026-11-22T23:30:00Z");
    const seoul = await availability(`date=2026-11-23&doctorId=${doctorId}`);
    expect(seoul.body.doctors[0].slots[0].available).toBe(3);

    // The same instant is Sunday 18:30 in New York: Monday is tomorrow there and fully open.
    const ny = await createHospital(node.app, { timeZone: "America/New_York", name: "NY Clinic" });
    const nyDoctor = await createDoctor(node.app, ny.id);
    node.setNow("2026-11-23T14:20:00Z"); // 09:20 in New York, 23:20 in Seoul
    const nyRes = await node.http(
      "GET",
      `/api/v1/hospitals/${ny.id}/availability?date=2026-11-23&doctorId=${nyDoctor.id}`,
    );
    expect(nyRes.body.doctors[0].slots.map((s: { available: number }) => s.available)).toEqual([
      0, 2, 2, 2, 2, 2,
    ]);
    const seoulLate = await availability(`date=2026-11-23&doctorId=${doctorId}`);
    expect(seoulLate.body.doctors[0].slots.every((s: { available: number }) => s.available === 0)).toBe(true);
    node.setNow(MONDAY_MORNING_SEOUL);
  });

  test("bad input names the field; unknown ids are 404", async () => {
    const missing = await node.http("GET", `/api/v1/hospitals/${hospitalId}/availability`);
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.fields[0].field).toBe("date");
    const bad = await availability("date=2026-13-01");
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].field).toBe("date");
    expect((await node.http("GET", "/api/v1/hospitals/999999/availability?date=2026-11-23")).status).toBe(
      404,
    );
    expect((await availability("date=2026-11-23&doctorId=999999")).body.error.code).toBe("NOT_FOUND");
  });
});
