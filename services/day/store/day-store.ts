/**
 * The day actor's persistence: activation takes a new fencing epoch, load
 * reads the day, commit writes one turn's changes and events in a single
 * transaction that first proves the epoch is still ours.
 */
import { DatabaseError, QueryTypes, UniqueConstraintError } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import type { App } from "../../../platform/app";
import { RetryableError } from "../../../platform/errors";
import { doctorCalendar, hospitalCalendar } from "../../hospitals/hospital-view";
import type { DoctorCalendar, HospitalCalendar } from "../../../platform/calendar";
import { publicHolidays } from "../../hospitals/public-holidays";
import type { OutboxRecord } from "../../outbox/outbox-relay";
import type { DayEvent } from "../decisions/day-commands";
import type { QueueState, Ticket } from "../reception/queue-state";
import { DEFAULT_QUEUE_SETTINGS, buildQueueState } from "../reception/queue-state";
import type { TicketRowRaw } from "./ticket-row";
import { ticketFromRow, ticketToRow } from "./ticket-row";
import type { Appointment } from "../decisions/day-state";
import { holdsSeat } from "../decisions/day-state";

export interface LoadedDay {
  calendar: HospitalCalendar;
  doctors: DoctorCalendar[];
  appointments: Appointment[];
  queue: QueueState;
}

/** One actor turn to write: its events carry the changed appointments and tickets. */
export interface Turn {
  dayKey: string;
  epoch: number;
  events: DayEvent[];
  /** Whether a row id is new (insert) rather than known (update). */
  isNew: (id: string) => boolean;
  /** Doctors whose learnt service times changed this turn. */
  samples: Map<number, number[]>;
  newId: () => string;
  now: number;
}

/** Another activation of this day took over: the caller should retry, and will reach the new one. */
export class FencedError extends RetryableError {
  constructor(dayKey: string) {
    super("DAY_MOVED", `Day ${dayKey} is now served by another activation; retry.`, { dayKey });
  }
}

interface AppointmentRowRaw {
  id: string;
  hospital_id: number;
  doctor_id: number;
  date: string;
  start: string;
  seat: number | null;
  patient_id: number;
  account_id: number;
  status: Appointment["status"];
  hold_expires_at: number | string | null;
  coupon_code: string | null;
  created_at: number | string;
  updated_at: number | string;
}

