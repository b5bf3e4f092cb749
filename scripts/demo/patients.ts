/**
 * Many patient accounts at once, each with its "self" patient row, for demo
 * loads, tests and benchmarks. Callers sign tokens for them; the password hash
 * is never checked.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";

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
