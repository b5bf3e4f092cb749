import type { Context, ServiceSchema } from "moleculer";
import { QueryTypes } from "sequelize";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { forbidden, notFound, unprocessable } from "../../platform/errors";
import {
  clockTimeParam,
  dateParam,
  idParam,
  optionalIdParam,
  pageParams,
  pageWindow,
  setStatus,
} from "../../platform/params";
import { localMoment } from "../../platform/time";
import type { Outcome } from "../day/decisions/day-commands";
import type { Caller } from "../day/decisions/decision";
import type { Appointment } from "../day/decisions/day-state";
import { dayKeyOf } from "../day/day-key";
import { appointmentFromRow } from "../day/store/day-store";

interface BookParams {
  hospitalId: number;
  doctorId: number;
  date: string;
  start: string;
  patientId?: number;
  couponCode?: string;
}

const view = (a: Appointment) => ({
  id: a.id,
  status: a.status,
  hospitalId: a.hospitalId,
  doctorId: a.doctorId,
  date: a.date,
  start: a.start,
  patientId: a.patientId,
  createdAt: new Date(a.createdAt).toISOString(),
  ...(a.holdExpiresAt ? { holdExpiresAt: new Date(a.holdExpiresAt).toISOString() } : {}),
});

const callerOf = (user: AuthUser): Caller => ({
  accountId: user.id,
  role: user.role,
  hospitalId: user.hospitalId,
});

/**
 * The patient-facing side of booking: checks who books for whom, then hands
 * the decision to the day's actor (`slots.*`). Reads come from the database,
 * which the actors write before they answer.
 */
