/**
 * Server-Sent Events for the waiting room: one stream per hospital (the
 * board) and one per ticket (its status and place). Queue events are
 * broadcast to every gateway node, so a browser connected anywhere sees a
 * change made on any node.
 */
import type { ServerResponse } from "node:http";
import type { Board } from "../day/reception/board";
import type { Ticket } from "../day/reception/queue-state";
import { publicBoard } from "../queue/board-screen.action";

const HEARTBEAT_MS = 15_000;

export class LiveHub {
  private readonly hospitals = new Map<number, Set<ServerResponse>>();
  private readonly tickets = new Map<string, Set<ServerResponse>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // A comment line now and then keeps proxies from closing a quiet stream.
    this.heartbeat = setInterval(() => {
      for (const res of this.all()) res.write(": ping\n\n");
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Turns `res` into an event stream for a hospital's board or a ticket, until the client leaves. */
  open(res: ServerResponse, topic: { hospitalId: number } | { ticketId: string }): void {
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write("retry: 3000\n\n");
    const [map, key] =
      "hospitalId" in topic ? [this.hospitals, topic.hospitalId] : [this.tickets, topic.ticketId];
    const set = (map as Map<unknown, Set<ServerResponse>>).get(key) ?? new Set<ServerResponse>();
    set.add(res);
    (map as Map<unknown, Set<ServerResponse>>).set(key, set);
    res.on("close", () => {
      set.delete(res);
      if (set.size === 0) (map as Map<unknown, Set<ServerResponse>>).delete(key);
    });
  }

  /** A new board: to its hospital's screens, and each watched waiting ticket's new place. */
  board(board: Board): void {
    const screens = this.hospitals.get(board.hospitalId);
    if (screens) send(screens, "board", publicBoard(board));
    for (const w of board.waiting) {
      const watchers = this.tickets.get(w.ticketId);
      if (watchers)
        send(watchers, "place", { ticketId: w.ticketId, position: w.position, etaMinutes: w.etaMinutes });
    }
  }

  /** A ticket changed status (called, done, …). */
  ticket(ticket: Ticket): void {
    const watchers = this.tickets.get(ticket.id);
    if (watchers)
      send(watchers, "ticket", {
        ticketId: ticket.id,
        number: ticket.number,
        status: ticket.status,
        // The doctor who called it, once called: the ticket page shows where to go.
        doctorId: ticket.calledBy ?? ticket.doctorId,
      });
  }

  /** Sends one event to a single stream (the snapshot a client gets on connecting). */
  snapshot(res: ServerResponse, event: string, data: unknown): void {
    send(new Set([res]), event, data);
  }

  /** Ends every stream, so the HTTP server can close on shutdown. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.all()) res.end();
  }

  get connections(): number {
    return [...this.all()].length;
  }

  private *all(): Iterable<ServerResponse> {
    for (const set of this.hospitals.values()) yield* set;
    for (const set of this.tickets.values()) yield* set;
  }
}

function send(targets: Set<ServerResponse>, event: string, data: unknown): void {
  const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  for (const res of targets) res.write(frame);
}
