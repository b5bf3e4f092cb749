import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * What event consumers need to be idempotent and to give up on a poison
 * event: `processed_events`, one row per (consumer, event) written in the
 * consumer's own transaction with its effects, so a redelivered event is
 * skipped; `dead_letters`, where embedded mode puts an event that failed
 * every attempt, with the error (Kafka mode uses `<topic>.dlq`).
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("processed_events", {
    consumer: { type: DataTypes.STRING(100), primaryKey: true },
    event_id: { type: DataTypes.STRING(64), primaryKey: true },
    processed_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  // Pruning old rows scans by time, not by consumer.
  await qi.addIndex("processed_events", ["processed_at"], { name: "processed_events_at" });

  const longText = qi.sequelize.getDialect() === "mysql" ? DataTypes.TEXT("medium") : DataTypes.TEXT;
  await qi.createTable("dead_letters", {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    consumer: { type: DataTypes.STRING(100), allowNull: false },
    event_id: { type: DataTypes.STRING(64), allowNull: false },
    stream_key: { type: DataTypes.STRING(100), allowNull: false },
    type: { type: DataTypes.STRING(60), allowNull: false },
    payload: { type: longText, allowNull: false },
    error: { type: DataTypes.TEXT, allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("dead_letters", ["consumer", "event_id"], { name: "dead_letters_event", unique: true });
}
