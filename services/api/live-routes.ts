/** The event-stream endpoints: they hold the response open instead of calling one action. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Service } from "moleculer";
import { badInput } from "../../platform/errors";
import type { LiveHub } from "./live";

type Req = IncomingMessage & {
  $params: Record<string, string>;
  $ctx: { call(action: string, params: object): Promise<unknown> };
};
type Gateway = Service & { sendError(req: Req, res: ServerResponse, err: unknown): void };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event-stream paths (with any query string), which the gateway exempts from the request timeout. */
const LIVE_PATHS = [
  /^\/api\/v1\/hospitals\/[^/?]+\/queue\/events(\?|$)/,
  /^\/api\/v1\/queue\/tickets\/[^/?]+\/events(\?|$)/,
];

export const isLiveStream = (url: string): boolean => LIVE_PATHS.some((p) => p.test(url));

export function liveAliases(hub: LiveHub) {
  return {
    async "GET /hospitals/:hospitalId/queue/events"(this: Gateway, req: Req, res: ServerResponse) {
      const hospitalId = Number(req.$params.hospitalId);
      try {
        if (!Number.isInteger(hospitalId) || hospitalId <= 0)
          throw badInput("hospitalId", "The 'hospitalId' field must be a positive integer.");
        const board = await req.$ctx.call("queue.board", { hospitalId });
        hub.open(res, { hospitalId });
        hub.snapshot(res, "board", board);
      } catch (err) {
        this.sendError(req, res, err);
      }
    },

    async "GET /queue/tickets/:ticketId/events"(this: Gateway, req: Req, res: ServerResponse) {
      const { ticketId } = req.$params;
      try {
        if (!UUID.test(ticketId)) throw badInput("ticketId", "The 'ticketId' field must be a ticket id.");
        const ticket = await req.$ctx.call("queue.get", { ticketId });
        hub.open(res, { ticketId });
        hub.snapshot(res, "ticket", ticket);
      } catch (err) {
        this.sendError(req, res, err);
      }
    },
  };
}
