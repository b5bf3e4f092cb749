/**
 * A test consumer whose effect is one `effects` row per event it applies (no
 * unique key: a second application would show as a second row), failing for
 * events whose payload says `poison`, and not concerned by those that say `aside`.
 */
import type { Sequelize } from "sequelize";
import type { Consumer } from "../../services/outbox/consumers";

/** Creates the effects table if missing. */
export async function createEffectsTable(sequelize: Sequelize): Promise<void> {
  await sequelize.query(
    "CREATE TABLE IF NOT EXISTS effects (event_id VARCHAR(64) NOT NULL, seq INTEGER NOT NULL)",
  );
}

/** Every applied event's id, in application order. */
export async function appliedEvents(sequelize: Sequelize): Promise<string[]> {
  const [rows] = await sequelize.query("SELECT event_id FROM effects");
  return (rows as { event_id: string }[]).map((r) => r.event_id);
}

/** The consumer; `onBatch` runs at the start of each handler call (tests crash or count there). */
export function effectsConsumer(
  sequelize: Sequelize,
  onBatch: (eventIds: string[]) => void = () => undefined,
): Consumer {
  return {
    name: "effects",
    eventTypes: ["appointment.*"],
    concerns: (e) => !(e.payload as { aside?: boolean }).aside,
    async handleBatch(events, transaction) {
      onBatch(events.map((e) => e.eventId));
      for (const e of events) {
        if ((e.payload as { poison?: boolean }).poison)
          throw new Error(`cannot apply ${e.eventId}: poisoned`);
        await sequelize.query("INSERT INTO effects (event_id, seq) VALUES (?, ?)", {
          replacements: [e.eventId, e.seq],
          transaction,
        });
      }
    },
  };
}
