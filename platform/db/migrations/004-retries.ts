import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * Safe retries and fenced calendars. `idempotency_keys` remembers the first
 * answer to a request per (account, key) — claimed by the front action, and
 * completed in the same transaction as the change it answers — so a retry
 * learns what happened. `hospitals.calendar_version` grows with every calendar
 * change; a day actor's commit proves it still sells against the version it
 * loaded, so a lost "calendar changed" broadcast cannot let it sell against an
 * old schedule.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("idempotency_keys", {
    account_id: { type: DataTypes.INTEGER, primaryKey: true },
    idem_key: { type: DataTypes.STRING(80), primaryKey: true },
    request_hash: { type: DataTypes.CHAR(64), allowNull: false },
    /** The aggregate whose commit completes the key (a day key), so its actor can load its answers. */
    scope: { type: DataTypes.STRING(60), allowNull: false },
    /** The recorded answer (JSON); null while the request is in flight. */
    response: { type: DataTypes.TEXT, allowNull: true },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("idempotency_keys", ["scope"], { name: "idempotency_keys_scope" });
  await qi.addIndex("idempotency_keys", ["created_at"], { name: "idempotency_keys_age" });
  await qi.addColumn("hospitals", "calendar_version", {
    type: DataTypes.INTEGER,
    allowNull: false,
    defaultValue: 0,
  });
}
