/**
 * What a waiting-room screen shows first: the hospital, its doctors and the
 * public board, in one answer, so the gateway can send the first board as
 * finished HTML (no half-loaded page) and the page only follows changes.
 */
import type { Context } from "moleculer";
import type { App } from "../../platform/app";
import { idParam } from "../../platform/params";
import { localMoment } from "../../platform/time";
import { dayKeyOf } from "../day/day-key";
import type { Board, BoardTicket } from "../day/reception/board";

/** The board without ticket ids or accounts, safe for a screen in the waiting room or any browser. */
export type PublicBoard = Omit<Board, "waiting"> & { waiting: Omit<BoardTicket, "ticketId" | "accountId">[] };

export function publicBoard(board: Board): PublicBoard {
  return { ...board, waiting: board.waiting.map(({ ticketId: _id, accountId: _account, ...rest }) => rest) };
}

export interface BoardScreen {
  hospital: {
    id: number;
    name: string;
    timeZone: string;
    doctors: { id: number; name: string; department: string }[];
  };
  board: PublicBoard;
  /** The server's clock, so the screen's clock shows it rather than the device's own. */
  now: string;
}

interface HospitalDetail {
  id: number;
  name: string;
  timeZone: string;
  doctors: { id: number; name: string; department: string }[];
}

export function boardScreenAction(app: App) {
  return {
    params: { $$strict: true, hospitalId: idParam },
    async handler(ctx: Context<{ hospitalId: number }>): Promise<BoardScreen> {
      const h = await ctx.call<HospitalDetail, object>("hospitals.detail", {
        hospitalId: ctx.params.hospitalId,
      });
      const date = localMoment(app.now(), h.timeZone).date;
      const board = await ctx.call<Board, object>("day.board", { dayKey: dayKeyOf(h.id, date) });
      return {
        hospital: { id: h.id, name: h.name, timeZone: h.timeZone, doctors: h.doctors },
        board: publicBoard(board),
        now: app.now().toISOString(),
      };
    },
  };
}
