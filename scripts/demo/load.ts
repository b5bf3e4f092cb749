/**
 * Writes demo data with multi-row INSERTs in chunks, so 100,000 hospitals load
 * in seconds. Accounts follow API.md: `staff-<hospitalId>@demo.local` per
 * hospital and `admin@demo.local`, all with the demo password.
 */
import type { Sequelize } from "sequelize";
import { hashPassword } from "../../services/accounts/passwords";
import { demoHospital, personName, randomSource } from "./generate";

export interface LoadOptions {
  hospitals: number;
  seed: number;
  /** Local date the generated leave days are relative to. */
  baseDate: string;
  password: string;
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadResult {
  hospitals: number;
  doctors: number;
  users: number;
}

export async function isDatabaseEmpty(sequelize: Sequelize): Promise<boolean> {
  const [rows] = await sequelize.query("SELECT COUNT(*) AS n FROM hospitals");
  return Number((rows as { n: number | string }[])[0].n) === 0;
}

export async function loadDemoData(sequelize: Sequelize, options: LoadOptions): Promise<LoadResult> {
  const qi = sequelize.getQueryInterface();
  const chunkSize = options.chunkSize ?? 2000;
  // One hash for every demo account: they share the password, and argon2 per row would take hours at 100k.
  const passwordHash = await hashPassword(options.password);
  const now = new Date();
  const stamps = { created_at: now, updated_at: now };
  const result: LoadResult = { hospitals: 0, doctors: 0, users: 0 };

  // One chunk is written while the next is generated; its three tables go in parallel on separate connections.
  let writing: Promise<unknown> = Promise.resolve();
  for (let first = 1; first <= options.hospitals; first += chunkSize) {
    const last = Math.min(first + chunkSize - 1, options.hospitals);
    const chunk = buildChunk(first, last);
    await writing;
    writing = Promise.all([
      qi.bulkInsert("hospitals", chunk.hospitals),
      qi.bulkInsert("doctors", chunk.doctors),
      qi.bulkInsert("users", chunk.staff),
    ]).then(() => options.onProgress?.(last, options.hospitals));
    result.hospitals += chunk.hospitals.length;
    result.doctors += chunk.doctors.length;
    result.users += chunk.staff.length;
  }
  await writing;

  await qi.bulkInsert("users", [
    account("admin@demo.local", "플랫폼 관리자", "admin", null),
    account("patient@demo.local", personName(randomSource(options.seed)), "patient", null),
  ]);
  result.users += 2;
  const [rows] = await sequelize.query(
    "SELECT id, name, birth_date FROM users WHERE email = 'patient@demo.local'",
  );
  const parent = (rows as { id: number; name: string; birth_date: string }[])[0];
  await qi.bulkInsert("patients", [
    { account_id: parent.id, name: parent.name, birth_date: parent.birth_date, relation: "self", ...stamps },
    { account_id: parent.id, name: "김도윤", birth_date: "2021-05-05", relation: "child", ...stamps },
  ]);
  return result;

  function buildChunk(first: number, last: number) {
    const hospitals = [];
    const doctors = [];
    const staff = [];
    for (let id = first; id <= last; id++) {
      const { hospital, doctors: hospitalDoctors } = demoHospital(options.seed, id, options.baseDate);
      hospitals.push({
        id,
        name: hospital.name,
        address: hospital.address,
        district: hospital.district,
        lat: hospital.lat,
        lng: hospital.lng,
        phone: hospital.phone,
        departments: JSON.stringify(hospital.departments),
        opening_hours: JSON.stringify(hospital.openingHours),
        holidays: JSON.stringify(hospital.holidays),
        time_zone: hospital.timeZone,
        booking_horizon_days: hospital.bookingHorizonDays,
        ...stamps,
      });
      for (const d of hospitalDoctors) {
        doctors.push({
          hospital_id: id,
          name: d.name,
          department: d.department,
          sessions: JSON.stringify(d.sessions),
          leave_days: JSON.stringify(d.leaveDays),
          ...stamps,
        });
      }
      staff.push(account(`staff-${id}@demo.local`, `${hospital.name} 접수`, "staff", id));
    }
    return { hospitals, doctors, staff };
  }

  function account(email: string, name: string, role: string, hospitalId: number | null) {
    return {
      email,
      password_hash: passwordHash,
      name,
      phone: "010-0000-0000",
      birth_date: role === "patient" ? "1988-03-15" : null,
      role,
      hospital_id: hospitalId,
      ...stamps,
    };
  }
}
