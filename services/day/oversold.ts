/**
 * The invariant operators watch: seats held beyond a slot's capacity, counted
 * from the database (the truth) for days from today on. A slot whose schedule
 * shrank below the seats already sold shows here too: someone must call those
 * patients. It must read 0.
 */
import { QueryTypes } from "sequelize";
import type { App } from "../../platform/app";
import { loadCalendar } from "../hospitals/calendar-repository";
import { doctorDaySlots } from "../hospitals/day-schedule";

export async function seatsOversold(app: App, today: string): Promise<number> {
  const rows = await app.sequelize.query<{
    hospital_id: number;
    doctor_id: number;
    date: string;
    start: string;
    n: number | string;
  }>(
    `SELECT hospital_id, doctor_id, date, start, COUNT(*) AS n FROM appointments
      WHERE seat IS NOT NULL AND date >= ? GROUP BY hospital_id, doctor_id, date, start`,
    { replacements: [today], type: QueryTypes.SELECT },
  );
  const calendars = new Map<number, Awaited<ReturnType<typeof loadCalendar>>>();
  let over = 0;
  for (const r of rows) {
    const hospitalId = Number(r.hospital_id);
    if (!calendars.has(hospitalId)) calendars.set(hospitalId, await loadCalendar(app, hospitalId));
    const snapshot = calendars.get(hospitalId);
    const doctor = snapshot?.doctors.find((d) => d.id === Number(r.doctor_id));
    const slot =
      snapshot && doctor
        ? doctorDaySlots(snapshot.calendar, doctor, r.date).find((s) => s.start === r.start)
        : undefined;
    over += Math.max(0, Number(r.n) - (slot?.capacity ?? 0));
  }
  return over;
}
