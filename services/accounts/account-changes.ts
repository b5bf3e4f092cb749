/**
 * The ledger of account changes (migration 011): the accounts service writes
 * it in the same transaction as the change; gateways read it to know which
 * tokens no longer hold, without reading the account on every request.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";

export interface AccountChange {
  accountId: number;
  /** Tokens issued at an older version no longer hold. */
  version: number;
  deleted: boolean;
  changedAt: number;
}

type Row = {
  account_id: number | string;
  version: number | string;
  deleted: number | boolean;
  changed_at: number | string;
};

const changeOf = (r: Row): AccountChange => ({
  accountId: Number(r.account_id),
  version: Number(r.version),
  deleted: Boolean(Number(r.deleted)),
  changedAt: Number(r.changed_at),
});

/** Records a change of the account and answers its new version. */
export async function recordChange(
  sequelize: Sequelize,
  change: { accountId: number; deleted: boolean; now: number },
  transaction: Transaction,
): Promise<AccountChange> {
  const upsert =
    sequelize.getDialect() === "mysql"
      ? "ON DUPLICATE KEY UPDATE version = version + 1, deleted = VALUES(deleted), changed_at = VALUES(changed_at)"
      : "ON CONFLICT (account_id) DO UPDATE SET version = version + 1, deleted = excluded.deleted, changed_at = excluded.changed_at";
  await sequelize.query(
    `INSERT INTO account_changes (account_id, version, deleted, changed_at) VALUES (?, 1, ?, ?) ${upsert}`,
    { replacements: [change.accountId, change.deleted, change.now], transaction },
  );
  const [row] = await sequelize.query<Row>("SELECT * FROM account_changes WHERE account_id = ?", {
    replacements: [change.accountId],
    type: QueryTypes.SELECT,
    transaction,
  });
  return changeOf(row);
}

/** Changes recorded at or after `since`, oldest first. */
export async function changesSince(sequelize: Sequelize, since: number): Promise<AccountChange[]> {
  const rows = await sequelize.query<Row>(
    "SELECT * FROM account_changes WHERE changed_at >= ? ORDER BY changed_at",
    { replacements: [since], type: QueryTypes.SELECT },
  );
  return rows.map(changeOf);
}