export function appointmentFromRow(r: AppointmentRowRaw): Appointment {
  return {
    id: r.id,
    hospitalId: Number(r.hospital_id),
    doctorId: Number(r.doctor_id),
    date: r.date,
    start: r.start,
    seat: r.seat === null ? null : Number(r.seat),
    patientId: Number(r.patient_id),
    accountId: Number(r.account_id),
    status: r.status,
    holdExpiresAt: r.hold_expires_at === null ? null : Number(r.hold_expires_at),
    couponCode: r.coupon_code,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function appointmentToRow(a: Appointment) {
  return {
    id: a.id,
    hospital_id: a.hospitalId,
    doctor_id: a.doctorId,
    date: a.date,
    start: a.start,
    seat: a.seat,
    patient_id: a.patientId,
    active_patient_id: holdsSeat(a) ? a.patientId : null,
    account_id: a.accountId,
    status: a.status,
    hold_expires_at: a.holdExpiresAt,
    coupon_code: a.couponCode,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

/** The last version of each row among a turn's events. */
function latest<T extends { id: string }>(rows: T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

export class DayStore {
  private readonly sequelize: Sequelize;

  constructor(private readonly app: App) {
    this.sequelize = app.sequelize;
  }

  /**
   * Takes the next epoch for the day; every commit of this activation must
   * still see it. Bump and read share a transaction, so two activations can
   * never come away with the same epoch.
   */
  async activate(dayKey: string): Promise<number> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await this.sequelize.transaction(async (transaction) => {
          const [, bumped] = await this.sequelize.query(
            "UPDATE day_actors SET epoch = epoch + 1 WHERE day_key = ?",
            {
              replacements: [dayKey],
              type: QueryTypes.UPDATE,
              transaction,
            },
          );
          if (Number(bumped) === 0) {
            await this.sequelize
              .getQueryInterface()
              .bulkInsert("day_actors", [{ day_key: dayKey, epoch: 1, commits: 0 }], { transaction });
            return 1;
          }
          const rows = await this.sequelize.query<{ epoch: number }>(
            "SELECT epoch FROM day_actors WHERE day_key = ?",
            {
              replacements: [dayKey],
              type: QueryTypes.SELECT,
              transaction,
            },
          );
          return Number(rows[0].epoch);
        });
      } catch (err) {
        // Another activation created the row first: bump it instead. Two first activations of
        // neighbouring days can also deadlock on MariaDB's gap lock (UPDATE of a missing row, then INSERT).
        const deadlock = err instanceof DatabaseError && (err.parent as { errno?: number }).errno === 1213;
        if (!(err instanceof UniqueConstraintError) && !deadlock) throw err;
      }
    }
    throw new RetryableError("ACTIVATION_CONTENDED", `Could not activate day ${dayKey}.`);
  }

  /** The day's calendar, doctors, appointments and queue; null when the hospital does not exist. */
  async load(hospitalId: number, date: string): Promise<LoadedDay | null> {
    const { Hospital, Doctor } = this.app.models;
    const hospital = await Hospital.findByPk(hospitalId);
    if (!hospital) return null;
    const byDay = { replacements: [hospitalId, date], type: QueryTypes.SELECT as const };
    const [doctors, holidays, rows, tickets, samples] = await Promise.all([
      Doctor.findAll({ where: { hospitalId }, order: [["id", "ASC"]] }),
      publicHolidays(this.app),
      this.sequelize.query<AppointmentRowRaw>(
        "SELECT * FROM appointments WHERE hospital_id = ? AND date = ?",
        byDay,
      ),
      this.sequelize.query<TicketRowRaw>("SELECT * FROM tickets WHERE hospital_id = ? AND date = ?", byDay),
      this.sequelize.query<{ doctor_id: number; samples: string }>(
        "SELECT s.doctor_id, s.samples FROM service_times s JOIN doctors d ON d.id = s.doctor_id WHERE d.hospital_id = ?",
        { replacements: [hospitalId], type: QueryTypes.SELECT },
      ),
    ]);
    const settings = { ...DEFAULT_QUEUE_SETTINGS, ...(hospital.queueSettings ?? {}) };
    return {
      calendar: hospitalCalendar(hospital, holidays),
      doctors: doctors.map(doctorCalendar),
      appointments: rows.map(appointmentFromRow),
      queue: buildQueueState(
        settings,
        tickets.map(ticketFromRow),
        new Map(samples.map((r) => [Number(r.doctor_id), JSON.parse(r.samples) as number[]])),
      ),
    };
  }

  /**
   * Writes one turn: the fence check, changed and new appointments and tickets
   * (changes first, so a released seat is free before it is sold again),
   * learnt service times, and the outbox.
   */
  async commit(turn: Turn): Promise<OutboxRecord[]> {
    const outbox: OutboxRecord[] = turn.events.map((e) => ({
      eventId: turn.newId(),
      dayKey: turn.dayKey,
      type: e.type,
      payload: JSON.stringify(e.appointment ?? e.ticket ?? e.board),
      createdAt: turn.now,
    }));
    const appointments = latest(turn.events.flatMap((e) => (e.appointment ? [e.appointment] : [])));
    const tickets = latest(turn.events.flatMap((e) => (e.ticket ? [e.ticket] : [])));
    try {
      await this.sequelize.transaction(async (transaction) => {
        await this.checkFence(turn.dayKey, turn.epoch, transaction);
        const qi = this.sequelize.getQueryInterface();
        for (const a of appointments.filter((x) => !turn.isNew(x.id)))
          await this.updateAppointment(a, transaction);
        for (const t of tickets.filter((x) => !turn.isNew(x.id))) await this.updateTicket(t, transaction);
        const newAppointments = appointments.filter((x) => turn.isNew(x.id)).map(appointmentToRow);
        const newTickets = tickets.filter((x) => turn.isNew(x.id)).map(ticketToRow);
        if (newAppointments.length > 0) await qi.bulkInsert("appointments", newAppointments, { transaction });
        if (newTickets.length > 0) await qi.bulkInsert("tickets", newTickets, { transaction });
        for (const [doctorId, samples] of turn.samples) {
          await qi.bulkDelete("service_times", { doctor_id: doctorId }, { transaction });
          await qi.bulkInsert("service_times", [{ doctor_id: doctorId, samples: JSON.stringify(samples) }], {
            transaction,
          });
        }
        await qi.bulkInsert(
          "outbox",
          outbox.map((o) => ({
            event_id: o.eventId,
            day_key: o.dayKey,
            type: o.type,
            payload: o.payload,
            created_at: o.createdAt,
            dispatched_at: null,
          })),
          { transaction },
        );
      });
    } catch (err) {
      // A unique key refused us (a seat, or a patient's one live ticket): another activation wrote first.
      if (err instanceof UniqueConstraintError) throw new FencedError(turn.dayKey);
      throw err;
    }
    return outbox;
  }

  private async checkFence(dayKey: string, epoch: number, transaction: Transaction): Promise<void> {
    const [, matched] = await this.sequelize.query(
      "UPDATE day_actors SET commits = commits + 1 WHERE day_key = ? AND epoch = ?",
      { replacements: [dayKey, epoch], type: QueryTypes.UPDATE, transaction },
    );
    // A superseded actor learns it here, on commit.
    if (Number(matched) !== 1) throw new FencedError(dayKey);
  }

  private async updateTicket(t: Ticket, transaction: Transaction): Promise<void> {
    const row = ticketToRow(t);
    await this.sequelize.query(
      "UPDATE tickets SET status = ?, active_patient_id = ?, called_by = ?, called_at = ?, finished_at = ?, recalls = ?, strike = ? WHERE id = ?",
      {
        replacements: [
          row.status,
          row.active_patient_id,
          row.called_by,
          row.called_at,
          row.finished_at,
          row.recalls,
          row.strike,
          row.id,
        ],
        type: QueryTypes.UPDATE,
        transaction,
      },
    );
  }

  private async updateAppointment(a: Appointment, transaction: Transaction): Promise<void> {
    const row = appointmentToRow(a);
    await this.sequelize.query(
      "UPDATE appointments SET seat = ?, active_patient_id = ?, status = ?, hold_expires_at = ?, updated_at = ? WHERE id = ?",
      {
        replacements: [
          row.seat,
          row.active_patient_id,
          row.status,
          row.hold_expires_at,
          row.updated_at,
          row.id,
        ],
        type: QueryTypes.UPDATE,
        transaction,
      },
    );
  }
}
