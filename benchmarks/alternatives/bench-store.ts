/**
 * Storage of the "obvious" booking designs the engine is compared with: a
 * counter row per slot and a bookings table, written in one transaction per
 * booking. Their own tables, so they never share seats with the engine.
 */
import { QueryTypes, UniqueConstraintError } from "sequelize";
import type { Sequelize } from "sequelize";
import { conflict, unprocessable } from "../../platform/errors";

export interface BookRequest {
  hospitalId: number;
  doctorId: number;
  date: string;
  start: string;
  patientId: number;
  accountId: number;
}

export interface BenchBooking extends BookRequest {
  id: number;
  status: "booked";
}

export interface SlotCounter {
  hospitalId: number;
  doctorId: number;
  date: string;
  start: string;
  capacity: number;
}

export async function createBenchTables(sequelize: Sequelize): Promise<void> {
  await sequelize.query(`CREATE TABLE bench_slot_counters (
    doctor_id INT NOT NULL, date DATE NOT NULL, start CHAR(5) NOT NULL,
    hospital_id INT NOT NULL, capacity INT NOT NULL, booked INT NOT NULL DEFAULT 0,
    PRIMARY KEY (doctor_id, date, start)) ENGINE=InnoDB`);
  // The unique key is the obvious design's only guard against one patient booking a doctor twice a day.
  await sequelize.query(`CREATE TABLE bench_bookings (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    hospital_id INT NOT NULL, doctor_id INT NOT NULL, date DATE NOT NULL, start CHAR(5) NOT NULL,
    patient_id INT NOT NULL, account_id INT NOT NULL, status VARCHAR(12) NOT NULL, created_at BIGINT NOT NULL,
    UNIQUE KEY bench_bookings_one_per_patient (doctor_id, date, patient_id),
    KEY bench_bookings_patient (patient_id, status, date)) ENGINE=InnoDB`);
}

export async function insertCounters(sequelize: Sequelize, counters: SlotCounter[]): Promise<void> {
  const rows = counters.map((c) => ({
    doctor_id: c.doctorId,
    date: c.date,
    start: c.start,
    hospital_id: c.hospitalId,
    capacity: c.capacity,
    booked: 0,
  }));
  await sequelize.getQueryInterface().bulkInsert("bench_slot_counters", rows);
}

export class BenchStore {
  constructor(private readonly sequelize: Sequelize) {}

  /** The account's own patient and their upcoming bookings: the same read the engine's front action makes. */
  async selfPatient(accountId: number, today: string): Promise<{ id: number; active: number }> {
    const rows = await this.sequelize.query<{ id: number; active: number | string }>(
      `SELECT p.id, (SELECT COUNT(*) FROM bench_bookings b
          WHERE b.patient_id = p.id AND b.status = 'booked' AND b.date >= ?) AS active
        FROM patients p WHERE p.account_id = ? AND p.relation = 'self'`,
      { replacements: [today, accountId], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) throw unprocessable("NO_PATIENT", "This account has no patient profile.");
    return { id: Number(rows[0].id), active: Number(rows[0].active) };
  }

  /**
   * One transaction: read the slot's counter, refuse when full, insert the
   * booking, bump the counter. `lockRow` adds FOR UPDATE; without it the
   * caller must already hold a lock on the slot.
   */
  async book(request: BookRequest, { lockRow }: { lockRow: boolean }): Promise<BenchBooking> {
    const { hospitalId, doctorId, date, start, patientId, accountId } = request;
    const slotKey = [doctorId, date, start];
    try {
      return await this.sequelize.transaction(async (transaction) => {
        const [slot] = await this.sequelize.query<{ capacity: number; booked: number }>(
          `SELECT capacity, booked FROM bench_slot_counters
            WHERE doctor_id = ? AND date = ? AND start = ? AND hospital_id = ?${lockRow ? " FOR UPDATE" : ""}`,
          { replacements: [...slotKey, hospitalId], type: QueryTypes.SELECT, transaction },
        );
        if (!slot) throw unprocessable("SLOT_CLOSED", "Not bookable: no slot starts at that time.");
        if (slot.booked >= slot.capacity) {
          throw conflict("SLOT_FULL", "The slot is full.", { start, capacity: slot.capacity });
        }
        const [id] = await this.sequelize.query(
          `INSERT INTO bench_bookings (hospital_id, doctor_id, date, start, patient_id, account_id, status, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'booked', ?)`,
          {
            replacements: [hospitalId, doctorId, date, start, patientId, accountId, Date.now()],
            type: QueryTypes.INSERT,
            transaction,
          },
        );
        await this.sequelize.query(
          "UPDATE bench_slot_counters SET booked = booked + 1 WHERE doctor_id = ? AND date = ? AND start = ?",
          { replacements: slotKey, type: QueryTypes.UPDATE, transaction },
        );
        return { id: Number(id), status: "booked" as const, ...request };
      });
    } catch (err) {
      if (err instanceof UniqueConstraintError) {
        throw conflict(
          "ALREADY_BOOKED",
          "This patient already has an appointment with this doctor that day.",
        );
      }
      throw err;
    }
  }
}
