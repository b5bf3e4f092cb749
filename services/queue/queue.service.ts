import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { dateParam, idParam, nameParam, optionalIdParam, setStatus } from "../../platform/params";
import { localMoment } from "../../platform/time";
import type { OutcomeOf } from "../day/decisions/day-commands";
import type { Caller } from "../day/decisions/decision";
import type { Board } from "../day/reception/board";
import type { QueueCommand } from "../day/reception/queue-commands";
import type { Ticket } from "../day/reception/queue-state";
import type { Place } from "../day/reception/queue-timeline";
import { dayKeyOf } from "../day/day-key";
import { patientCards, recordAccess } from "../../mixins/access-log";
import { boardScreenAction, publicBoard } from "./board-screen.action";

const callerOf = (user: AuthUser): Caller => ({
  accountId: user.id,
  role: user.role,
  hospitalId: user.hospitalId,
});
const ticketIdParam = { $$strict: true, ticketId: { type: "uuid" } } as const;

/**
 * A ticket as patients and the board see it: no names, just its number and place. `doctorId` is
 * the doctor asked for until the ticket is called, then the one who called it: where to go.
 */
function ticketView(t: Ticket, place: Place | null | undefined) {
  return {
    ticketId: t.id,
    number: t.number,
    status: t.status,
    hospitalId: t.hospitalId,
    doctorId: t.calledBy ?? t.doctorId,
    channel: t.channel,
    position: place?.position ?? 0,
    etaMinutes: place?.etaMinutes ?? 0,
  };
}

/**
 * Same-day reception (접수): the REST side of the queue that lives in each
 * hospital-day actor. Works out the hospital's local "today", checks who is
 * asking, and hands the decision to the day (`day.queue`).
 */
