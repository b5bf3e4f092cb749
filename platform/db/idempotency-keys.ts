/**
 * The `idempotency_keys` table seen from a front action: before forwarding a
 * keyed request it claims the key, and learns whether this is a retry of a
 * request already answered (replay it), still in flight (forward it again: the
 * owner answers it once), or a different request under a reused key (refuse).
 */
import { QueryTypes, UniqueConstraintError } from "sequelize";
import type { Sequelize } from "sequelize";
import { ClientError, unprocessable } from "../errors";

export interface KeyClaim {
  accountId: number;
  key: string;
  hash: string;
  /** The aggregate whose commit will record the answer (a day key). */
  scope: string;
  now: number;
}

/** The recorded answer of an earlier request with this key, or null when there is none yet. */
export async function claimKey(sequelize: Sequelize, claim: KeyClaim): Promise<unknown> {
  const read = () =>
    sequelize.query<{ request_hash: string; response: string | null }>(
      "SELECT request_hash, response FROM idempotency_keys WHERE account_id = ? AND idem_key = ?",
      { replacements: [claim.accountId, claim.key], type: QueryTypes.SELECT },
    );
  let rows = await read();
  if (rows.length === 0) {
    try {
      await sequelize.getQueryInterface().bulkInsert("idempotency_keys", [
        {
          account_id: claim.accountId,
          idem_key: claim.key,
          request_hash: claim.hash,
          scope: claim.scope,
          response: null,
          created_at: claim.now,
        },
      ]);
      return null;
    } catch (err) {
      // The same key arrived twice at once: the other claim won; judge against it.
      if (!(err instanceof UniqueConstraintError)) throw err;
      rows = await read();
    }
  }
  if (rows[0].request_hash !== claim.hash) {
    throw unprocessable(
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was already used for a different request.",
      { field: "Idempotency-Key" },
    );
  }
  return rows[0].response === null ? null : (JSON.parse(rows[0].response) as unknown);
}

/** 1–64 of [A-Za-z0-9_-], as API.md fixes it. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Records the answer of a claimed key whose work committed outside a day actor (a coupon claim). */
export async function recordAnswer(
  sequelize: Sequelize,
  key: { accountId: number; key: string },
  answer: unknown,
): Promise<void> {
  await sequelize.query("UPDATE idempotency_keys SET response = ? WHERE account_id = ? AND idem_key = ?", {
    replacements: [JSON.stringify(answer), key.accountId, key.key],
    type: QueryTypes.UPDATE,
  });
}

type Recorded<T> =
  | { ok: true; body: T }
  | { ok: false; error: { status: number; code: string; message: string; details: Record<string, unknown> } };

/**
 * Runs `work` once per (account, Idempotency-Key) for work that commits
 * outside a day actor (a coupon claim, a payment confirmation): a retry with
 * the same key and body gets the first answer again — a refusal included —
 * and another body under the key is refused. Without a key, `work` just runs.
 */
export async function answerOnce<T>(
  sequelize: Sequelize,
  claim: Omit<KeyClaim, "key"> & { key: string | undefined },
  work: () => Promise<T>,
): Promise<T> {
  if (!claim.key) return work();
  const key = { accountId: claim.accountId, key: claim.key };
  const prior = (await claimKey(sequelize, { ...claim, key: claim.key })) as Recorded<T> | null;
  if (prior?.ok) return prior.body;
  if (prior)
    throw new ClientError(prior.error.status, prior.error.code, prior.error.message, prior.error.details);
  try {
    const body = await work();
    await recordAnswer(sequelize, key, { ok: true, body } satisfies Recorded<T>);
    return body;
  } catch (err) {
    if (err instanceof ClientError) {
      const details = (err.data ?? {}) as Record<string, unknown>;
      await recordAnswer(sequelize, key, {
        ok: false,
        error: { status: err.code, code: err.type, message: err.message, details },
      } satisfies Recorded<T>);
    }
    throw err;
  }
}
