/**
 * Keeps the search index current: on `hospital.changed` the hospitals named
 * are read as committed and written to the engine (or removed if gone).
 * Redelivery is harmless: writing a hospital's current row twice is a no-op.
 */
import type { Transaction } from "sequelize";
import type { App } from "../../platform/app";
import { HOSPITAL_CHANGED } from "../hospitals/hospital-events";
import type { HospitalChanged } from "../hospitals/hospital-events";
import type { Consumer } from "../outbox/consumers";
import type { SearchEngine } from "./engines";
import { loadDocs } from "./hospital-docs";

/** Writes hospitals `ids` as they now are into `engine`, removing those that are gone. */
export async function applyChanges(
  app: App,
  engine: SearchEngine,
  ids: readonly number[],
  transaction?: Transaction,
): Promise<void> {
  const docs = await loadDocs(app, ids, transaction);
  const found = new Set(docs.map((d) => d.id));
  await engine.upsert(docs);
  await engine.remove(ids.filter((id) => !found.has(id)));
}

/**
 * The consumer; `applied` hears the ids of every batch it wrote, so an
 * embedded index can tell the other nodes' copies (each event reaches one node).
 */
export function searchIndexConsumer(
  app: App,
  engine: SearchEngine,
  applied: (ids: number[]) => void = () => undefined,
): Consumer {
  return {
    name: "search.index",
    eventTypes: [HOSPITAL_CHANGED],
    async handleBatch(events, transaction) {
      const ids = [...new Set(events.map((e) => (e.payload as HospitalChanged).hospitalId))];
      await applyChanges(app, engine, ids, transaction);
      applied(ids);
    },
  };
}
