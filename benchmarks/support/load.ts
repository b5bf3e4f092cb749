/**
 * A closed-loop load generator: `connections` keep-alive sockets, each with
 * one request in flight, until every prepared request has been answered.
 * Latency is measured here, per request, as the client sees it.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface Shot {
  token: string;
  body: string;
}

export interface LoadResult {
  elapsedMs: number;
  latenciesMs: Float64Array;
  /** HTTP status → count; 0 stands for a failed connection. */
  statuses: Map<number, number>;
  /** "409 SLOT_FULL" → count, for every answer that was not a 2xx, and for admission tickets (202). */
  errors: Map<string, number>;
  /** The first message seen with each of those codes. */
  samples: Map<string, string>;
  /** The status of each shot, in shot order (0: failed connection); set by runLoad. */
  statusOf?: Uint16Array;
  /** When each shot was answered, in ms since the run began; set by runLoad. */
  doneAtMs?: Float64Array;
}

interface Answer {
  status: number;
  body: string;
}

export async function runLoad(
  baseUrl: string,
  path: string,
  shots: Shot[],
  connections: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(path, baseUrl);
  const result: LoadResult = {
    elapsedMs: 0,
    latenciesMs: new Float64Array(shots.length),
    statuses: new Map(),
    errors: new Map(),
    samples: new Map(),
    statusOf: new Uint16Array(shots.length),
    doneAtMs: new Float64Array(shots.length),
  };
  const statusOf = result.statusOf as Uint16Array;
  const doneAtMs = result.doneAtMs as Float64Array;
  const bump = (map: Map<string | number, number>, key: string | number) =>
    map.set(key, (map.get(key) ?? 0) + 1);
  let next = 0;
  let runBegan = 0;

  async function worker(): Promise<void> {
    while (next < shots.length) {
      const i = next++;
      const began = performance.now();
      const answer = await post(agent, url, shots[i]);
      const done = performance.now();
      result.latenciesMs[i] = done - began;
      doneAtMs[i] = done - runBegan;
      statusOf[i] = answer.status;
      bump(result.statuses, answer.status);
      if (answer.status < 200 || answer.status >= 300 || answer.status === 202) {
        const { code, message } = describeError(answer);
        const key = `${answer.status} ${code}`;
        bump(result.errors, key);
        if (!result.samples.has(key)) result.samples.set(key, message);
      }
    }
  }

  const began = (runBegan = performance.now());
  await Promise.all(Array.from({ length: Math.min(connections, shots.length) }, worker));
  result.elapsedMs = performance.now() - began;
  agent.destroy();
  return result;
}

function post(agent: http.Agent, url: URL, shot: Shot): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${shot.token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(shot.body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", (err) => resolve({ status: 0, body: err.message }));
      },
    );
    // A dropped connection is an answer too (status 0), never a crash of the whole run.
    request.on("error", (err) => resolve({ status: 0, body: err.message }));
    request.end(shot.body);
  });
}

function describeError(answer: Answer): { code: string; message: string } {
  if (answer.status === 0) return { code: "NETWORK", message: answer.body };
  // This generator does not follow tickets: each one is a booking that never happened.
  if (answer.status === 202)
    return {
      code: "ADMISSION_TICKET",
      message: "admission control gave a place in line (not followed here)",
    };
  try {
    const parsed = JSON.parse(answer.body) as { error?: { code?: string; message?: string } };
    return { code: parsed.error?.code ?? "?", message: parsed.error?.message ?? answer.body.slice(0, 200) };
  } catch {
    return { code: "?", message: answer.body.slice(0, 200) };
  }
}

/** The q-quantile (0..1) of the latencies, nearest-rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
