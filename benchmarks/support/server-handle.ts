/** Starts server-process.ts as a child (Node + tsx's loader) and stops it again. */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerCpu } from "./cpu";
import { ServerLog } from "./server-log";
import type { ControlMessage, ServerMessage, StartMessage } from "./server-process";

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface ServerHandle {
  /** Empty on a node without the gateway (a cluster's worker). */
  baseUrl: string;
  pid: number;
  /** What the server printed, folded; complete once stop() has resolved. */
  log: ServerLog;
  /** CPU time (user + system) the server process has used so far, in microseconds. */
  cpuMicros: () => Promise<number>;
  stop(): Promise<void>;
}

/** What a benchmark loads: one server process (a ServerHandle) or a cluster of them (cluster-handle.ts). */
export interface Deployment {
  baseUrl: string;
  log: Pick<ServerLog, "enter" | "digest">;
  cpuMicros: ServerCpu;
  stop(): Promise<void>;
}

export async function startServer(
  start: Omit<StartMessage, "type">,
  options: { profileDir: string | null },
): Promise<ServerHandle> {
  const profile = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  const child = fork(path.join(__dirname, "server-process.ts"), [], {
    execPath: process.execPath,
    // tsx's loader by absolute URL, so the child compiles TypeScript whatever the working directory.
    execArgv: [...profile, "--import", pathToFileURL(require.resolve("tsx")).href],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const log = new ServerLog();
  if (child.stdout) log.follow(child.stdout);
  if (child.stderr) log.follow(child.stderr);
  const exited = once(child, "exit");
  try {
    const port = await ready(child, log, start);
    return {
      baseUrl: port === null ? "" : `http://127.0.0.1:${port}`,
      pid: child.pid ?? -1,
      log,
      cpuMicros: () => withTimeout(askCpu(child), READY_TIMEOUT_MS),
      async stop() {
        child.send({ type: "stop" } satisfies ControlMessage);
        await withTimeout(exited, STOP_TIMEOUT_MS).catch(() => child.kill("SIGKILL"));
      },
    };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

function ready(
  child: ChildProcess,
  log: ServerLog,
  start: Omit<StartMessage, "type">,
): Promise<number | null> {
  const who = start.nodeId ? `benchmark server ${start.nodeId}` : "benchmark server";
  const answer = new Promise<number | null>((resolve, reject) => {
    child.once("message", (message: ServerMessage) => {
      if (message.type === "ready") resolve(message.port);
      else if (message.type === "failed") reject(new Error(`The ${who} failed to start:\n${message.error}`));
    });
    child.once("exit", (code) =>
      reject(new Error(`The ${who} exited early (code ${code}):\n${log.digest().join("\n")}`)),
    );
  });
  child.send({ type: "start", ...start } satisfies StartMessage);
  return withTimeout(answer, READY_TIMEOUT_MS);
}

function askCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== "cpu") return;
      child.off("message", onMessage);
      resolve(message.micros);
    };
    child.on("message", onMessage);
    child.send({ type: "cpu" } satisfies ControlMessage);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
