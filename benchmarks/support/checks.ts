/** What the database says was sold, read after a run: the oversell check does not trust the answers. */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import type { Variant } from "./variants";

export interface SeatCheck {
  /** Seats held in the database for the day. */
  sold: number;
  /** Seats beyond capacity, summed over slots. */
  oversold: number;
}

/** Rows that hold a seat, per slot: the engine's seat-holding appointments, or the obvious designs' bookings. */
const SOLD_PER_SLOT: Record<NonNullable<Variant["seats"]>, string> = {
  appointments: `SELECT COUNT(*) AS n FROM appointments
    WHERE hospital_id = ? AND date = ? AND seat IS NOT NULL GROUP BY doctor_id, start`,
  bench_bookings: `SELECT COUNT(*) AS n FROM bench_bookings
    WHERE hospital_id = ? AND date = ? AND status = 'booked' GROUP BY doctor_id, start`,
};

export async function checkSeats(
  sequelize: Sequelize,
  variant: Variant,
  day: { hospitalId: number; date: string; capacity: number },
): Promise<SeatCheck | null> {
  if (!variant.seats) return null;
  const rows = await sequelize.query<{ n: number | string }>(SOLD_PER_SLOT[variant.seats], {
    replacements: [day.hospitalId, day.date],
    type: QueryTypes.SELECT,
  });
  const counts = rows.map((r) => Number(r.n));
  return {
    sold: counts.reduce((sum, n) => sum + n, 0),
    oversold: counts.reduce((sum, n) => sum + Math.max(0, n - day.capacity), 0),
  };
}
