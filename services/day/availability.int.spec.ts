import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients } from "../../test/support/fixtures";

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

  test("today: slots that started are past and not available, the lunch break is not offered, sessions shown", async () => {
    const res = await availability(`date=2026-11-23&doctorId=${doctorId}`);
    expect(res.status).toBe(200);
    const seats = { capacity: 3, booked: 0 };
    expect(res.body).toEqual({
      hospitalId,
      date: "2026-11-23",
      doctors: [
        {
          doctorId,
          slots: [
            { start: "09:00", end: "10:00", ...seats, available: 0, status: "past" },
            { start: "10:00", end: "11:00", ...seats, available: 0, status: "past" },
            { start: "11:00", end: "12:00", ...seats, available: 3, status: "open" },
            { start: "13:00", end: "14:00", ...seats, available: 3, status: "open" },
            { start: "14:00", end: "15:00", ...seats, available: 3, status: "open" },
          ],
          sessions: [
            { start: "09:00", end: "12:00" },
            { start: "13:00", end: "15:00" },
          ],
        },
      ],
    });
  });

  test("a doctor on leave has nothing bookable that day (slots closed: leave, no sessions); the others do", async () => {
    const res = await availability("date=2026-11-24");
    const onLeave = res.body.doctors.find((d: { doctorId: number }) => d.doctorId === onLeaveId);
    expect(onLeave.sessions).toEqual([]);
    expect(onLeave.slots).toHaveLength(6);
    for (const slot of onLeave.slots)
      expect(slot).toMatchObject({ available: 0, status: "closed", reason: "leave" });
    const nextDay = await availability("date=2026-12-01");
    const back = nextDay.body.doctors.find((d: { doctorId: number }) => d.doctorId === onLeaveId);
    expect(back.slots.filter((s: { status: string }) => s.status === "open")).toHaveLength(6);
  });

  test("a hospital holiday closes every doctor, saying so", async () => {
    const res = await availability("date=2026-11-25");
    for (const d of res.body.doctors) {
      expect(d.sessions).toEqual([]);
      for (const slot of d.slots)
        expect(slot).toMatchObject({ available: 0, status: "closed", reason: "holiday" });
    }
  });

  test("a full slot says full; beyond the horizon says closed", async () => {
    const [patient] = await createPatients(node, 1);
    const saturday = await availability(`date=2026-12-05&doctorId=${doctorId}`);
    expect(saturday.body.doctors[0].slots[0]).toMatchObject({ start: "09:00", capacity: 1, status: "open" });
    const booked = await node.http("POST", "/api/v1/appointments", {
      token: patient.token,
      body: { hospitalId, doctorId, date: "2026-12-05", start: "09:00" },
    });
    expect(booked.status).toBe(201);
    const after = await availability(`date=2026-12-05&doctorId=${doctorId}`);
    expect(after.body.doctors[0].slots[0]).toEqual({
      start: "09:00",
      end: "09:30",
      capacity: 1,
      booked: 1,
      available: 0,
      status: "full",
    });
    const far = await availability(`date=2027-01-04&doctorId=${doctorId}`);
    for (const slot of far.body.doctors[0].slots)
      expect(slot).toMatchObject({ available: 0, status: "closed", reason: "beyond_horizon" });
  });

  test("SLOT_CLOSED says when the doctor works and names the next open slot", async () => {
    const [patient] = await createPatients(node, 1);
    const book = (date: string, start: string) =>
      node.http("POST", "/api/v1/appointments", {
        token: patient.token,
        body: { hospitalId, doctorId, date, start },
      });
    const notScheduled = await book("2026-11-23", "12:00");
    expect(notScheduled.status).toBe(422);
    expect(notScheduled.body.error.code).toBe("SLOT_CLOSED");
    expect(notScheduled.body.error.details).toMatchObject({
      date: "2026-11-23",
      start: "12:00",
      sessions: [
        { start: "09:00", end: "12:00" },
        { start: "13:00", end: "15:00" },
      ],
      nextOpen: { date: "2026-11-23", start: "13:00" },
    });
    expect(notScheduled.body.error.message).toContain("works 09:00–12:00, 13:00–15:00 on 2026-11-23");
    const past = await book("2026-11-23", "09:00");
    expect(past.body.error.details.nextOpen).toEqual({ date: "2026-11-23", start: "11:00" });
    // Wednesday the 25th is a hospital holiday: the next open slot is Saturday's.
    const holiday = await book("2026-11-25", "09:00");
    expect(holiday.body.error.details).toMatchObject({
      reason: "holiday",
      sessions: [],
      nextOpen: { date: "2026-11-28", start: "09:00" },
    });
    expect(holiday.body.error.message).toContain("does not work on 2026-11-25 (holiday)");
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
    const closed = await slotsOf(closing.id, a.id);
    expect(closed.map((s: { status: string; reason: string }) => `${s.status}:${s.reason}`)).toEqual([
      "closed:holiday",
      "closed:holiday",
    ]);
    // The other offers its slots; on the 23rd of November they are still past the 30-day horizon.
    const offered = await slotsOf(opening.id, b.id);
    expect(offered.map((s: { status: string; reason: string }) => `${s.status}:${s.reason}`)).toEqual([
      "closed:beyond_horizon",
      "closed:beyond_horizon",
    ]);
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
