/**
 * The day domain's stored appointments and tickets for the front services
 * (appointments, queue): what the actors committed, read from the tables this
 * domain owns. Not sharded: any node answers from the database.
 */
import type { Context } from "moleculer";
import { notFound } from "../../platform/errors";
import { dateParam, idParam, pageParams, pageWindow } from "../../platform/params";
import type { DayRepository } from "./store/day-repository";

export function dayReadActions(repository: DayRepository) {
  return {
    /** One stored appointment (what the actors committed). */
    appointment: {
      idempotent: true,
      params: { id: "string" },
      async handler(ctx: Context<{ id: string }>) {
        const a = await repository.appointment(ctx.params.id);
        if (!a) throw notFound("Appointment", ctx.params.id);
        return a;
      },
    },

    /** A page of an account's appointments, latest first. */
    accountAppointments: {
      idempotent: true,
      params: { accountId: idParam, ...pageParams },
      handler(ctx: Context<{ accountId: number; page: number; size: number }>) {
        const { limit, offset } = pageWindow(ctx.params);
        return repository.appointments({ accountId: ctx.params.accountId }, limit, offset);
      },
    },

    /** A page of a hospital-day's appointments. */
    dayAppointments: {
      idempotent: true,
      params: { hospitalId: idParam, date: dateParam, ...pageParams },
      handler(ctx: Context<{ hospitalId: number; date: string; page: number; size: number }>) {
        const { hospitalId, date } = ctx.params;
        const { limit, offset } = pageWindow(ctx.params);
        return repository.appointments({ hospitalId, date }, limit, offset);
      },
    },

    /** One stored ticket. */
    ticket: {
      idempotent: true,
      params: { ticketId: "string" },
      async handler(ctx: Context<{ ticketId: string }>) {
        const t = await repository.ticket(ctx.params.ticketId);
        if (!t) throw notFound("Ticket", ctx.params.ticketId);
        return t;
      },
    },

    /** A hospital-day's tickets in number order. */
    tickets: {
      idempotent: true,
      params: { hospitalId: idParam, date: dateParam },
      handler: (ctx: Context<{ hospitalId: number; date: string }>) =>
        repository.dayTickets(ctx.params.hospitalId, ctx.params.date),
    },

    /** Patients with strikes on a hospital-day. */
    strikes: {
      idempotent: true,
      params: { hospitalId: idParam, date: dateParam },
      handler: (ctx: Context<{ hospitalId: number; date: string }>) =>
        repository.strikes(ctx.params.hospitalId, ctx.params.date),
    },
  };
}
