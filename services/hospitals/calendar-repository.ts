/**
 * The hospital calendar as the day actors need it, read from the tables the
 * hospitals domain owns: opening hours, closed days, doctors' sessions and
 * leave, reception rules, and the calendar version that fences their commits.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import type { App } from "../../platform/app";
import type { DoctorCalendar, HospitalCalendar } from "../../platform/calendar";
import { doctorCalendar, hospitalCalendar } from "./hospital-view";
import { publicHolidays } from "./public-holidays";
import { recordHospitalChanged } from "./hospital-events";

export interface CalendarSnapshot {
  calendar: HospitalCalendar;
  doctors: DoctorCalendar[];
  /** The hospital's reception rules as stored (names known to the reception domain). */
  queueSettings: Record<string, number>;
  version: number;
}

/** The hospital's calendar now; null when there is no such hospital. */
export async function loadCalendar(app: App, hospitalId: number): Promise<CalendarSnapshot | null> {
  const { Hospital, Doctor } = app.models;
  const hospital = await Hospital.findByPk(hospitalId);
  if (!hospital) return null;
  const [doctors, holidays] = await Promise.all([
    Doctor.findAll({ where: { hospitalId }, order: [["id", "ASC"]] }),
    publicHolidays(app),
  ]);
  return {
    calendar: hospitalCalendar(hospital, holidays),
    doctors: doctors.map(doctorCalendar),
    queueSettings: hospital.queueSettings ?? {},
    version: hospital.calendarVersion ?? 0,
  };
}

/** The hospital's calendar version now (null: no such hospital). */
export async function calendarVersionOf(sequelize: Sequelize, hospitalId: number): Promise<number | null> {
  const rows = await sequelize.query<{ v: number | string }>(
    "SELECT calendar_version AS v FROM hospitals WHERE id = ?",
    { replacements: [hospitalId], type: QueryTypes.SELECT },
  );
  return rows.length === 1 ? Number(rows[0].v) : null;
}

/**
 * Whether the hospital's calendar is still at `version`, read inside the
 * caller's transaction. On MariaDB the read takes a shared lock, so a calendar
 * change (which updates the row) waits for this commit or is seen by it — never
 * slips between the check and the commit. SQLite has one writer at a time anyway.
 */
export async function calendarStillAt(
  sequelize: Sequelize,
  hospitalId: number,
  version: number,
  transaction: Transaction,
): Promise<boolean> {
  const lock = sequelize.getDialect() === "mysql" ? " LOCK IN SHARE MODE" : "";
  const rows = await sequelize.query<{ v: number | string }>(
    `SELECT calendar_version AS v FROM hospitals WHERE id = ?${lock}`,
    { replacements: [hospitalId], type: QueryTypes.SELECT, transaction },
  );
  return rows.length === 1 && Number(rows[0].v) === version;
}

/**
 * Applies a calendar change and bumps the version in one transaction, so no
 * day actor can commit against the old calendar once the change is visible.
 * The same transaction writes `hospital.changed` to the outbox (search reindexes it).
 */
export function changeCalendar<T>(
  sequelize: Sequelize,
  hospitalId: number,
  change: (transaction: Transaction) => Promise<T>,
  now: number = Date.now(),
): Promise<T> {
  return sequelize.transaction(async (transaction) => {
    const result = await change(transaction);
    await sequelize.query("UPDATE hospitals SET calendar_version = calendar_version + 1 WHERE id = ?", {
      replacements: [hospitalId],
      type: QueryTypes.UPDATE,
      transaction,
    });
    await recordHospitalChanged(sequelize, transaction, hospitalId, now);
    return result;
  });
}
