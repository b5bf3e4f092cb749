import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";
import { KOREAN_PUBLIC_HOLIDAYS } from "./korean-public-holidays";

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

/** Hospitals, doctors, accounts, the patients (self and family) they book for, and public holidays. */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("hospitals", {
    id,
    name: { type: DataTypes.STRING(120), allowNull: false },
    address: { type: DataTypes.STRING(255), allowNull: false },
    district: { type: DataTypes.STRING(40), allowNull: false },
    lat: { type: DataTypes.DOUBLE, allowNull: false },
    lng: { type: DataTypes.DOUBLE, allowNull: false },
    phone: { type: DataTypes.STRING(30), allowNull: false },
    departments: { type: DataTypes.TEXT, allowNull: false },
    opening_hours: { type: DataTypes.TEXT, allowNull: false },
    holidays: { type: DataTypes.TEXT, allowNull: false },
    closes_on_public_holidays: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    time_zone: { type: DataTypes.STRING(64), allowNull: false },
    booking_horizon_days: { type: DataTypes.INTEGER, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex("hospitals", ["district"], { name: "hospitals_district" });
  await qi.addIndex("hospitals", ["name"], { name: "hospitals_name" });

  await qi.createTable("doctors", {
    id,
    hospital_id: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(60), allowNull: false },
    department: { type: DataTypes.STRING(40), allowNull: false },
    sessions: { type: DataTypes.TEXT, allowNull: false },
    leave_days: { type: DataTypes.TEXT, allowNull: false },
    ...timestamps,
  });
  await qi.addIndex("doctors", ["hospital_id"], { name: "doctors_hospital" });

  await qi.createTable("users", {
    id,
    email: { type: DataTypes.STRING(190), allowNull: false },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    name: { type: DataTypes.STRING(60), allowNull: false },
    phone: { type: DataTypes.STRING(30), allowNull: false },
    birth_date: { type: DataTypes.DATEONLY, allowNull: true },
    role: { type: DataTypes.STRING(10), allowNull: false },
    hospital_id: { type: DataTypes.INTEGER, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex("users", ["email"], { name: "users_email", unique: true });

  await qi.createTable("patients", {
    id,
    account_id: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(60), allowNull: false },
    birth_date: { type: DataTypes.DATEONLY, allowNull: false },
    relation: { type: DataTypes.STRING(10), allowNull: false },
    ...timestamps,
  });
  await qi.addIndex("patients", ["account_id"], { name: "patients_account" });

  await qi.createTable("public_holidays", {
    date: { type: DataTypes.DATEONLY, primaryKey: true },
    name: { type: DataTypes.STRING(60), allowNull: false },
  });
  await qi.bulkInsert(
    "public_holidays",
    KOREAN_PUBLIC_HOLIDAYS.map(([date, name]) => ({ date, name })),
  );
}
