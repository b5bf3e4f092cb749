/**
 * Where the machine's CPU went during a run: the server process (or each
 * process of a cluster), this load generator, MariaDB, Redis, and every other process. On a shared 2-core box
 * the last one says whether the numbers were disturbed. Shares are % of one
 * core; per-process figures for MariaDB and Redis come from /proc (Linux).
 */
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import Redis from "ioredis";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";

/** Linux reports process times in USER_HZ ticks, 100 a second on every mainstream architecture. */
const MICROS_PER_TICK = 10_000;

export interface ServicePids {
  database: number | null;
  redis: number | null;
}

export interface CpuSample {
  at: number;
  /** Busy time of all cores, in microseconds; the rest likewise. */
  machine: number;
  /** All server processes together. */
  server: number;
  /** Each server process by name, when there are several (a cluster); empty for one. */
  nodes: Record<string, number>;
  client: number;
  database: number;
  redis: number;
}

export type CpuShares = Omit<CpuSample, "at" | "machine"> & { others: number; pids: ServicePids };

/** The local MariaDB and Redis processes, when they run on this machine and say who they are. */
export async function servicePids(sequelize: Sequelize, redisUrl: string): Promise<ServicePids> {
  const [row] = await sequelize.query<{ file: string }>("SELECT @@pid_file AS file", {
    type: QueryTypes.SELECT,
  });
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info("server");
    return {
      database: readPid(() => fs.readFileSync(row.file, "utf8")),
      redis: readPid(() => /process_id:(\d+)/.exec(info)?.[1] ?? ""),
    };
  } finally {
    redis.disconnect();
  }
}

/** CPU micros so far of the one server process, or of each process of a cluster by name. */
export type ServerCpu = () => Promise<number | Record<string, number>>;

export async function sampleCpu(serverMicros: ServerCpu, pids: ServicePids): Promise<CpuSample> {
  const read = await serverMicros();
  const nodes = typeof read === "number" ? {} : read;
  const server = typeof read === "number" ? read : Object.values(read).reduce((sum, n) => sum + n, 0);
  const machine = os.cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0) * 1000;
  const { user, system } = process.cpuUsage();
  return {
    at: performance.now(),
    machine,
    server,
    nodes,
    client: user + system,
    database: processMicros(pids.database),
    redis: processMicros(pids.redis),
  };
}

export function cpuShares(before: CpuSample, after: CpuSample, pids: ServicePids): CpuShares {
  const wallMicros = (after.at - before.at) * 1000;
  const used = (key: "machine" | "server" | "client" | "database" | "redis") => after[key] - before[key];
  const share = (micros: number) => (100 * Math.max(0, micros)) / wallMicros;
  const known = used("server") + used("client") + used("database") + used("redis");
  return {
    server: share(used("server")),
    nodes: Object.fromEntries(
      Object.entries(after.nodes).map(([name, micros]) => [name, share(micros - (before.nodes[name] ?? 0))]),
    ),
    client: share(used("client")),
    database: share(used("database")),
    redis: share(used("redis")),
    others: share(used("machine") - known),
    pids,
  };
}

function readPid(read: () => string): number | null {
  try {
    const pid = Number(read().trim());
    return Number.isInteger(pid) && pid > 0 && fs.existsSync(`/proc/${pid}/stat`) ? pid : null;
  } catch {
    return null;
  }
}

/** utime + stime of a process; 0 when unknown, so its share is counted under "others". */
export function processMicros(pid: number | null): number {
  if (pid === null) return 0;
  try {
    // The command name in parentheses may hold spaces; the fields after it are fixed.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
  } catch {
    return 0;
  }
}
