/**
 * The day actor's persistence. `load` only reads (a read never writes a row);
 * `commit` writes one turn — changed and new appointments and tickets, learnt
 * service times, recorded answers to keyed requests, and outbox events — in a
 * single transaction that first proves the activation still owns the day (the
 * fencing epoch, taken on the first commit) and still sees the calendar it
 * loaded, and last proves no patient holds more upcoming appointments than allowed.
 * Outbox events get their per-day `seq` in the same transaction (services/outbox).
 */
import { DatabaseError, QueryTypes, Transaction, UniqueConstraintError } from "sequelize";
import type { Sequelize } from "sequelize";
import type { App } from "../../../platform/app";
import type { DoctorCalendar, HospitalCalendar } from "../../../platform/calendar";
import { calendarStillAt, loadCalendar } from "../../hospitals/calendar-repository";
import type { OutboxRecord } from "../../outbox/outbox";
import { appendToOutbox } from "../../outbox/outbox";
import type { DayEvent } from "../decisions/day-commands";
import type { Appointment } from "../decisions/day-state";
import type { RecordedAnswer } from "../decisions/request-key";
import type { QueueSettings, QueueState, Ticket } from "../reception/queue-state";
import { DEFAULT_QUEUE_SETTINGS, buildQueueState } from "../reception/queue-state";
import type { AppointmentRowRaw } from "./appointment-row";
import { appointmentFromRow, appointmentToRow } from "./appointment-row";
import {
  CalendarChangedError,
  CapExceededError,
  CommitConflictError,
  FencedError,
  StaleLoadError,
} from "./commit-errors";
import type { TicketRowRaw } from "./ticket-row";
import { ticketFromRow, ticketToRow } from "./ticket-row";

export interface LoadedDay {
  calendar: HospitalCalendar;
  calendarVersion: number;
  doctors: DoctorCalendar[];
  appointments: Appointment[];
  queue: QueueState;
  /** Commits the day had when loaded; null if it never committed (no fence row yet). */
  commitsSeen: number | null;
  /** Answers already given to keyed requests on this day. */
  answers: RecordedAnswer[];
}

/** How an activation proves it owns the day: its epoch once taken, else what it saw at load. */
export interface Fence {
  epoch: number | null;
  commitsSeen: number | null;
}

/** One actor turn to write: its events carry the changed appointments and tickets. */
export interface Turn {
  dayKey: string;
  hospitalId: number;
  fence: Fence;
  calendarVersion: number;
  events: DayEvent[];
  /** Whether a row id is new (insert) rather than known (update). */
  isNew: (id: string) => boolean;
  /** Doctors whose learnt service times changed this turn. */
  samples: Map<number, number[]>;
  answers: RecordedAnswer[];
  /** Patients given a seat this turn: none may then hold more than `max` appointments from `today`. */
  cap: { patientIds: number[]; max: number; today: string };
  newId: () => string;
  now: number;
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

