import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { notFound } from "../../platform/errors";
import { idParam, nameParam, setStatus } from "../../platform/params";
import { changeCalendar } from "../hospitals/calendar-repository";
import { DEPARTMENTS } from "../hospitals/departments";
import type { Session } from "../../platform/calendar";
import type { QueueSettings } from "../day/reception/queue-state";
import { DEFAULT_QUEUE_SETTINGS } from "../day/reception/queue-state";
import { assertSessionsValid, datesParam, sessionsParam } from "../hospitals/calendar.params";

/**
 * The stored settings, field by field: only named settings reach the row (an
 * older row may hold fields a previous version let through; they go now).
 */
function queueSettingsOf(s: QueueSettings): QueueSettings {
  return {
    deskSharePercent: s.deskSharePercent,
    notifyPosition: s.notifyPosition,
    noShowAfterMinutes: s.noShowAfterMinutes,
    strikeLimit: s.strikeLimit,
    defaultServiceMinutes: s.defaultServiceMinutes,
  };
}

/**
 * Staff keep their hospital's calendar: closed days, doctors, their weekly
 * sessions and leave. Every change bumps the hospital's calendar version in
 * its own transaction (day actors' commits are fenced on it) and is announced
 * so the day actors reload at once rather than on their next commit.
 */
export function schedulesService(app: App): ServiceSchema {
  const { Hospital, Doctor } = app.models;

  async function hospitalFor(ctx: Context<{ hospitalId: number }, AuthMeta>) {
    assertHospitalStaff(requireUser(ctx), ctx.params.hospitalId);
    const hospital = await Hospital.findByPk(ctx.params.hospitalId);
    if (!hospital) throw notFound("Hospital", ctx.params.hospitalId);
    return hospital;
  }

  async function doctorFor(ctx: Context<{ hospitalId: number; doctorId: number }, AuthMeta>) {
    await hospitalFor(ctx);
    const doctor = await Doctor.findOne({
      where: { id: ctx.params.doctorId, hospitalId: ctx.params.hospitalId },
    });
    if (!doctor) throw notFound("Doctor", ctx.params.doctorId);
    return doctor;
  }

  const announce = (ctx: Context, hospitalId: number) =>
    ctx.broadcast("schedules.calendar.changed", { hospitalId });

  return {
    name: "schedules",
    actions: {
      /** Replaces the hospital's closed days (public holidays, its own closures). */
      setHolidays: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam, holidays: datesParam },
        async handler(ctx: Context<{ hospitalId: number; holidays: string[] }, AuthMeta>) {
          const hospital = await hospitalFor(ctx);
          await changeCalendar(app.sequelize, hospital.id, (transaction) =>
            hospital.update({ holidays: [...ctx.params.holidays].sort() }, { transaction }),
          );
          await announce(ctx, hospital.id);
          return { hospitalId: hospital.id, holidays: hospital.holidays };
        },
      },

      /** Reception rules: desk share, notice position, no-show minutes, strike limit. */
      setQueueSettings: {
        idempotent: true,
        params: {
          $$strict: true,
          hospitalId: idParam,
          deskSharePercent: { type: "number", integer: true, min: 0, max: 90, optional: true },
          notifyPosition: { type: "number", integer: true, min: 1, max: 50, optional: true },
          noShowAfterMinutes: { type: "number", min: 1, max: 120, optional: true },
          strikeLimit: { type: "number", integer: true, min: 1, max: 10, optional: true },
          defaultServiceMinutes: { type: "number", min: 1, max: 60, optional: true },
        },
        async handler(ctx: Context<{ hospitalId: number } & Partial<QueueSettings>, AuthMeta>) {
          const hospital = await hospitalFor(ctx);
          const settings = queueSettingsOf({
            ...DEFAULT_QUEUE_SETTINGS,
            ...(hospital.queueSettings ?? {}),
            ...ctx.params,
          });
          await changeCalendar(app.sequelize, hospital.id, (transaction) =>
            hospital.update({ queueSettings: { ...settings } }, { transaction }),
          );
          await announce(ctx, hospital.id);
          return settings;
        },
      },

      addDoctor: {
        params: {
          $$strict: true,
          hospitalId: idParam,
          name: nameParam(60),
          department: { type: "enum", values: [...DEPARTMENTS] },
          sessions: sessionsParam,
        },
        async handler(
          ctx: Context<
            { hospitalId: number; name: string; department: string; sessions: Session[] },
            AuthMeta
          >,
        ) {
          const hospital = await hospitalFor(ctx);
          assertSessionsValid(ctx.params.sessions);
          const { name, department, sessions } = ctx.params;
          const doctor = await changeCalendar(app.sequelize, hospital.id, (transaction) =>
            Doctor.create(
              { hospitalId: hospital.id, name, department, sessions, leaveDays: [] },
              { transaction },
            ),
          );
          await announce(ctx, hospital.id);
          setStatus(ctx, 201, `/api/v1/hospitals/${hospital.id}`);
          return { id: doctor.id, name, department, sessions };
        },
      },

      /** Replaces a doctor's weekly sessions. */
      setSessions: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam, doctorId: idParam, sessions: sessionsParam },
        async handler(ctx: Context<{ hospitalId: number; doctorId: number; sessions: Session[] }, AuthMeta>) {
          const doctor = await doctorFor(ctx);
          assertSessionsValid(ctx.params.sessions);
          await changeCalendar(app.sequelize, doctor.hospitalId, (transaction) =>
            doctor.update({ sessions: ctx.params.sessions }, { transaction }),
          );
          await announce(ctx, doctor.hospitalId);
          return { doctorId: doctor.id, sessions: doctor.sessions };
        },
      },

      /** Replaces a doctor's leave days. */
      setLeave: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam, doctorId: idParam, leaveDays: datesParam },
        async handler(ctx: Context<{ hospitalId: number; doctorId: number; leaveDays: string[] }, AuthMeta>) {
          const doctor = await doctorFor(ctx);
          await changeCalendar(app.sequelize, doctor.hospitalId, (transaction) =>
            doctor.update({ leaveDays: [...ctx.params.leaveDays].sort() }, { transaction }),
          );
          await announce(ctx, doctor.hospitalId);
          return { doctorId: doctor.id, leaveDays: doctor.leaveDays };
        },
      },
    },
  };
}
