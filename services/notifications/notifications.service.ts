import type { Context, ServiceSchema } from "moleculer";
import { UniqueConstraintError } from "sequelize";
import type { App } from "../../platform/app";
import type { DayBusEvent } from "../day/day-events";
import type { Channel, Notice } from "./channels";
import { resolveChannels } from "./channels";

/**
 * Tells patients when it is almost their turn, and when they are called.
 * Queue events reach every node, so each notice is first claimed with a
 * unique row (ticket, kind): whichever node claims it sends it, exactly once.
 * A notice no channel could deliver gives its claim back for the next event.
 */
export function notificationsService(app: App): ServiceSchema {
  let channels: Channel[] = [];

  async function claim(ticketId: string, kind: Notice["kind"]): Promise<boolean> {
    try {
      await app.sequelize
        .getQueryInterface()
        .bulkInsert("notifications", [{ ticket_id: ticketId, kind, sent_at: app.now().getTime() }]);
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintError) return false;
      throw err;
    }
  }

  async function deliver(ctx: Context, notice: Omit<Notice, "phone">): Promise<void> {
    if (!(await claim(notice.ticketId, notice.kind))) return;
    const { phone } = await ctx.call<{ phone: string }, object>("accounts.contact", { id: notice.accountId });
    const results = await Promise.allSettled(channels.map((c) => c.send({ ...notice, phone })));
    if (results.every((r) => r.status === "rejected")) {
      await app.sequelize
        .getQueryInterface()
        .bulkDelete("notifications", { ticket_id: notice.ticketId, kind: notice.kind });
    }
  }

  return {
    name: "notifications",
    events: {
      async "queue.board.updated"(ctx: Context<DayBusEvent<"queue.board.updated">>) {
        const board = ctx.params.payload;
        for (const w of board.waiting.filter((t) => t.position <= board.notifyPosition)) {
          await deliver(ctx, {
            kind: "near_turn",
            ticketId: w.ticketId,
            accountId: w.accountId,
            hospitalId: board.hospitalId,
            number: w.number,
            position: w.position,
            etaMinutes: w.etaMinutes,
          });
        }
      },
      async "queue.ticket.called"(ctx: Context<DayBusEvent<"queue.ticket.called">>) {
        const t = ctx.params.payload;
        await deliver(ctx, {
          kind: "called",
          ticketId: t.id,
          accountId: t.accountId,
          hospitalId: t.hospitalId,
          number: t.number,
        });
      },
    },
    created(this: { logger: Context["broker"]["logger"] }) {
      channels = resolveChannels(app.config, this.logger);
    },
  };
}
