import fc from "fast-check";
import { chunkRows } from "./settlement-batch";
import type { PaymentFact, PaymentStatus, RefundFact } from "./settlement-rules";
import { DEFAULT_PG_FEE_RATE, pgFee, settleDay, totalsOf } from "./settlement-rules";

const DATES = ["2026-11-20", "2026-11-21", "2026-11-22"];
const STATUSES: PaymentStatus[] = ["pending", "paid", "declined", "expired", "refunded"];

const payment = fc.record<PaymentFact>({
  hospitalId: fc.integer({ min: 1, max: 8 }),
  settleDate: fc.option(fc.constantFrom(...DATES), { nil: null }),
  status: fc.constantFrom(...STATUSES),
  gross: fc.integer({ min: 0, max: 100_000 }),
  discount: fc.integer({ min: 0, max: 10_000 }),
  pgFee: fc.integer({ min: 0, max: 3_000 }),
});
const refund = fc.record<RefundFact>({
  hospitalId: fc.integer({ min: 1, max: 8 }),
  settleDate: fc.constantFrom(...DATES),
  amount: fc.integer({ min: 0, max: 100_000 }),
});
const history = fc.record({
  payments: fc.array(payment, { maxLength: 60 }),
  refunds: fc.array(refund, { maxLength: 20 }),
});
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("pgFee", () => {
  test("is 3.3 % by default, rounded down to the won", () => {
    expect(DEFAULT_PG_FEE_RATE).toBe(0.033);
    expect(pgFee(10_000)).toBe(330);
    expect(pgFee(1_000)).toBe(33); // Math.floor(1000 * 0.033) is 32
    expect(pgFee(9_999)).toBe(329);
    expect(pgFee(29)).toBe(0);
    expect(pgFee(10_000, 0.025)).toBe(250);
    expect(pgFee(0)).toBe(0);
  });

  test("refuses fractional or negative amounts and rates outside [0, 1)", () => {
    expect(() => pgFee(100.5)).toThrow(RangeError);
    expect(() => pgFee(-1)).toThrow(RangeError);
    expect(() => pgFee(100, 1)).toThrow(RangeError);
    expect(() => pgFee(100, Number.NaN)).toThrow(RangeError);
  });

  test("never exceeds the exact fee and misses it by less than a won", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 999 }),
        (amount, tenths) => {
          const fee = pgFee(amount, tenths / 1000);
          // Exact in integers: amount × tenths / 1000.
          expect(fee * 1000).toBeLessThanOrEqual(amount * tenths);
          expect(amount * tenths - fee * 1000).toBeLessThan(1000);
        },
      ),
    );
  });
});

describe("settleDay", () => {
  test("counts paid and refunded payments of the day, and the day's refunds whatever day they repay", () => {
    const rows = settleDay(
      "2026-11-21",
      [
        {
          hospitalId: 1,
          settleDate: "2026-11-21",
          status: "paid",
          gross: 10_000,
          discount: 2_000,
          pgFee: 264,
        },
        {
          hospitalId: 1,
          settleDate: "2026-11-21",
          status: "refunded",
          gross: 5_000,
          discount: 0,
          pgFee: 165,
        },
        { hospitalId: 1, settleDate: "2026-11-21", status: "declined", gross: 9_000, discount: 0, pgFee: 0 },
        { hospitalId: 1, settleDate: "2026-11-20", status: "paid", gross: 7_000, discount: 0, pgFee: 231 },
      ],
      [
        { hospitalId: 1, settleDate: "2026-11-21", amount: 7_000 }, // repays the 11-20 payment
        { hospitalId: 2, settleDate: "2026-11-21", amount: 1_000 },
      ],
    );
    expect([...rows.entries()]).toEqual([
      [1, { payments: 2, gross: 15_000, discounts: 2_000, pgFees: 429, refunds: 7_000, net: 5_571 }],
      [2, { payments: 0, gross: 0, discounts: 0, pgFees: 0, refunds: 1_000, net: -1_000 }],
    ]);
  });

  test("net is gross − refunds − discounts − pgFees in every row", () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...DATES), ({ payments, refunds }, date) => {
        for (const row of settleDay(date, payments, refunds).values())
          expect(row.net).toBe(row.gross - row.refunds - row.discounts - row.pgFees);
      }),
    );
  });

  test("the day's rows add up to the day's settled payments and refunds, nothing else", () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...DATES), ({ payments, refunds }, date) => {
        const rows = [...settleDay(date, payments, refunds).values()];
        const settled = payments.filter(
          (p) => p.settleDate === date && (p.status === "paid" || p.status === "refunded"),
        );
        const dayRefunds = refunds.filter((r) => r.settleDate === date);
        expect(sum(rows.map((r) => r.payments))).toBe(settled.length);
        expect(sum(rows.map((r) => r.gross))).toBe(sum(settled.map((p) => p.gross)));
        expect(sum(rows.map((r) => r.pgFees))).toBe(sum(settled.map((p) => p.pgFee)));
        expect(sum(rows.map((r) => r.refunds))).toBe(sum(dayRefunds.map((r) => r.amount)));
        expect(rows.length).toBe(new Set([...settled, ...dayRefunds].map((x) => x.hospitalId)).size);
      }),
    );
  });

  test("does not depend on the order the facts come in", () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...DATES), ({ payments, refunds }, date) => {
        const reversed = settleDay(date, [...payments].reverse(), [...refunds].reverse());
        expect([...reversed.entries()]).toEqual([...settleDay(date, payments, refunds).entries()]);
      }),
    );
  });
});

describe("chunkRows", () => {
  test("keyset chunks, however sized, give the rows of settleDay", () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 5 }), ({ payments, refunds }, limit) => {
        const date = DATES[0];
        const expected = settleDay(date, payments, refunds);
        const byHospital = (ids: number[], after: number) =>
          [...new Set(ids)]
            .filter((id) => id > after)
            .sort((a, b) => a - b)
            .slice(0, limit);
        const got = new Map<number, unknown>();
        let checkpoint = 0;
        for (let guard = 0; guard < 100; guard++) {
          // What the two GROUP BY … LIMIT queries return after the checkpoint.
          const paymentPage = byHospital(
            [...expected.entries()].filter(([, r]) => r.payments > 0).map(([id]) => id),
            checkpoint,
          ).map((id) => ({ hospitalId: id, ...expected.get(id)! }));
          const refundPage = byHospital(
            refunds.filter((r) => r.settleDate === date).map((r) => r.hospitalId),
            checkpoint,
          ).map((id) => ({ hospitalId: id, refunds: expected.get(id)!.refunds }));
          const { rows, last } = chunkRows(paymentPage, refundPage, limit);
          for (const { hospitalId, ...totals } of rows) got.set(hospitalId, totals);
          if (rows.length === 0 || last) break;
          checkpoint = rows[rows.length - 1].hospitalId;
        }
        expect([...got.entries()]).toEqual([...expected.entries()]);
      }),
    );
  });

  test("totalsOf completes a row from its sums", () => {
    expect(totalsOf({ payments: 1, gross: 100, discounts: 10, pgFees: 3 }, 20)).toEqual({
      payments: 1,
      gross: 100,
      discounts: 10,
      pgFees: 3,
      refunds: 20,
      net: 67,
    });
  });
});
