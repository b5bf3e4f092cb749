import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * The booking engine's tables. Seats are rows: `(doctor_id, date, start, seat)`
 * is unique while an appointment holds its seat (released rows set `seat` to
 * NULL), and `(doctor_id, date, active_patient_id)` keeps one live appointment
 * per patient, doctor and day. So even two actors for one day, which Moleculer
 * allows for a moment around a node join or crash, cannot oversell.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("day_actors", {
    day_key: { type: DataTypes.STRING(40), primaryKey: true },
    epoch: { type: DataTypes.INTEGER, allowNull: false },
    commits: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
  });

  await qi.createTable("appointments", {
    id: { type: DataTypes.CHAR(36), primaryKey: true },
    hospital_id: { type: DataTypes.INTEGER, allowNull: false },
    doctor_id: { type: DataTypes.INTEGER, allowNull: false },
    date: { type: DataTypes.DATEONLY, allowNull: false },
    start: { type: DataTypes.CHAR(5), allowNull: false },
    seat: { type: DataTypes.INTEGER, allowNull: true },
    patient_id: { type: DataTypes.INTEGER, allowNull: false },
    active_patient_id: { type: DataTypes.INTEGER, allowNull: true },
    account_id: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(12), allowNull: false },
    hold_expires_at: { type: DataTypes.BIGINT, allowNull: true },
    coupon_code: { type: DataTypes.STRING(40), allowNull: true },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    updated_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("appointments", ["doctor_id", "date", "start", "seat"], {
    name: "appointments_seat",
    unique: true,
  });
  await qi.addIndex("appointments", ["doctor_id", "date", "active_patient_id"], {
    name: "appointments_one_per_patient",
    unique: true,
  });
  await qi.addIndex("appointments", ["hospital_id", "date"], { name: "appointments_day" });
  await qi.addIndex("appointments", ["account_id", "date"], { name: "appointments_account" });
  await qi.addIndex("appointments", ["patient_id", "status"], { name: "appointments_patient" });
  await qi.addIndex("appointments", ["status", "hold_expires_at"], { name: "appointments_holds" });

  await qi.createTable("outbox", {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    event_id: { type: DataTypes.CHAR(36), allowNull: false, unique: true },
    day_key: { type: DataTypes.STRING(40), allowNull: false },
    type: { type: DataTypes.STRING(40), allowNull: false },
    payload: { type: DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    dispatched_at: { type: DataTypes.BIGINT, allowNull: true },
  });
  await qi.addIndex("outbox", ["dispatched_at", "id"], { name: "outbox_pending" });
}
