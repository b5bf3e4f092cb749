import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * Tokens carry the account's role, hospital and own patient, so the gateway
 * need not read the account on every request. What makes that safe is this
 * ledger: every change to an account (its role, its hospital, its deletion)
 * raises the account's `version`; a token names the version it was issued at
 * (`ver`), and one issued before the latest change is refused. Rows are never
 * pruned: a version that started again from 1 could make an old token current.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("account_changes", {
    account_id: { type: DataTypes.INTEGER, primaryKey: true },
    version: { type: DataTypes.INTEGER, allowNull: false },
    deleted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    changed_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  // Gateways read the changes since their last look.
  await qi.addIndex("account_changes", ["changed_at"], { name: "account_changes_changed_at" });
}