export function queueService(app: App): ServiceSchema {
  const zones = new Map<number, string>();

  /** The hospital's local date now (time zones rarely change, so they are remembered). */
  async function todayAt(ctx: Context, hospitalId: number): Promise<string> {
    let zone = zones.get(hospitalId);
    if (!zone) {
      zone = (await ctx.call<{ timeZone: string }, object>("hospitals.timeZone", { hospitalId })).timeZone;
      zones.set(hospitalId, zone);
    }
    return localMoment(app.now(), zone).date;
  }

  const storedTicket = (ctx: Context, ticketId: string) =>
    ctx.call<Ticket, object>("day.ticket", { ticketId });

  const command = <C extends QueueCommand>(ctx: Context, hospitalId: number, date: string, cmd: C) =>
    ctx.call<OutcomeOf<C["type"]>, object>("day.queue", { dayKey: dayKeyOf(hospitalId, date), command: cmd });

  const ticketAction = (logAs: string, build: (t: Ticket, caller: Caller) => QueueCommand) => ({
    params: ticketIdParam,
    async handler(ctx: Context<{ ticketId: string }, AuthMeta>) {
      const user = requireUser(ctx);
      const t = await storedTicket(ctx, ctx.params.ticketId);
      const outcome = await command(ctx, t.hospitalId, t.date, build(t, callerOf(user)));
      await recordAccess(ctx, user, { action: logAs, resource: `ticket:${t.id}` }, [
        { accountId: t.accountId, patientId: t.patientId },
      ]);
      return ticketView(outcome.ticket ?? t, null);
    },
  });

  async function place(ctx: Context, t: Ticket) {
    return ctx.call<{ ticket: Ticket; place: Place | null }, object>("day.place", {
      dayKey: dayKeyOf(t.hospitalId, t.date),
      ticketId: t.id,
    });
  }

  /** Takes today's ticket at the hospital and answers 201 with its place in line. */
  async function takeTicket(
    ctx: Context,
    user: AuthUser,
    hospitalId: number,
    patientId: number,
    channel: "app" | "desk",
    doctorId: number | undefined,
  ) {
    const date = await todayAt(ctx, hospitalId);
    const outcome = await command(ctx, hospitalId, date, {
      type: "takeTicket",
      patientId,
      accountId: user.id,
      channel,
      doctorId: doctorId ?? null,
      caller: callerOf(user),
    });
    const t = outcome.ticket;
    setStatus(ctx, 201, `/api/v1/queue/tickets/${t.id}`);
    return ticketView(t, (await place(ctx, t)).place);
  }

  return {
    name: "queue",
    actions: {
      /** A patient takes a ticket from the app, for themself or a family member. */
      take: {
        params: {
          $$strict: true,
          hospitalId: idParam,
          doctorId: optionalIdParam,
          patientId: optionalIdParam,
        },
        async handler(ctx: Context<{ hospitalId: number; doctorId?: number; patientId?: number }, AuthMeta>) {
          const user = requireUser(ctx);
          const { hospitalId, doctorId } = ctx.params;
          const patient = await ctx.call<{ id: number }, object>("patients.ofAccount", {
            accountId: user.id,
            patientId: ctx.params.patientId,
          });
          return takeTicket(ctx, user, hospitalId, patient.id, "app", doctorId);
        },
      },

      /** Staff register a walk-in or phone patient at the desk into the same queue. */
      registerDesk: {
        params: {
          $$strict: true,
          hospitalId: idParam,
          doctorId: optionalIdParam,
          name: nameParam(60),
          birthDate: dateParam,
        },
        async handler(
          ctx: Context<{ hospitalId: number; doctorId?: number; name: string; birthDate: string }, AuthMeta>,
        ) {
          const user = requireUser(ctx);
          assertHospitalStaff(user, ctx.params.hospitalId);
          const { hospitalId, doctorId, name, birthDate } = ctx.params;
          // A walk-in may have no account: the desk keeps the patient under the registering staff account.
          const patient = await ctx.call<{ id: number }, object>("patients.registerWalkIn", {
            accountId: user.id,
            name,
            birthDate,
          });
          return takeTicket(ctx, user, hospitalId, patient.id, "desk", doctorId);
        },
      },

      /** A ticket's number, status and place; the id is the secret, so no sign-in is needed. */
      get: {
        params: ticketIdParam,
        async handler(ctx: Context<{ ticketId: string }>) {
          const stored = await storedTicket(ctx, ctx.params.ticketId);
          const live = await place(ctx, stored);
          return ticketView(live.ticket, live.place);
        },
      },

      /** The day's tickets with their places and patients' names and ages, for its staff (each view logged). */
      list: {
        params: { $$strict: true, hospitalId: idParam },
        async handler(ctx: Context<{ hospitalId: number }, AuthMeta>) {
          const user = requireUser(ctx);
          assertHospitalStaff(user, ctx.params.hospitalId);
          const date = await todayAt(ctx, ctx.params.hospitalId);
          const tickets = await ctx.call<Ticket[], object>("day.tickets", {
            hospitalId: ctx.params.hospitalId,
            date,
          });
          const board = await ctx.call<Board, object>("day.board", {
            dayKey: dayKeyOf(ctx.params.hospitalId, date),
          });
          const placeOf = new Map(board.waiting.map((w) => [w.ticketId, w]));
          const what = {
            action: "queue.list",
            resource: `hospital:${ctx.params.hospitalId}/queue/${date}`,
            date,
          };
          const cards = await patientCards(
            ctx,
            user,
            what,
            tickets.map((t) => t.patientId),
          );
          const items = tickets.map((t) => ({
            ...ticketView(t, placeOf.get(t.id)),
            patient: cards.get(t.patientId) ?? null,
          }));
          return { items, total: items.length };
        },
      },

      /** The public board: numbers and places, no ticket ids. */
      board: {
        params: { $$strict: true, hospitalId: idParam },
        async handler(ctx: Context<{ hospitalId: number }>) {
          const date = await todayAt(ctx, ctx.params.hospitalId);
          return publicBoard(
            await ctx.call<Board, object>("day.board", { dayKey: dayKeyOf(ctx.params.hospitalId, date) }),
          );
        },
      },

      /** The board with the hospital and its doctors: the first screen the gateway renders. */
      boardScreen: boardScreenAction(app),

      next: {
        params: { $$strict: true, hospitalId: idParam, doctorId: optionalIdParam },
        async handler(ctx: Context<{ hospitalId: number; doctorId?: number }, AuthMeta>) {
          const user = requireUser(ctx);
          const date = await todayAt(ctx, ctx.params.hospitalId);
          const outcome = await command(ctx, ctx.params.hospitalId, date, {
            type: "callNext",
            doctorId: ctx.params.doctorId ?? null,
            caller: callerOf(user),
          });
          const t = outcome.ticket;
          await recordAccess(ctx, user, { action: "ticket.call", resource: `ticket:${t.id}` }, [
            { accountId: t.accountId, patientId: t.patientId },
          ]);
          return ticketView(t, null);
        },
      },

      done: ticketAction("ticket.done", (t, caller) => ({
        type: "finish",
        ticketId: t.id,
        outcome: "done",
        caller,
      })),
      noShow: ticketAction("ticket.no_show", (t, caller) => ({
        type: "finish",
        ticketId: t.id,
        outcome: "no_show",
        caller,
      })),
      cancel: ticketAction("ticket.cancel", (t, caller) => ({
        type: "cancelTicket",
        ticketId: t.id,
        caller,
      })),
      recall: ticketAction("ticket.recall", (t, caller) => ({ type: "recall", ticketId: t.id, caller })),

      /** Patients blocked from app reception today (strikes at or over the limit), for staff. */
      penalties: {
        params: { $$strict: true, hospitalId: idParam },
        async handler(ctx: Context<{ hospitalId: number }, AuthMeta>) {
          assertHospitalStaff(requireUser(ctx), ctx.params.hospitalId);
          const date = await todayAt(ctx, ctx.params.hospitalId);
          const items = await ctx.call<{ patientId: number; strikes: number }[], object>("day.strikes", {
            hospitalId: ctx.params.hospitalId,
            date,
          });
          return { items, total: items.length };
        },
      },

      /** Staff clear a patient's strikes for today, lifting the block. */
      forgive: {
        params: { $$strict: true, hospitalId: idParam, patientId: idParam },
        async handler(ctx: Context<{ hospitalId: number; patientId: number }, AuthMeta>) {
          const user = requireUser(ctx);
          const date = await todayAt(ctx, ctx.params.hospitalId);
          const outcome = await command(ctx, ctx.params.hospitalId, date, {
            type: "forgive",
            patientId: ctx.params.patientId,
            caller: callerOf(user),
          });
          return { patientId: ctx.params.patientId, cleared: outcome.events.length };
        },
      },
    },
  };
}
