import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * Same-day reception: tickets (one active per patient and hospital-day, kept
 * unique by `active_patient_id` like appointments), each doctor's learnt
 * service times, the hospital's queue rules, and sent notifications (unique,
 * so "almost your turn" goes out once however many nodes hear the event).
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.addColumn("hospitals", "queue_settings", { type: DataTypes.TEXT, allowNull: true });

  await qi.createTable("tickets", {
    id: { type: DataTypes.CHAR(36), primaryKey: true },
    hospital_id: { type: DataTypes.INTEGER, allowNull: false },
    date: { type: DataTypes.DATEONLY, allowNull: false },
    number: { type: DataTypes.INTEGER, allowNull: false },
    doctor_id: { type: DataTypes.INTEGER, allowNull: true },
    patient_id: { type: DataTypes.INTEGER, allowNull: false },
    active_patient_id: { type: DataTypes.INTEGER, allowNull: true },
    account_id: { type: DataTypes.INTEGER, allowNull: false },
    channel: { type: DataTypes.STRING(10), allowNull: false },
    appointment_id: { type: DataTypes.CHAR(36), allowNull: true },
    slot_start: { type: DataTypes.CHAR(5), allowNull: true },
    status: { type: DataTypes.STRING(12), allowNull: false },
    called_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    called_at: { type: DataTypes.BIGINT, allowNull: true },
    finished_at: { type: DataTypes.BIGINT, allowNull: true },
    recalls: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    strike: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  });
  await qi.addIndex("tickets", ["hospital_id", "date", "number"], { name: "tickets_number", unique: true });
  await qi.addIndex("tickets", ["hospital_id", "date", "active_patient_id"], {
    name: "tickets_one_per_patient",
    unique: true,
  });

  await qi.createTable("service_times", {
    doctor_id: { type: DataTypes.INTEGER, primaryKey: true },
    samples: { type: DataTypes.TEXT, allowNull: false },
  });

  await qi.createTable("notifications", {
    ticket_id: { type: DataTypes.CHAR(36), primaryKey: true },
    kind: { type: DataTypes.STRING(20), primaryKey: true },
    sent_at: { type: DataTypes.BIGINT, allowNull: false },
  });
}
