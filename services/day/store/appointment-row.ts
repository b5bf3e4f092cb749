/** Appointments as the `appointments` table stores them. */
import type { Appointment } from "../decisions/day-state";
import { holdsSeat } from "../decisions/day-state";

export interface AppointmentRowRaw {
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
  coupon_ref: string | null;
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
    couponRef: r.coupon_ref ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function appointmentToRow(a: Appointment) {
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
    coupon_ref: a.couponRef,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}