export function appointmentsService(app: App): ServiceSchema {
  const { sequelize } = app;

  async function findAppointment(id: string): Promise<Appointment> {
    const rows = await sequelize.query<Parameters<typeof appointmentFromRow>[0]>(
      "SELECT * FROM appointments WHERE id = ?",
      {
        replacements: [id],
        type: QueryTypes.SELECT,
      },
    );
    if (rows.length === 0) throw notFound("Appointment", id);
    return appointmentFromRow(rows[0]);
  }

  function assertMaySee(user: AuthUser, a: Appointment): void {
    if (user.role === "patient" && user.id !== a.accountId) throw forbidden("This appointment is not yours.");
    if (user.role === "staff") assertHospitalStaff(user, a.hospitalId);
  }

  /** The patient being booked (self by default, or a family member) and how many future appointments they hold. */
  async function patientFor(user: AuthUser, patientId: number | undefined, today: string) {
    const rows = await sequelize.query<{ id: number; active: number | string }>(
      `SELECT p.id, (SELECT COUNT(*) FROM appointments a
          WHERE a.patient_id = p.id AND a.status IN ('pending', 'booked') AND a.date >= ?) AS active
        FROM patients p WHERE p.account_id = ? AND ${patientId ? "p.id = ?" : "p.relation = 'self'"}`,
      { replacements: patientId ? [today, user.id, patientId] : [today, user.id], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) {
      throw patientId
        ? notFound("Patient", patientId)
        : unprocessable("NO_PATIENT", "This account has no patient profile.");
    }
    return { id: Number(rows[0].id), active: Number(rows[0].active) };
  }

  /** An action on one stored appointment: check the caller may, then let the day decide. */
  const forward = (
    action: "day.cancel" | "day.checkIn",
    assertMay: (user: AuthUser, a: Appointment) => void,
  ) => ({
    params: { id: { type: "uuid" } },
    async handler(ctx: Context<{ id: string }, AuthMeta>) {
      const user = requireUser(ctx);
      const a = await findAppointment(ctx.params.id);
      assertMay(user, a);
      const outcome = await ctx.call<Outcome, object>(action, {
        dayKey: dayKeyOf(a.hospitalId, a.date),
        appointmentId: a.id,
        caller: callerOf(user),
      });
      return view(outcome.appointment as Appointment);
    },
  });

  return {
    name: "appointments",
    actions: {
      /** Books a slot for the signed-in patient or one of their family members. */
      book: {
        params: {
          hospitalId: idParam,
          doctorId: idParam,
          date: dateParam,
          start: clockTimeParam,
          patientId: optionalIdParam,
          couponCode: { type: "string", trim: true, min: 1, max: 40, optional: true },
        },
        async handler(ctx: Context<BookParams, AuthMeta>) {
          const user = requireUser(ctx);
          const p = ctx.params;
          if (p.couponCode) {
            // Coupons arrive with the coupon service; until then no code is valid.
            throw unprocessable("COUPON_INVALID", `Coupon ${p.couponCode} is not valid.`, {
              field: "couponCode",
            });
          }
          const patient = await patientFor(user, p.patientId, localMoment(app.now(), "Asia/Seoul").date);
          const cap = app.config.booking.maxActiveAppointments;
          if (patient.active >= cap) {
            throw unprocessable(
              "TOO_MANY_APPOINTMENTS",
              `A patient may hold at most ${cap} upcoming appointments.`,
              { cap },
            );
          }
          const outcome = await ctx.call<Outcome, object>("day.book", {
            dayKey: dayKeyOf(p.hospitalId, p.date),
            doctorId: p.doctorId,
            start: p.start,
            patientId: patient.id,
            accountId: user.id,
          });
          setStatus(ctx, 201, `/api/v1/appointments/${(outcome.appointment as Appointment).id}`);
          return view(outcome.appointment as Appointment);
        },
      },

      /**
       * Live availability from the day's actor. An ordinary action in front of
       * the sharded one: moleculer-web resolves endpoints without shard keys.
       */
      availability: {
        params: { hospitalId: idParam, date: dateParam, doctorId: optionalIdParam },
        handler(ctx: Context<{ hospitalId: number; date: string; doctorId?: number }>) {
          const { hospitalId, date, doctorId } = ctx.params;
          return ctx.call("day.availability", { dayKey: dayKeyOf(hospitalId, date), doctorId });
        },
      },

      get: {
        params: { id: { type: "uuid" } },
        async handler(ctx: Context<{ id: string }, AuthMeta>) {
          const user = requireUser(ctx);
          const a = await findAppointment(ctx.params.id);
          assertMaySee(user, a);
          return view(a);
        },
      },

      cancel: forward("day.cancel", assertMaySee),

      /** Staff mark a booked patient as arrived. */
      checkIn: forward("day.checkIn", (user, a) => assertHospitalStaff(user, a.hospitalId)),

      listMine: {
        params: { ...pageParams },
        async handler(ctx: Context<{ page: number; size: number }, AuthMeta>) {
          const user = requireUser(ctx);
          return listWhere({ account_id: user.id }, ctx.params);
        },
      },

      /** A hospital-day's appointments, for its staff. */
      listDay: {
        params: { hospitalId: idParam, date: dateParam, ...pageParams },
        async handler(
          ctx: Context<{ hospitalId: number; date: string; page: number; size: number }, AuthMeta>,
        ) {
          assertHospitalStaff(requireUser(ctx), ctx.params.hospitalId);
          return listWhere({ hospital_id: ctx.params.hospitalId, date: ctx.params.date }, ctx.params);
        },
      },
    },
  };

  /** A page of appointments matching column = value pairs (column names come from this file, never from input). */
  async function listWhere(where: Record<string, string | number>, page: { page: number; size: number }) {
    const { limit, offset } = pageWindow(page);
    const clause = Object.keys(where)
      .map((column) => `${column} = ?`)
      .join(" AND ");
    const values = Object.values(where);
    const [rows, counted] = await Promise.all([
      sequelize.query<Parameters<typeof appointmentFromRow>[0]>(
        `SELECT * FROM appointments WHERE ${clause} ORDER BY date DESC, start DESC LIMIT ? OFFSET ?`,
        { replacements: [...values, limit, offset], type: QueryTypes.SELECT },
      ),
      sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM appointments WHERE ${clause}`, {
        replacements: values,
        type: QueryTypes.SELECT,
      }),
    ]);
    return { items: rows.map((r) => view(appointmentFromRow(r))), total: Number(counted[0].n) };
  }
}
