/**
 * The project's own Toss-compatible gateway over node:http: Basic auth with
 * the configured secret key, the three v1 calls answered by ./ledger.ts, and
 * Idempotency-Key replay (the same key on the same path gets the first answer,
 * as Toss does). Served in-process by the payments service by default, or
 * alone by `npm run pg:sandbox`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SandboxLedger } from "./ledger";
import type { SandboxAnswer } from "./ledger";

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default loopback: the sandbox takes any card, so it should not listen beyond this machine. */
  host?: string;
  /** The key clients must send as `Basic base64(secretKey + ":")`. */
  secretKey: string;
}

/** One request the sandbox received; specs count them to prove what was (not) retried. */
export interface SandboxRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
}

export interface Sandbox {
  /** `http://host:port`, the gateway's base URL (`PG_BASE_URL`). */
  url: string;
  /** The most recent requests, oldest first (the last 1000). */
  readonly requests: readonly SandboxRequest[];
  /** Stops listening and drops every connection, held `timeout_` requests included. */
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const MAX_LOG = 1000;
const PAYMENT_PATH = /^\/v1\/payments\/([^/]+)(\/cancel)?$/;

/** Starts a sandbox gateway; resolves once it listens. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const expected = `Basic ${Buffer.from(`${options.secretKey}:`).toString("base64")}`;
  const ledger = new SandboxLedger();
  const replies = new Map<string, { status: number; body: unknown }>();
  const requests: SandboxRequest[] = [];

  const route = (method: string, path: string, body: unknown): SandboxAnswer => {
    if (method === "POST" && path === "/v1/payments/confirm") return ledger.confirm(body);
    const match = PAYMENT_PATH.exec(path);
    if (match) {
      let paymentKey: string;
      try {
        paymentKey = decodeURIComponent(match[1]);
      } catch {
        return {
          status: 400,
          body: { code: "INVALID_REQUEST", message: "paymentKey 인코딩이 올바르지 않습니다." },
        };
      }
      if (method === "POST" && match[2]) return ledger.cancel(paymentKey, body);
      if (method === "GET" && !match[2]) return ledger.get(paymentKey);
    }
    return { status: 404, body: { code: "NOT_FOUND", message: `${method} ${path} 는 없는 API 입니다.` } };
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string): void => {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    const idempotencyKey = header(req, "idempotency-key");
    requests.push(idempotencyKey === undefined ? { method, path } : { method, path, idempotencyKey });
    if (requests.length > MAX_LOG) requests.shift();

    if (req.headers.authorization !== expected) {
      send(res, {
        status: 401,
        body: { code: "UNAUTHORIZED_KEY", message: "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다." },
      });
      return;
    }
    let body: unknown = null;
    if (method === "POST") {
      try {
        body = raw === "" ? {} : JSON.parse(raw);
      } catch {
        send(res, {
          status: 400,
          body: { code: "INVALID_REQUEST", message: "요청 본문이 올바른 JSON이 아닙니다." },
        });
        return;
      }
    }
    const replayKey = method === "POST" && idempotencyKey !== undefined ? `${path}\n${idempotencyKey}` : null;
    const first = replayKey === null ? undefined : replies.get(replayKey);
    if (first) {
      send(res, first);
      return;
    }
    const answer = route(method, path, body);
    // Held on purpose: the client's own timeout ends it, or close() drops the socket. No timer to leak.
    if (answer === null) return;
    // A 5xx is not remembered, so that the client's retry with the same key can get a real answer.
    if (replayKey !== null && answer.status < 500) replies.set(replayKey, answer);
    send(res, answer);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, { status: 413, body: { code: "INVALID_REQUEST", message: "요청 본문이 너무 큽니다." } });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!res.headersSent) handle(req, res, Buffer.concat(chunks).toString("utf8"));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: http.ServerResponse, answer: { status: number; body: unknown }): void {
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
