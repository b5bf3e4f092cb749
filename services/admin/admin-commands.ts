/**
 * The platform admin's commands, for the Moleculer REPL and for one-shot
 * runs (`npm run admin -- days`). Each asks the cluster through actions —
 * on every node that hosts the day service where the answer is per node —
 * and returns text; nothing here touches a database.
 */
import type { ServiceBroker } from "moleculer";

export interface AdminCommand {
  /** Commander syntax: name and <arguments>. */
  command: string;
  description: string;
  run(broker: ServiceBroker, args: Record<string, string>): Promise<string>;
}

interface ActorRow {
  dayKey: string;
  depth: number;
  seats: { booked: number; capacity: number } | null;
  waiting: number;
}

/** Node ids hosting `service`, as this broker sees the cluster. */
function nodesOf(broker: ServiceBroker, service: string): string[] {
  const ids = broker.registry
    .getServiceList({ onlyAvailable: true })
    .filter((s) => s.name === service)
    .map((s) => s.nodeID)
    .filter((id): id is string => typeof id === "string");
  return [...new Set(ids)].sort();
}

const dayKey = (args: Record<string, string>) => `${args.hospitalId}:${args.date}`;
const json = (value: unknown) => JSON.stringify(value, null, 2);

export const ADMIN_COMMANDS: AdminCommand[] = [
  {
    command: "days",
    description:
      "Live day actors on every node: key, node, mailbox depth, seats booked/capacity, waiting tickets",
    async run(broker) {
      const lines = ["day                 node          mailbox  seats       waiting"];
      for (const nodeID of nodesOf(broker, "day")) {
        const actors = await broker.call<ActorRow[], object>("day.actors", {}, { nodeID });
        for (const a of actors) {
          const seats = a.seats ? `${a.seats.booked}/${a.seats.capacity}` : "-";
          lines.push(
            `${a.dayKey.padEnd(19)} ${nodeID.padEnd(13)} ${String(a.depth).padStart(7)}  ${seats.padEnd(11)} ${a.waiting}`,
          );
        }
      }
      return lines.length === 1
        ? `No live day actors (day nodes: ${nodesOf(broker, "day").join(", ") || "none"}).`
        : lines.join("\n");
    },
  },
  {
    command: "day <hospitalId> <date>",
    description: "One hospital-day as its actor sees it (availability per doctor and slot)",
    async run(broker, args) {
      return json(await broker.call("day.availability", { dayKey: dayKey(args) }));
    },
  },
  {
    command: "evict <hospitalId> <date>",
    description: "Lets go of a day on every node; its next call loads it from the database",
    async run(broker, args) {
      let evicted = 0;
      for (const nodeID of nodesOf(broker, "day")) {
        const r = await broker.call<{ evicted: number }, object>(
          "day.evict",
          { dayKey: dayKey(args) },
          { nodeID },
        );
        evicted += r.evicted;
      }
      return `Evicted ${evicted} activation(s) of ${dayKey(args)}.`;
    },
  },
  {
    command: "outbox",
    description: "Events not yet published and the age of the oldest",
    async run(broker) {
      const b = await broker.call<{ pending: number; oldestSeconds: number }>("day.outbox");
      return `pending ${b.pending}, oldest ${b.oldestSeconds.toFixed(1)} s`;
    },
  },
  {
    command: "dlq [replayId]",
    description:
      "Events consumers gave up on (embedded mode; Kafka keeps them on <topic>.dlq); `dlq <id>` replays one",
    async run(broker, args) {
      if (args.replayId)
        return json(await broker.call("day.replayDeadLetter", { id: Number(args.replayId) }));
      const letters =
        await broker.call<
          { id: number; consumer: string; type: string; eventId: string; attempts: number; error: string }[]
        >("day.deadLetters");
      if (letters.length === 0) return "No dead letters.";
      return letters
        .map((l) => `#${l.id} ${l.consumer} ${l.type} ${l.eventId} after ${l.attempts} attempts: ${l.error}`)
        .join("\n");
    },
  },
  {
    command: "oversold",
    description: "Runs the invariant check now: seats held beyond their slot's capacity (must be 0)",
    async run(broker) {
      const { oversold } = await broker.call<{ oversold: number }>("day.checkOversold");
      return oversold === 0 ? "oversold 0: every slot within capacity" : `OVERSOLD ${oversold} seat(s)`;
    },
  },
  {
    command: "coupons <campaignId>",
    description: "A coupon campaign's counter against the database, repaired from it",
    async run(broker, args) {
      return json(await broker.call("coupons.reconcile", { id: Number(args.campaignId) }));
    },
  },
  {
    command: "settle <date>",
    description:
      "Settles one day now (YYYY-MM-DD, Seoul): resumes an interrupted run, recomputes a finished one",
    async run(broker, args) {
      const r = await broker.call<
        { written: number; chunks: number; resumedAfter: number; totals: { hospitals: number; net: number } },
        object
      >("settlement.settle", { date: args.date });
      const resumed = r.resumedAfter > 0 ? `, resumed after hospital ${r.resumedAfter}` : "";
      return `Settled ${args.date}: ${r.totals.hospitals} hospitals, net ${r.totals.net} won (${r.written} rows in ${r.chunks} chunks${resumed}).`;
    },
  },
];

/** Runs one command line (`days`, `day 1 2026-12-01`, …) and returns its text. */
export async function runAdminCommand(broker: ServiceBroker, argv: readonly string[]): Promise<string> {
  const [name, ...rest] = argv;
  const def = ADMIN_COMMANDS.find((c) => c.command.split(" ")[0] === name);
  if (!def)
    return `Unknown command "${name ?? ""}". Commands: ${ADMIN_COMMANDS.map((c) => c.command).join(", ")}`;
  const names = [...def.command.matchAll(/[<[](\w+)[>\]]/g)].map((m) => m[1]);
  const required = [...def.command.matchAll(/<(\w+)>/g)].length;
  if (rest.length < required) return `Usage: ${def.command}`;
  return def.run(broker, Object.fromEntries(names.map((n, i) => [n, rest[i]])));
}

/** The commands in moleculer-repl's shape, for `broker.repl({ customCommands })`. */
export function replCommands() {
  return ADMIN_COMMANDS.map((def) => ({
    command: def.command,
    description: def.description,
    async action(broker: ServiceBroker, params: Record<string, string>) {
      console.log(await def.run(broker, params));
    },
  }));
}
