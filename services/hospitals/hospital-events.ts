/**
 * "This hospital changed": written to the outbox in the transaction that
 * changes it (created, calendar or settings changed), so readers that keep
 * their own copy (the search index) hear of every committed change, in order
 * per hospital. The payload is only the id: readers load the row as committed.
 */
import type { Sequelize, Transaction } from "sequelize";
import { uuidv7 } from "../../platform/ids";
import { appendToOutbox } from "../outbox/outbox";
import type { OutboxRecord } from "../outbox/outbox";

/** Published on `hospital-events` in Kafka mode (`day.hospital.changed` on the bus otherwise). */
export const HOSPITAL_CHANGED = "hospital.changed";

export interface HospitalChanged {
  hospitalId: number;
}

export function recordHospitalChanged(
  sequelize: Sequelize,
  transaction: Transaction,
  hospitalId: number,
  now: number,
): Promise<OutboxRecord[]> {
  const payload: HospitalChanged = { hospitalId };
  return appendToOutbox(sequelize, transaction, [
    { eventId: uuidv7(now), key: `hospital:${hospitalId}`, type: HOSPITAL_CHANGED, payload, createdAt: now },
  ]);
}
