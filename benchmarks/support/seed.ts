/**
 * The benchmark's private database: created fresh, migrated, and filled with
 * one hospital per variant and one patient account per request.
 */
import { Sequelize } from "sequelize";
import { migrate } from "../../platform/db/migrate";
import { insertPatientAccounts } from "../../scripts/demo/patients";
import { defineModels } from "../../platform/db/models";
import { createBenchTables, insertCounters } from "../alternatives/bench-store";
import type { SlotCounter } from "../alternatives/bench-store";
import type { Layout } from "./layout";
import { DOCTORS_PER_HOSPITAL, TIME_ZONE, sessionsFor } from "./layout";
import type { Variant, VariantKey } from "./variants";

async function asAdmin<T>(mysqlUrl: string, work: (admin: Sequelize) => Promise<T>): Promise<T> {
  const admin = new Sequelize(`${mysqlUrl}/mysql`, { logging: false });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** Drops (should a run with the same name have died before cleaning up) and creates the database; returns its DB_URL. */
export async function recreateDatabase(mysqlUrl: string, name: string): Promise<string> {
  await asAdmin(mysqlUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  });
  return `${mysqlUrl}/${name}`;
}

export async function dropDatabase(mysqlUrl: string, name: string): Promise<void> {
  await asAdmin(mysqlUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``));
}

export interface SeedPlan {
  layout: Layout;
  /** Local dates the variants book on (the measured day and the warm-up day). */
  days: string[];
  /** Patient accounts to create, each with a "self" patient. */
  accounts: number;
  variants: readonly Variant[];
}

export interface Seeded {
  doctorsOf: Record<VariantKey, { hospitalId: number; doctorIds: number[] }>;
  /** Account ids in creation order. */
  accountIds: number[];
}

export async function seed(sequelize: Sequelize, plan: SeedPlan): Promise<Seeded> {
  await migrate(sequelize);
  await createBenchTables(sequelize);
  const doctorsOf = {} as Seeded["doctorsOf"];
  for (const variant of plan.variants) {
    doctorsOf[variant.key] = await createHospital(sequelize, plan.layout, variant.key);
    if (variant.seats === "bench_bookings") {
      await insertCounters(sequelize, countersFor(doctorsOf[variant.key], plan));
    }
  }
  return { doctorsOf, accountIds: await insertPatientAccounts(sequelize, plan.accounts, "bench") };
}

async function createHospital(sequelize: Sequelize, layout: Layout, key: VariantKey) {
  const { Hospital, Doctor } = defineModels(sequelize);
  const hospital = await Hospital.create({
    name: `벤치마크병원 ${key}`,
    address: "서울특별시 중구 세종대로 110",
    district: "중구",
    lat: 37.566,
    lng: 126.978,
    phone: "02-000-0000",
    departments: ["내과"],
    openingHours: sessionsFor(layout).map(({ weekday, start, end }) => ({ weekday, start, end })),
    holidays: [],
    // The dates are picked a week ahead at run time; a public holiday must not close them.
    closesOnPublicHolidays: false,
    timeZone: TIME_ZONE,
    bookingHorizonDays: 30,
  });
  const doctorIds: number[] = [];
  for (let i = 0; i < DOCTORS_PER_HOSPITAL; i++) {
    const doctor = await Doctor.create({
      hospitalId: hospital.id,
      name: `의사${i + 1}`,
      department: "내과",
      sessions: sessionsFor(layout),
      leaveDays: [],
    });
    doctorIds.push(doctor.id);
  }
  return { hospitalId: hospital.id, doctorIds };
}

function countersFor(doctors: { hospitalId: number; doctorIds: number[] }, plan: SeedPlan): SlotCounter[] {
  return doctors.doctorIds.flatMap((doctorId) =>
    plan.days.flatMap((date) =>
      plan.layout.starts.map((start) => ({
        hospitalId: doctors.hospitalId,
        doctorId,
        date,
        start,
        capacity: plan.layout.capacity,
      })),
    ),
  );
}
