import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * The generic outbox: events of any aggregate ("stream"), numbered per stream
 * key by `seq` in commit order, published by claiming relays. `outbox_keys`
 * holds each stream's last seq: producers bump it in their own transaction, so
 * its row lock orders concurrent commits of one key. Rows are pruned once
 * dispatched and old; counters stay, so seq never restarts.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("outbox_keys", {
    stream_key: { type: DataTypes.STRING(100), primaryKey: true },
    seq: { type: DataTypes.BIGINT, allowNull: false },
  });

  const longText = qi.sequelize.getDialect() === "mysql" ? DataTypes.TEXT("medium") : DataTypes.TEXT;
  await qi.createTable("outbox_events", {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    event_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    stream_key: { type: DataTypes.STRING(100), allowNull: false },
    seq: { type: DataTypes.BIGINT, allowNull: false },
    type: { type: DataTypes.STRING(60), allowNull: false },
    // Boards can be large: MEDIUMTEXT on MariaDB (plain TEXT holds only 64 KB), TEXT on SQLite.
    payload: { type: longText, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    dispatched_at: { type: DataTypes.BIGINT, allowNull: true },
    claimed_by: { type: DataTypes.STRING(100), allowNull: true },
    claimed_until: { type: DataTypes.BIGINT, allowNull: true },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_error: { type: DataTypes.TEXT, allowNull: true },
  });
  await qi.addIndex("outbox_events", ["stream_key", "seq"], {
    name: "outbox_events_stream_seq",
    unique: true,
  });
  // Pending rows in commit order (claiming) and old dispatched rows (pruning) both start from here.
  await qi.addIndex("outbox_events", ["dispatched_at", "id"], { name: "outbox_events_pending" });
  // A key's first undispatched row (the head a relay must publish first) without scanning its history.
  await qi.addIndex("outbox_events", ["stream_key", "dispatched_at", "seq"], {
    name: "outbox_events_stream_pending",
  });
  // The day-keyed outbox of 002 is replaced by this one (rows there were dispatched or are re-sent by no one).
  await qi.dropTable("outbox");
}
