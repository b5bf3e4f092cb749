/**
 * Table models, defined per Sequelize instance (not as global classes) so a
 * process can hold several databases, as the multi-dialect tests do.
 * The schema itself is owned by the migrations in `../migrations`.
 */
import { DataTypes } from "sequelize";
import type { Model, ModelStatic, Optional, Sequelize } from "sequelize";
import type { OpeningRange, Session } from "../../calendar";
import { jsonColumn } from "./json-column";

export type Role = "patient" | "staff" | "admin";
export const ROLES: readonly Role[] = ["patient", "staff", "admin"];

export interface HospitalRow {
  id: number;
  name: string;
  address: string;
  district: string;
  lat: number;
  lng: number;
  phone: string;
  departments: string[];
  openingHours: OpeningRange[];
  /** The hospital's own closed dates; public holidays come from their own table. */
  holidays: string[];
  closesOnPublicHolidays: boolean;
  /** Reception rules (the reception domain knows their names); null means the defaults. */
  queueSettings?: Record<string, number> | null;
  timeZone: string;
  bookingHorizonDays: number;
  /** Grows with every calendar change (see migration 004); day actors fence their commits on it. */
  calendarVersion?: number;
}

export interface DoctorRow {
  id: number;
  hospitalId: number;
  name: string;
  department: string;
  sessions: Session[];
  leaveDays: string[];
}

export interface UserRow {
  id: number;
  email: string;
  passwordHash: string;
  name: string;
  phone: string;
  birthDate: string | null;
  role: Role;
  hospitalId: number | null;
}

export type Relation = "self" | "child" | "parent" | "spouse" | "other";
export const RELATIONS: readonly Relation[] = ["self", "child", "parent", "spouse", "other"];

/** A person who can be treated: the account holder ("self") or a family member they book for. */
export interface PatientRow {
  id: number;
  accountId: number;
  name: string;
  birthDate: string;
  relation: Relation;
}

/** A row instance: its attributes are readable as properties (`hospital.name`). */
export type Row<T extends { id: number }> = Model<T, Optional<T, "id">> & T;

export type HospitalModel = Row<HospitalRow>;
export type DoctorModel = Row<DoctorRow>;
export type UserModel = Row<UserRow>;
export type PatientModel = Row<PatientRow>;

export interface PublicHolidayRow {
  date: string;
  name: string;
}
export type PublicHolidayModel = Model<PublicHolidayRow, PublicHolidayRow> & PublicHolidayRow;

export interface Models {
  PublicHoliday: ModelStatic<PublicHolidayModel>;
  Hospital: ModelStatic<HospitalModel>;
  Doctor: ModelStatic<DoctorModel>;
  User: ModelStatic<UserModel>;
  Patient: ModelStatic<PatientModel>;
}

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const underscored = { underscored: true, timestamps: true };

export function defineModels(sequelize: Sequelize): Models {
  const Hospital = sequelize.define<HospitalModel>(
    "Hospital",
    {
      id,
      name: { type: DataTypes.STRING(120), allowNull: false },
      address: { type: DataTypes.STRING(255), allowNull: false },
      district: { type: DataTypes.STRING(40), allowNull: false },
      lat: { type: DataTypes.DOUBLE, allowNull: false },
      lng: { type: DataTypes.DOUBLE, allowNull: false },
      phone: { type: DataTypes.STRING(30), allowNull: false },
      departments: jsonColumn<string[]>("departments", []),
      openingHours: jsonColumn<OpeningRange[]>("openingHours", []),
      holidays: jsonColumn<string[]>("holidays", []),
      closesOnPublicHolidays: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      queueSettings: { ...jsonColumn<Record<string, number> | null>("queueSettings", null), allowNull: true },
      timeZone: { type: DataTypes.STRING(64), allowNull: false },
      bookingHorizonDays: { type: DataTypes.INTEGER, allowNull: false },
      calendarVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { ...underscored, tableName: "hospitals" },
  );
  const Doctor = sequelize.define<DoctorModel>(
    "Doctor",
    {
      id,
      hospitalId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(60), allowNull: false },
      department: { type: DataTypes.STRING(40), allowNull: false },
      sessions: jsonColumn<Session[]>("sessions", []),
      leaveDays: jsonColumn<string[]>("leaveDays", []),
    },
    { ...underscored, tableName: "doctors" },
  );
  const User = sequelize.define<UserModel>(
    "User",
    {
      id,
      email: { type: DataTypes.STRING(190), allowNull: false, unique: true },
      passwordHash: { type: DataTypes.STRING(255), allowNull: false },
      name: { type: DataTypes.STRING(60), allowNull: false },
      phone: { type: DataTypes.STRING(30), allowNull: false },
      birthDate: { type: DataTypes.DATEONLY, allowNull: true },
      role: { type: DataTypes.STRING(10), allowNull: false },
      hospitalId: { type: DataTypes.INTEGER, allowNull: true },
    },
    { ...underscored, tableName: "users" },
  );
  const Patient = sequelize.define<PatientModel>(
    "Patient",
    {
      id,
      accountId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(60), allowNull: false },
      birthDate: { type: DataTypes.DATEONLY, allowNull: false },
      relation: { type: DataTypes.STRING(10), allowNull: false },
    },
    { ...underscored, tableName: "patients" },
  );
  const PublicHoliday = sequelize.define<PublicHolidayModel>(
    "PublicHoliday",
    {
      date: { type: DataTypes.DATEONLY, primaryKey: true },
      name: { type: DataTypes.STRING(60), allowNull: false },
    },
    { tableName: "public_holidays", timestamps: false },
  );
  return { Hospital, Doctor, User, Patient, PublicHoliday };
}