  /** The day's calendar, appointments, queue and answers; null when the hospital does not exist. */
  async load(hospitalId: number, date: string, dayKey: string): Promise<LoadedDay | null> {
    const snapshot = await loadCalendar(this.app, hospitalId);
    if (!snapshot) return null;
    const byDay = { replacements: [hospitalId, date], type: QueryTypes.SELECT as const };
    const byKey = { replacements: [dayKey], type: QueryTypes.SELECT as const };
    const [rows, tickets, samples, fence, answers] = await Promise.all([
      this.sequelize.query<AppointmentRowRaw>(
        "SELECT * FROM appointments WHERE hospital_id = ? AND date = ?",
        byDay,
      ),
      this.sequelize.query<TicketRowRaw>("SELECT * FROM tickets WHERE hospital_id = ? AND date = ?", byDay),
      this.sequelize.query<{ doctor_id: number; samples: string }>(
        `SELECT doctor_id, samples FROM service_times WHERE doctor_id IN (${snapshot.doctors.map(() => "?").join(",") || "NULL"})`,
        { replacements: snapshot.doctors.map((d) => d.id), type: QueryTypes.SELECT },
      ),
      this.sequelize.query<{ commits: number | string }>(
        "SELECT commits FROM day_actors WHERE day_key = ?",
        byKey,
      ),
      this.sequelize.query<{ account_id: number; idem_key: string; request_hash: string; response: string }>(
        "SELECT account_id, idem_key, request_hash, response FROM idempotency_keys WHERE scope = ? AND response IS NOT NULL",
        byKey,
      ),
    ]);
    const settings: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, ...snapshot.queueSettings };
    return {
      calendar: snapshot.calendar,
      calendarVersion: snapshot.version,
      doctors: snapshot.doctors,
      appointments: rows.map(appointmentFromRow),
      queue: buildQueueState(
        settings,
        tickets.map(ticketFromRow),
        new Map(samples.map((r) => [Number(r.doctor_id), JSON.parse(r.samples) as number[]])),
      ),
      commitsSeen: fence.length === 0 ? null : Number(fence[0].commits),
      answers: answers.map((a) => ({
        accountId: Number(a.account_id),
        key: a.idem_key,
        hash: a.request_hash,
        answer: JSON.parse(a.response) as RecordedAnswer["answer"],
      })),
    };
  }

  /** How many commits the day has had (null: never committed); a reader's proof that its copy is current. */
  async commitsOf(dayKey: string): Promise<number | null> {
    const rows = await this.sequelize.query<{ commits: number | string }>(
      "SELECT commits FROM day_actors WHERE day_key = ?",
      { replacements: [dayKey], type: QueryTypes.SELECT },
    );
    return rows.length === 0 ? null : Number(rows[0].commits);
  }

  /** Writes one turn; answers the epoch the activation holds afterwards and the outbox rows written. */
  async commit(turn: Turn): Promise<{ epoch: number; records: OutboxRecord[] }> {
    try {
      return await this.sequelize.transaction(
        // READ COMMITTED on MariaDB: the cap's locking read then locks the patient's rows only, not the
        // index gaps around them, so commits of different patients never deadlock on each other.
        this.isolation(),
        async (transaction): Promise<{ epoch: number; records: OutboxRecord[] }> => {
          const held = await this.fence(turn, transaction);
          if (!(await calendarStillAt(this.sequelize, turn.hospitalId, turn.calendarVersion, transaction)))
            throw new CalendarChangedError(turn.dayKey);
          await this.writeRows(turn, transaction);
          await this.checkCap(turn, transaction);
          await this.recordAnswers(turn, transaction);
          const records = await appendToOutbox(
            this.sequelize,
            transaction,
            turn.events.map((e) => ({
              eventId: turn.newId(),
              key: turn.dayKey,
              type: e.type,
              payload: e.appointment ?? e.ticket ?? e.board,
              createdAt: turn.now,
            })),
          );
          return { epoch: held, records };
        },
      );
    } catch (err) {
      // A unique key refused us (a seat, a patient's one live ticket): another activation wrote first.
      if (err instanceof UniqueConstraintError)
        throw turn.fence.epoch === null ? new StaleLoadError(turn.dayKey) : new FencedError(turn.dayKey);
      // Two commits waited on each other's locks (same patient, different days): nothing was written.
      const errno = err instanceof DatabaseError ? (err.parent as { errno?: number }).errno : undefined;
      if (errno === 1213 || errno === 1205) throw new CommitConflictError(turn.dayKey);
      throw err;
    }
  }

  private isolation(): { isolationLevel?: Transaction.ISOLATION_LEVELS } {
    return this.sequelize.getDialect() === "mysql"
      ? { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }
      : {};
  }

  /**
   * Proves ownership. The first commit of an activation takes the next epoch,
   * but only if nothing committed since its load (else its state is stale);
   * later commits must still hold that epoch — a superseded actor learns it here.
   */
  private async fence(turn: Turn, transaction: Transaction): Promise<number> {
    const { dayKey, fence } = turn;
    const update = (sql: string, replacements: unknown[]) =>
      this.sequelize.query(sql, { replacements, type: QueryTypes.UPDATE, transaction });
    if (fence.epoch !== null) {
      const [, matched] = await update(
        "UPDATE day_actors SET commits = commits + 1 WHERE day_key = ? AND epoch = ?",
        [dayKey, fence.epoch],
      );
      if (Number(matched) !== 1) throw new FencedError(dayKey);
      return fence.epoch;
    }
    if (fence.commitsSeen === null) {
      // A racing first activation inserts the same key: the unique key refuses one (StaleLoadError).
      await this.sequelize
        .getQueryInterface()
        .bulkInsert("day_actors", [{ day_key: dayKey, epoch: 1, commits: 1 }], { transaction });
      return 1;
    }
    const [, taken] = await update(
      "UPDATE day_actors SET epoch = epoch + 1, commits = commits + 1 WHERE day_key = ? AND commits = ?",
      [dayKey, fence.commitsSeen],
    );
    if (Number(taken) !== 1) throw new StaleLoadError(dayKey);
    const rows = await this.sequelize.query<{ epoch: number }>(
      "SELECT epoch FROM day_actors WHERE day_key = ?",
      {
        replacements: [dayKey],
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return Number(rows[0].epoch);
  }

  /** Changes first, so a released seat is free before it is sold again; then new rows. */
  private async writeRows(turn: Turn, transaction: Transaction): Promise<void> {
    const qi = this.sequelize.getQueryInterface();
    const appointments = latest(turn.events.flatMap((e) => (e.appointment ? [e.appointment] : [])));
    const tickets = latest(turn.events.flatMap((e) => (e.ticket ? [e.ticket] : [])));
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
  }

  /**
   * The cap spans days, which different actors hold, so it is checked here,
   * after this turn's rows are in: on MariaDB the locking read waits for (or
   * deadlocks with) any other commit adding an appointment for the same patient.
   */
  private async checkCap(turn: Turn, transaction: Transaction): Promise<void> {
    const { patientIds, max, today } = turn.cap;
    if (patientIds.length === 0) return;
    const lock = this.sequelize.getDialect() === "mysql" ? " FOR UPDATE" : "";
    const rows = await this.sequelize.query<{ patient_id: number; n: number | string }>(
      `SELECT patient_id, COUNT(*) AS n FROM appointments WHERE patient_id IN (${patientIds.map(() => "?").join(",")})
         AND status IN ('pending', 'booked') AND date >= ? GROUP BY patient_id${lock}`,
      { replacements: [...patientIds, today], type: QueryTypes.SELECT, transaction },
    );
    const over = rows.filter((r) => Number(r.n) > max).map((r) => Number(r.patient_id));
    if (over.length > 0) throw new CapExceededError(over);
  }

  /** Keyed requests' answers, in the same transaction as what they answer. */
  private async recordAnswers(turn: Turn, transaction: Transaction): Promise<void> {
    if (turn.answers.length === 0) return;
    await this.sequelize.getQueryInterface().bulkInsert(
      "idempotency_keys",
      turn.answers.map((a) => ({
        account_id: a.accountId,
        idem_key: a.key,
        request_hash: a.hash,
        scope: turn.dayKey,
        response: JSON.stringify(a.answer),
        created_at: turn.now,
      })),
      // The front claimed client keys already (response still null): complete those rows.
      { transaction, updateOnDuplicate: ["response"], upsertKeys: ["account_id", "idem_key"] } as object,
    );
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
