/** Tickets as the `tickets` table stores them. */
import type { Ticket } from "../reception/queue-state";
import { ACTIVE } from "../reception/queue-state";

export interface TicketRowRaw {
  id: string;
  hospital_id: number;
  date: string;
  number: number;
  doctor_id: number | null;
  patient_id: number;
  account_id: number;
  channel: Ticket["channel"];
  appointment_id: string | null;
  slot_start: string | null;
  status: Ticket["status"];
  called_by: number | null;
  created_at: number | string;
  called_at: number | string | null;
  finished_at: number | string | null;
  recalls: number;
  strike: number | boolean;
}

const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

export function ticketFromRow(r: TicketRowRaw): Ticket {
  return {
    id: r.id,
    hospitalId: Number(r.hospital_id),
    date: r.date,
    number: Number(r.number),
    doctorId: numberOrNull(r.doctor_id),
    patientId: Number(r.patient_id),
    accountId: Number(r.account_id),
    channel: r.channel,
    appointmentId: r.appointment_id,
    slotStart: r.slot_start,
    status: r.status,
    calledBy: numberOrNull(r.called_by),
    createdAt: Number(r.created_at),
    calledAt: numberOrNull(r.called_at),
    finishedAt: numberOrNull(r.finished_at),
    recalls: Number(r.recalls),
    strike: Boolean(Number(r.strike)),
  };
}

export function ticketToRow(t: Ticket) {
  return {
    id: t.id,
    hospital_id: t.hospitalId,
    date: t.date,
    number: t.number,
    doctor_id: t.doctorId,
    patient_id: t.patientId,
    // One live ticket per patient and day: the unique key sees the patient only while the ticket is active.
    active_patient_id: ACTIVE.includes(t.status) ? t.patientId : null,
    account_id: t.accountId,
    channel: t.channel,
    appointment_id: t.appointmentId,
    slot_start: t.slotStart,
    status: t.status,
    called_by: t.calledBy,
    created_at: t.createdAt,
    called_at: t.calledAt,
    finished_at: t.finishedAt,
    recalls: t.recalls,
    strike: t.strike,
  };
}
