/** Rows a test needs, written straight to the node's database. */
import type { App } from "../../platform/app";
import { insertPatientAccounts, patientClaims, selfPatientsOf } from "../../scripts/demo/patients";
import type { DoctorRow, HospitalRow, Role } from "../../platform/db/models";
import type { Session, Weekday } from "../../platform/calendar";
import type { TestNode } from "./test-node";

const WEEK: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

export async function createHospital(app: App, overrides: Partial<HospitalRow> = {}) {
  return app.models.Hospital.create({
    name: "테스트소아청소년과의원",
    address: "서울특별시 강남구 테헤란로 1",
    district: "강남구",
    lat: 37.5,
    lng: 127.03,
    phone: "02-555-0000",
    departments: ["소아청소년과"],
    openingHours: WEEK.map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
    holidays: [],
    closesOnPublicHolidays: true,
    timeZone: "Asia/Seoul",
    bookingHorizonDays: 30,
    ...overrides,
  });
}

/** A weekday doctor 09:00–12:00 in 30-minute slots of 2, lunch 12:00–13:00 if the session runs on. */
export const weekdayMornings: Session[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday: weekday as Weekday,
  start: "09:00",
  end: "12:00",
  slotMinutes: 30,
  capacity: 2,
}));

export async function createDoctor(app: App, hospitalId: number, overrides: Partial<DoctorRow> = {}) {
  return app.models.Doctor.create({
    hospitalId,
    name: "김의사",
    department: "소아청소년과",
    sessions: weekdayMornings,
    leaveDays: [],
    ...overrides,
  });
}

let userSeq = 0;

/** A user row and a valid token for it. */
export async function createUser(node: TestNode, role: Role, hospitalId: number | null = null) {
  userSeq += 1;
  const user = await node.app.models.User.create({
    email: `${role}-${process.pid}-${userSeq}@test.local`,
    passwordHash: "not-used-by-token-tests",
    name: `${role} ${userSeq}`,
    phone: "010-0000-0000",
    birthDate: null,
    role,
    hospitalId,
  });
  const token = node.tokenFor({ sub: String(user.id), role, ...(hospitalId ? { hid: hospitalId } : {}) });
  return { user, token };
}

/** `count` patient accounts with their self patient rows, bulk-inserted, and a token each. */
export async function createPatients(node: TestNode, count: number) {
  const ids = await insertPatientAccounts(node.app.sequelize, count, `p-${process.pid}-${++userSeq}`);
  // Tokens as a login gives them: naming the account's own patient.
  const accounts = await selfPatientsOf(node.app.sequelize, ids);
  return accounts.map((a) => ({
    userId: a.accountId,
    patientId: a.patientId,
    token: node.tokenFor(patientClaims(a)),
  }));
}
