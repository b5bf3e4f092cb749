/**
 * A loopback HTTP front for a payment gateway that loses answers on demand:
 * `pass` forwards every request and its answer; `lose-answers` forwards the
 * request (so the gateway acts on it) but never answers the caller, as when
 * the network drops the reply of a charge. Held requests end with `close()`.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FrontMode = "pass" | "lose-answers";

export interface FlakyGateway {
  url: string;
  mode: FrontMode;
  close(): Promise<void>;
}

export async function startFlakyGateway(target: string): Promise<FlakyGateway> {
  const front: FlakyGateway = { url: "", mode: "pass", close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "content-type", "idempotency-key", "accept"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const mode = front.mode;
      const body = req.method === "POST" ? Buffer.concat(chunks).toString("utf8") : undefined;
      void fetch(`${target}${req.url ?? "/"}`, { method: req.method, headers, body })
        .then(async (answer) => {
          const text = await answer.text();
          if (mode === "lose-answers") return; // the gateway acted; its reply never arrives
          res.writeHead(answer.status, { "content-type": "application/json" });
          res.end(text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  front.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return front;
}
