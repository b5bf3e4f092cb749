/**
 * The SQL of settlement, one statement per question, the same on SQLite and
 * MariaDB except the upsert's spelling. Reads aggregate in the database
 * (GROUP BY hospital_id over one keyset chunk) so a chunk of a thousand
 * hospitals is two queries whatever their payment count.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import { invariant } from "../../platform/errors";
import type { PaymentSums, SettlementTotals } from "./settlement-rules";
import { SETTLED_STATUSES } from "./settlement-rules";

export interface HospitalSums extends PaymentSums {
  hospitalId: number;
}

export interface HospitalRefunds {
  hospitalId: number;
  refunds: number;
}

export interface SettlementRow extends SettlementTotals {
  hospitalId: number;
}

export interface DayRow extends SettlementTotals {
  date: string;
}

const STATUSES = SETTLED_STATUSES.map((s) => `'${s}'`).join(", ");
const FIGURES = ["payments", "gross", "refunds", "discounts", "pg_fees", "net"] as const;

/** MariaDB hands back DATE columns as Dates at UTC midnight (the pool's timezone), SQLite as text. */
export const dateText = (value: unknown): string =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value);

/** SUM() is DECIMAL on MariaDB (a string with supportBigNumbers) and may be NULL over no rows. */
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

export class SettlementStore {
  constructor(private readonly sequelize: Sequelize) {}

  private select<T extends object>(sql: string, replacements: unknown[], transaction?: Transaction) {
    return this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
  }

  /** Settled-payment sums of the next `limit` hospitals after `after` that have any that day. */
  async paymentSums(date: string, after: number, limit: number): Promise<HospitalSums[]> {
    const rows = await this.select<Record<string, unknown>>(
      `SELECT hospital_id, COUNT(*) AS payments, SUM(gross) AS gross, SUM(discount) AS discounts,
              SUM(pg_fee) AS pg_fees
         FROM payments
        WHERE settle_date = ? AND hospital_id > ? AND status IN (${STATUSES})
        GROUP BY hospital_id ORDER BY hospital_id LIMIT ?`,
      [date, after, limit],
    );
    return rows.map((r) => ({
      hospitalId: num(r.hospital_id),
      payments: num(r.payments),
      gross: num(r.gross),
      discounts: num(r.discounts),
      pgFees: num(r.pg_fees),
    }));
  }

  /** Refunded amounts of the next `limit` hospitals after `after` with refunds that day. */
  async refundSums(date: string, after: number, limit: number): Promise<HospitalRefunds[]> {
    const rows = await this.select<Record<string, unknown>>(
      `SELECT hospital_id, SUM(amount) AS refunds FROM refunds
        WHERE settle_date = ? AND hospital_id > ?
        GROUP BY hospital_id ORDER BY hospital_id LIMIT ?`,
      [date, after, limit],
    );
    return rows.map((r) => ({ hospitalId: num(r.hospital_id), refunds: num(r.refunds) }));
  }

  /** Hospitals with money moving on `date`, and how many of them are at or below `checkpoint`. */
  async countHospitals(date: string, checkpoint: number): Promise<{ total: number; done: number }> {
    const [row] = await this.select<Record<string, unknown>>(
      `SELECT COUNT(*) AS total, SUM(CASE WHEN hospital_id <= ? THEN 1 ELSE 0 END) AS done FROM (
         SELECT hospital_id FROM payments WHERE settle_date = ? AND status IN (${STATUSES})
         UNION SELECT hospital_id FROM refunds WHERE settle_date = ?) h`,
      [checkpoint, date, date],
    );
    return { total: num(row.total), done: num(row.done) };
  }

  /**
   * Writes a chunk's rows in one statement. `settled_at` moves only when a
   * figure changed, so a re-run leaves every row exactly as it was.
   */
  async upsert(date: string, rows: readonly SettlementRow[], settledAt: number, transaction: Transaction) {
    if (rows.length === 0) return;
    const values = rows
      .map((r) => {
        const figures = [
          r.hospitalId,
          r.payments,
          r.gross,
          r.refunds,
          r.discounts,
          r.pgFees,
          r.net,
          settledAt,
        ];
        invariant(
          figures.every(Number.isSafeInteger),
          `settlement figures are whole won (${figures.join()})`,
        );
        const [hospitalId, ...rest] = figures;
        return `(${hospitalId}, ${this.sequelize.escape(date)}, ${rest.join(", ")})`;
      })
      .join(",\n");
    const insert = `INSERT INTO settlements (hospital_id, date, ${FIGURES.join(", ")}, settled_at) VALUES ${values}`;
    const mysql = this.sequelize.getDialect() === "mysql";
    // MariaDB evaluates the assignments left to right, later ones seeing earlier results: settled_at goes first.
    const unchanged = FIGURES.map((c) =>
      mysql ? `${c} = VALUES(${c})` : `settlements.${c} = excluded.${c}`,
    );
    const sql = mysql
      ? `${insert} ON DUPLICATE KEY UPDATE
           settled_at = IF(${unchanged.join(" AND ")}, settled_at, VALUES(settled_at)),
           ${FIGURES.map((c) => `${c} = VALUES(${c})`).join(", ")}`
      : `${insert} ON CONFLICT (hospital_id, date) DO UPDATE SET
           settled_at = CASE WHEN ${unchanged.join(" AND ")} THEN settlements.settled_at ELSE excluded.settled_at END,
           ${FIGURES.map((c) => `${c} = excluded.${c}`).join(", ")}`;
    await this.sequelize.query(sql, { transaction });
  }

