/**
 * One parent in an open run, as a client following API.md "Open-run
 * admission" would: book; on 202 wait `retryAfterMs`, ask
 * `GET /admission/:ticket` until admitted, then book again with the
 * `Admission-Ticket` header. Every answer is timed, 202s and polls included.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface Answered {
  kind: "book" | "poll";
  status: number;
  ms: number;
}

export type Final =
  | { status: number; code: string }
  /** No booking answer: the parent gave up, lost the connection, or a poll failed (`POLL_<status>`). */
  | { status: 0; code: string };

export interface Client {
  agent: http.Agent;
  baseUrl: URL;
  /** Answers later than this count as time-outs (the parent gives up). */
  timeoutMs: number;
  /** Where bookings go: `/api/v1/appointments`, or the no-op route for the ceiling. */
  bookPath: string;
  answers: Answered[];
}

interface Reply {
  status: number;
  body: Record<string, any> | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function request(
  client: Client,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body?: string,
) {
  return new Promise<Reply>((resolve) => {
    const req = http.request(
      new URL(path, client.baseUrl),
      { method, agent: client.agent, headers, timeout: client.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Record<string, any> | null = null;
          try {
            parsed = text ? (JSON.parse(text) as Record<string, any>) : null;
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    // A parent who gives up closes the request: status -1 marks it.
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve({ status: err.message === "timeout" ? -1 : 0, body: null }));
    if (body) req.end(body);
    else req.end();
  });
}

async function timed(client: Client, kind: Answered["kind"], send: () => Promise<Reply>): Promise<Reply> {
  const began = performance.now();
  const reply = await send();
  client.answers.push({ kind, status: reply.status, ms: performance.now() - began });
  return reply;
}

export async function openRunPatient(client: Client, token: string, booking: string): Promise<Final> {
  const auth = { authorization: `Bearer ${token}` };
  const book = (ticket?: string) =>
    timed(client, "book", () =>
      request(
        client,
        "POST",
        client.bookPath,
        { ...auth, "content-type": "application/json", ...(ticket ? { "admission-ticket": ticket } : {}) },
        booking,
      ),
    );
  let reply = await book();
  while (reply.status === 202) {
    const admission = reply.body?.admission as { ticket: string; retryAfterMs: number };
    let wait = admission.retryAfterMs;
    for (;;) {
      await sleep(wait);
      const look = await timed(client, "poll", () =>
        request(client, "GET", `/api/v1/admission/${admission.ticket}`, auth),
      );
      if (look.status !== 200)
        return look.status === -1 ? timeout() : { status: 0, code: `POLL_${look.status}` };
      if (look.body?.status === "admitted") break;
      if (look.body?.status === "expired") return { status: 0, code: "TICKET_EXPIRED" };
      wait = Number(look.body?.retryAfterMs ?? 1000);
    }
    reply = await book(admission.ticket);
  }
  if (reply.status === -1) return timeout();
  if (reply.status === 0) return { status: 0, code: "NETWORK" };
  return { status: reply.status, code: String(reply.body?.error?.code ?? reply.body?.status ?? "") };
}

const timeout = (): Final => ({ status: 0, code: "CLIENT_TIMEOUT" });
