/**
 * Many patient accounts at once, each with its "self" patient row, for demo
 * loads, tests and benchmarks. Callers sign tokens for them; the password hash
 * is never checked.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import type { TokenClaims } from "../../services/accounts/tokens";

const CHUNK = 2000;

/** Inserts `count` accounts with emails `<prefix>-<i>@demo.local`; returns their ids in order. */
export async function insertPatientAccounts(
  sequelize: Sequelize,
  count: number,
  prefix: string,
): Promise<number[]> {
  const qi = sequelize.getQueryInterface();
  const stamps = { created_at: new Date(), updated_at: new Date() };
  for (let first = 0; first < count; first += CHUNK) {
    const users = Array.from({ length: Math.min(CHUNK, count - first) }, (_, k) => ({
      email: `${prefix}-${first + k}@demo.local`,
      password_hash: "not-used: tokens are signed directly",
      name: `환자${first + k}`,
      phone: "010-0000-0000",
      birth_date: "1990-01-01",
      role: "patient",
      hospital_id: null,
      ...stamps,
    }));
    await qi.bulkInsert("users", users);
  }
  const rows = await sequelize.query<{ id: number; name: string }>(
    "SELECT id, name FROM users WHERE email LIKE ? ORDER BY id",
    { replacements: [`${prefix}-%@demo.local`], type: QueryTypes.SELECT },
  );
  for (let first = 0; first < rows.length; first += CHUNK) {
    await qi.bulkInsert(
      "patients",
      rows.slice(first, first + CHUNK).map((u) => ({
        account_id: u.id,
        name: u.name,
        birth_date: "1990-01-01",
        relation: "self",
        ...stamps,
      })),
    );
  }
  return rows.map((r) => Number(r.id));
}

export interface PatientAccount {
  accountId: number;
  /** The account's own ("self") patient. */
  patientId: number;
}

/** The accounts' own patients, in the order of `accountIds`. */
export async function selfPatientsOf(sequelize: Sequelize, accountIds: number[]): Promise<PatientAccount[]> {
  const byAccount = new Map<number, number>();
  for (let first = 0; first < accountIds.length; first += CHUNK) {
    const rows = await sequelize.query<{ id: number; account_id: number }>(
      "SELECT id, account_id FROM patients WHERE relation = 'self' AND account_id IN (?)",
      { replacements: [accountIds.slice(first, first + CHUNK)], type: QueryTypes.SELECT },
    );
    for (const r of rows) byAccount.set(Number(r.account_id), Number(r.id));
  }
  return accountIds.map((accountId) => ({ accountId, patientId: byAccount.get(accountId) ?? 0 }));
}

/** What a login gives such an account: its own patient named, at ledger version 0 (never changed). */
export const patientClaims = (a: PatientAccount): TokenClaims => ({
  sub: String(a.accountId),
  role: "patient",
  pid: a.patientId,
  ver: 0,
});
