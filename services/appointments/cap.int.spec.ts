/**
 * The upcoming-appointments cap spans days, and days are different actors:
 * one patient's bookings on many days at once must still stop at the cap.
 */
import { QueryTypes } from "sequelize";
import fc from "fast-check";
import { loadConfig } from "../../platform/config";
import type { Weekday } from "../../platform/calendar";
import { addDays } from "../../platform/time";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients } from "../../test/support/fixtures";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul
const CAP = 2;
/** Weekdays within the horizon: each its own day actor. */
/** Seats enough for every run: only the cap may refuse. */
const sessions = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday: weekday as Weekday,
  start: "09:00",
  end: "09:30",
  slotMinutes: 30,
  capacity: 50,
}));
const DAYS = [1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => addDays("2026-11-23", d));

describe("the upcoming-appointments cap under concurrent bookings on different days", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorIds: number[];
  let patients: { userId: number; token: string }[];

  beforeAll(async () => {
    const defaults = loadConfig({});
    node = await startTestNode({ booking: { ...defaults.booking, maxActiveAppointments: CAP } });
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app)).id;
    doctorIds = [
      (await createDoctor(node.app, hospitalId, { sessions })).id,
      (await createDoctor(node.app, hospitalId, { sessions })).id,
    ];
    patients = await createPatients(node, 12);
  });
  afterAll(() => node.close());

  test("any burst of one patient's bookings over several days books at most the cap", async () => {
    let next = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...DAYS), fc.constantFrom(0, 1)), { minLength: 3, maxLength: 8 }),
        async (drawn) => {
          // One booking per doctor-day (a second would be ALREADY_BOOKED, not the cap), by a fresh patient.
          const targets = [...new Map(drawn.map((t) => [t.join("/"), t])).values()];
          const p = patients[next++];
          const answers = await Promise.all(
            targets.map(([date, d]) =>
              node.http("POST", "/api/v1/appointments", {
                token: p.token,
                body: { hospitalId, doctorId: doctorIds[d], date, start: "09:00" },
              }),
            ),
          );
          const [{ n }] = await node.app.sequelize.query<{ n: number }>(
            "SELECT COUNT(*) AS n FROM appointments WHERE account_id = ? AND status IN ('pending', 'booked')",
            { replacements: [p.userId], type: QueryTypes.SELECT },
          );
          const created = answers.filter((a) => a.status === 201).length;
          expect(Number(n)).toBe(created);
          expect(created).toBe(Math.min(CAP, targets.length));
          for (const a of answers.filter((x) => x.status !== 201)) {
            expect([a.status, a.body.error.code]).toEqual([422, "TOO_MANY_APPOINTMENTS"]);
          }
        },
      ),
      { numRuns: 12, endOnFailure: true },
    );
  });
});
