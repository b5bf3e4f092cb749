import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * 개인정보 열람 기록: every read or change of a patient's data by staff or an
 * admin, append-only (nothing updates or deletes a row). `account_id` is the
 * account the data belongs to (the holder sees their family members' entries
 * too); the actor's own account id is kept for admins, not shown to patients.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("access_log", {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    at: { type: DataTypes.BIGINT, allowNull: false },
    account_id: { type: DataTypes.INTEGER, allowNull: false },
    patient_id: { type: DataTypes.INTEGER, allowNull: true },
    actor_account_id: { type: DataTypes.INTEGER, allowNull: false },
    actor_role: { type: DataTypes.STRING(10), allowNull: false },
    actor_hospital_id: { type: DataTypes.INTEGER, allowNull: true },
    action: { type: DataTypes.STRING(40), allowNull: false },
    resource: { type: DataTypes.STRING(160), allowNull: false },
  });
  await qi.addIndex("access_log", ["account_id", "at"], { name: "access_log_account_at" });
}
