/**
 * Reads of the day domain's tables for the front services (appointment and
 * ticket lookups, staff lists) and for the sweeper. Changes go through the
 * day actors only; these reads see what they committed.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import type { Appointment } from "../decisions/day-state";
import type { Ticket } from "../reception/queue-state";
import type { AppointmentRowRaw } from "./appointment-row";
import { appointmentFromRow } from "./appointment-row";
import type { TicketRowRaw } from "./ticket-row";
import { ticketFromRow } from "./ticket-row";

/** The filters an appointment list accepts; column names come from here, never from input. */
export type AppointmentFilter = { accountId: number } | { hospitalId: number; date: string };

export class DayRepository {
  constructor(private readonly sequelize: Sequelize) {}

  async appointment(id: string): Promise<Appointment | null> {
    const rows = await this.select<AppointmentRowRaw>("SELECT * FROM appointments WHERE id = ?", [id]);
    return rows.length === 0 ? null : appointmentFromRow(rows[0]);
  }

  /** A page of appointments, latest first. */
  async appointments(filter: AppointmentFilter, limit: number, offset: number) {
    const [clause, values] =
      "accountId" in filter
        ? ["account_id = ?", [filter.accountId]]
        : ["hospital_id = ? AND date = ?", [filter.hospitalId, filter.date]];
    const [rows, counted] = await Promise.all([
      this.select<AppointmentRowRaw>(
        `SELECT * FROM appointments WHERE ${clause} ORDER BY date DESC, start DESC LIMIT ? OFFSET ?`,
        [...values, limit, offset],
      ),
      this.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM appointments WHERE ${clause}`, values),
    ]);
    return { items: rows.map(appointmentFromRow), total: Number(counted[0].n) };
  }

  async ticket(id: string): Promise<Ticket | null> {
    const rows = await this.select<TicketRowRaw>("SELECT * FROM tickets WHERE id = ?", [id]);
    return rows.length === 0 ? null : ticketFromRow(rows[0]);
  }

  async dayTickets(hospitalId: number, date: string): Promise<Ticket[]> {
    const rows = await this.select<TicketRowRaw>(
      "SELECT * FROM tickets WHERE hospital_id = ? AND date = ? ORDER BY number",
      [hospitalId, date],
    );
    return rows.map(ticketFromRow);
  }

  /** Patients with strikes on a hospital-day, and how many. */
  async strikes(hospitalId: number, date: string) {
    const rows = await this.select<{ patient_id: number; strikes: number | string }>(
      "SELECT patient_id, COUNT(*) AS strikes FROM tickets WHERE hospital_id = ? AND date = ? AND strike = ? GROUP BY patient_id",
      [hospitalId, date, true],
    );
    return rows.map((r) => ({ patientId: Number(r.patient_id), strikes: Number(r.strikes) }));
  }

  /** Days with holds that lapsed before `now` (a crashed or idle node's leftovers). */
  lapsedHoldDays(now: number) {
    return this.select<{ hospital_id: number; date: string }>(
      "SELECT DISTINCT hospital_id, date FROM appointments WHERE status = 'pending' AND hold_expires_at <= ? LIMIT 100",
      [now],
    );
  }

  /** Forgets keyed answers older than `before` (API.md promises at least 24 hours). */
  async pruneAnswers(before: number): Promise<void> {
    await this.sequelize.query("DELETE FROM idempotency_keys WHERE created_at < ?", {
      replacements: [before],
      type: QueryTypes.DELETE,
    });
  }

  private select<T extends object>(sql: string, replacements: unknown[]): Promise<T[]> {
    return this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  }
}
