/**
 * The booking endpoint built the obvious way, as a Moleculer service: the
 * same params and patient checks as `appointments.book`, then one
 * transaction per booking. Variants differ only in how they keep two
 * bookings of one slot apart (`book`).
 */
import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { unprocessable } from "../../platform/errors";
import { clockTimeParam, dateParam, idParam, setStatus } from "../../platform/params";
import { localMoment } from "../../platform/time";
import { TIME_ZONE } from "../support/layout";
import type { BenchBooking, BookRequest } from "./bench-store";
import { BenchStore } from "./bench-store";

export interface SlotParams {
  hospitalId: number;
  doctorId: number;
  date: string;
  start: string;
}

/** The same edge validation as the real route, so a bad request costs every variant alike. */
export const slotParams = {
  hospitalId: idParam,
  doctorId: idParam,
  date: dateParam,
  start: clockTimeParam,
} as const;

export interface ObviousBookingOptions {
  name: string;
  /** Writes the booking, keeping concurrent bookings of one slot apart in the variant's way. */
  book: (store: BenchStore, request: BookRequest) => Promise<BenchBooking>;
  started?: () => Promise<void>;
  stopped?: () => Promise<void>;
}

export function obviousBookingService(app: App, options: ObviousBookingOptions): ServiceSchema {
  const store = new BenchStore(app.sequelize);
  return {
    name: options.name,
    actions: {
      book: {
        params: slotParams,
        async handler(ctx: Context<SlotParams, AuthMeta>) {
          const user = requireUser(ctx);
          const today = localMoment(app.now(), TIME_ZONE).date;
          const patient = await store.selfPatient(user.id, today);
          const cap = app.config.booking.maxActiveAppointments;
          if (patient.active >= cap) {
            throw unprocessable(
              "TOO_MANY_APPOINTMENTS",
              `A patient may hold at most ${cap} upcoming appointments.`,
            );
          }
          const booking = await options.book(store, {
            ...ctx.params,
            patientId: patient.id,
            accountId: user.id,
          });
          // A Location, as the real route sends: without one moleculer-web logs a warning per 201.
          setStatus(ctx, 201, `/api/v1/bench/bookings/${booking.id}`);
          return booking;
        },
      },
    },
    started: options.started,
    stopped: options.stopped,
  };
}
