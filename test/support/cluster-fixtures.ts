/**
 * Rows a cluster test writes before its nodes start: hospitals whose doctors
 * work every day of the week, so any future date has slots, and patient
 * accounts (one `self` patient each) inserted in bulk.
 */
import type { Sequelize } from "sequelize";
import { insertPatientAccounts } from "../../scripts/demo/patients";
import type { Models } from "../../platform/db/models";
import { fromMinutes, toMinutes } from "../../platform/time";
import type { Session, Weekday } from "../../platform/calendar";

const WEEK: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

export interface ClinicHours {
  start: string;
  end: string;
  slotMinutes: number;
  capacity: number;
}

export interface Clinic {
  hospitalId: number;
  doctorIds: number[];
}

/** The slot starts one day of `hours` offers, in order. */
export function slotStarts(hours: ClinicHours): string[] {
  const starts: string[] = [];
  for (let t = toMinutes(hours.start); t + hours.slotMinutes <= toMinutes(hours.end); t += hours.slotMinutes)
    starts.push(fromMinutes(t));
  return starts;
}

export async function createClinics(
  models: Models,
  options: { hospitals: number; doctorsEach: number; hours: ClinicHours; horizonDays: number },
): Promise<Clinic[]> {
  const sessions: Session[] = WEEK.map((weekday) => ({ weekday, ...options.hours }));
  const clinics: Clinic[] = [];
  for (let h = 0; h < options.hospitals; h++) {
    const hospital = await models.Hospital.create({
      name: `클러스터병원${h + 1}`,
      address: `서울특별시 중구 세종대로 ${h + 1}`,
      district: "중구",
      lat: 37.56,
      lng: 126.97,
      phone: "02-555-0000",
      departments: ["내과"],
      openingHours: WEEK.map((weekday) => ({ weekday, start: options.hours.start, end: options.hours.end })),
      holidays: [],
      // Public holidays would empty some of the dates the test picks.
      closesOnPublicHolidays: false,
      timeZone: "Asia/Seoul",
      bookingHorizonDays: options.horizonDays,
    });
    const doctors = await models.Doctor.bulkCreate(
      Array.from({ length: options.doctorsEach }, (_, d) => ({
        hospitalId: hospital.id,
        name: `의사${h + 1}-${d + 1}`,
        department: "내과",
        sessions,
        leaveDays: [],
      })),
    );
    clinics.push({ hospitalId: hospital.id, doctorIds: doctors.map((d) => d.id) });
  }
  return clinics;
}

/** `count` patient accounts, each with its `self` patient row; returns the account ids in order. */
export const createPatientAccounts = (sequelize: Sequelize, count: number): Promise<number[]> =>
  insertPatientAccounts(sequelize, count, "cluster-patient");
