/**
 * The waiting-room board and the patient's ticket page: plain HTML that uses
 * only the public API and its event streams, served by the gateway itself
 * (no separate build). Kept as TypeScript modules so the compiled server
 * carries them.
 */
import type { ServerResponse } from "node:http";
import { pageSecurityPolicy } from "../security-headers";
import { BOARD_HTML } from "./board.page";
import { TICKET_HTML } from "./ticket.page";

const send = (html: string) => {
  const policy = pageSecurityPolicy(html);
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-cache",
      "Content-Security-Policy": policy,
    });
    res.end(html);
  };
};

export const PAGE_ALIASES = {
  "GET /board/:hospitalId": send(BOARD_HTML),
  "GET /ticket/:ticketId": send(TICKET_HTML),
};
