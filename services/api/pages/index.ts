/**
 * The waiting-room board, the patient's ticket page and the deposit checkout:
 * plain HTML that uses only the public API and its event streams, served by
 * the gateway itself (no separate build). Kept as TypeScript modules so the
 * compiled server carries them.
 */
import type { ServerResponse } from "node:http";
import { pageSecurityPolicy } from "../security-headers";
import { boardPage } from "./board.page";
import { PAY_HTML } from "./pay.page";
import { writePage } from "./respond";
import { TICKET_HTML } from "./ticket.page";

/** A page that is the same for everyone: its policy is worked out once. */
const send = (html: string) => {
  const policy = pageSecurityPolicy(html);
  return (_req: unknown, res: ServerResponse) => writePage(res, 200, html, policy);
};

export const PAGE_ALIASES = {
  // The board is drawn per request (its first screen comes finished from the server).
  "GET /board/:hospitalId": boardPage,
  "GET /ticket/:ticketId": send(TICKET_HTML),
  "GET /pay/:orderId": send(PAY_HTML),
};