  /**
   * Opens (or reopens) the run of `date` and says where to start: after the
   * checkpoint of an unfinished run, from the start for a new or finished one
   * (a re-run recomputes, and the upsert makes that change nothing).
   */
  async beginRun(date: string, now: number): Promise<number> {
    const [run] = await this.select<{ status: string; checkpoint: unknown }>(
      "SELECT status, checkpoint FROM settlement_runs WHERE date = ?",
      [date],
    );
    if (!run) {
      await this.sequelize.query(
        "INSERT INTO settlement_runs (date, status, checkpoint, started_at) VALUES (?, 'running', 0, ?)",
        { replacements: [date, now] },
      );
      return 0;
    }
    if (run.status === "running") return num(run.checkpoint);
    await this.sequelize.query(
      "UPDATE settlement_runs SET status = 'running', checkpoint = 0, started_at = ?, finished_at = NULL WHERE date = ?",
      { replacements: [now, date] },
    );
    return 0;
  }

  /** Writes a chunk and moves the checkpoint past it, both or neither. */
  async commitChunk(date: string, rows: readonly SettlementRow[], checkpoint: number, settledAt: number) {
    await this.sequelize.transaction(async (transaction) => {
      await this.upsert(date, rows, settledAt, transaction);
      await this.sequelize.query("UPDATE settlement_runs SET checkpoint = ? WHERE date = ?", {
        replacements: [checkpoint, date],
        transaction,
      });
    });
  }

  async finishRun(date: string, now: number): Promise<void> {
    await this.sequelize.query("UPDATE settlement_runs SET status = 'done', finished_at = ? WHERE date = ?", {
      replacements: [now, date],
    });
  }

  async runStatus(date: string): Promise<{ status: string; checkpoint: number } | null> {
    const [run] = await this.select<{ status: string; checkpoint: unknown }>(
      "SELECT status, checkpoint FROM settlement_runs WHERE date = ?",
      [date],
    );
    return run ? { status: run.status, checkpoint: num(run.checkpoint) } : null;
  }

  /** Dates before `date` whose run started and never finished (its node died, or the run failed). */
  async unfinishedBefore(date: string): Promise<string[]> {
    const rows = await this.select<{ date: unknown }>(
      "SELECT date FROM settlement_runs WHERE status = 'running' AND date < ? ORDER BY date",
      [date],
    );
    return rows.map((r) => dateText(r.date));
  }

  /** The whole day over all hospitals, from the written rows. */
  async dayTotals(date: string): Promise<SettlementTotals & { hospitals: number }> {
    const [row] = await this.select<Record<string, unknown>>(
      `SELECT COUNT(*) AS hospitals, ${FIGURES.map((c) => `SUM(${c}) AS ${c}`).join(", ")}
         FROM settlements WHERE date = ?`,
      [date],
    );
    return {
      hospitals: num(row.hospitals),
      payments: num(row.payments),
      gross: num(row.gross),
      refunds: num(row.refunds),
      discounts: num(row.discounts),
      pgFees: num(row.pg_fees),
      net: num(row.net),
    };
  }

  /** A page of one hospital's rows from `from` to `to` inclusive, oldest first, and how many there are. */
  async list(
    hospitalId: number,
    from: string,
    to: string,
    window: { limit: number; offset: number },
  ): Promise<{ items: DayRow[]; total: number }> {
    const where = "WHERE hospital_id = ? AND date >= ? AND date <= ?";
    const [count] = await this.select<{ total: unknown }>(
      `SELECT COUNT(*) AS total FROM settlements ${where}`,
      [hospitalId, from, to],
    );
    const rows = await this.select<Record<string, unknown>>(
      `SELECT date, ${FIGURES.join(", ")} FROM settlements ${where} ORDER BY date LIMIT ? OFFSET ?`,
      [hospitalId, from, to, window.limit, window.offset],
    );
    const items = rows.map((r) => ({
      date: dateText(r.date),
      payments: num(r.payments),
      gross: num(r.gross),
      refunds: num(r.refunds),
      discounts: num(r.discounts),
      pgFees: num(r.pg_fees),
      net: num(r.net),
    }));
    return { items, total: num(count.total) };
  }
}
