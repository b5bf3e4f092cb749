/**
 * The access log's table (migration 008): rows are only ever inserted, and
 * read back newest first for the account the data belongs to.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import type { Role } from "../../platform/db/models";

/** One read or change of a patient's data by someone other than its holder. */
export interface AccessEntry {
  accountId: number;
  patientId: number | null;
  actor: { accountId: number; role: Role; hospitalId: number | null };
  action: string;
  resource: string;
}

/** As the patient sees an entry (API.md): who by role and hospital, not by person. */
export interface AccessView {
  at: string;
  actor: { role: Role; hospitalId: number | null };
  action: string;
  resource: string;
  patientId: number | null;
}

interface Row {
  at: number | string;
  patient_id: number | null;
  actor_account_id: number;
  actor_role: Role;
  actor_hospital_id: number | null;
  action: string;
  resource: string;
}

export async function appendAccess(sequelize: Sequelize, at: number, entries: AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sequelize.getQueryInterface().bulkInsert(
    "access_log",
    entries.map((e) => ({
      at,
      account_id: e.accountId,
      patient_id: e.patientId,
      actor_account_id: e.actor.accountId,
      actor_role: e.actor.role,
      actor_hospital_id: e.actor.hospitalId,
      action: e.action,
      resource: e.resource,
    })),
  );
}

/** An account's entries, newest first; `withActorId` adds the actor's account (admins only). */
export async function accessOf(
  sequelize: Sequelize,
  accountId: number,
  window: { limit: number; offset: number },
  withActorId = false,
): Promise<{ items: (AccessView & { actorAccountId?: number })[]; total: number }> {
  const [counted] = await sequelize.query<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM access_log WHERE account_id = :accountId",
    { replacements: { accountId }, type: QueryTypes.SELECT },
  );
  const rows = await sequelize.query<Row>(
    `SELECT at, patient_id, actor_account_id, actor_role, actor_hospital_id, action, resource
       FROM access_log WHERE account_id = :accountId ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset`,
    { replacements: { accountId, ...window }, type: QueryTypes.SELECT },
  );
  const items = rows.map((r) => ({
    at: new Date(Number(r.at)).toISOString(),
    actor: {
      role: r.actor_role,
      hospitalId: r.actor_hospital_id === null ? null : Number(r.actor_hospital_id),
    },
    action: r.action,
    resource: r.resource,
    patientId: r.patient_id === null ? null : Number(r.patient_id),
    ...(withActorId ? { actorAccountId: Number(r.actor_account_id) } : {}),
  }));
  return { items, total: Number(counted?.n ?? 0) };
}
