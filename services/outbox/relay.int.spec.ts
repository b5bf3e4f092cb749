import { ServiceBroker } from "moleculer";
import type { Context } from "moleculer";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createTestDatabase } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { openDatabase, tuneDatabase } from "../../platform/db/database";
import { migrate } from "../../platform/db/migrate";
import { appendToOutbox } from "./outbox";
import type { OutboxMessage, OutboxRecord } from "./outbox";
import { resolveRelay, retryDelay } from "./relays";
import type { OutboxRelay } from "./relays";

const DAY_MS = 24 * 60 * 60 * 1000;
let clock = 1_800_000_000_000;
let eventNo = 0;

/** A node: a real broker whose recorder service logs what the bus delivers. */
function node(nodeID: string, sequelize: Sequelize, received: { name: string; m: OutboxMessage }[]) {
  const failing = new Set<string>();
  const broker = new ServiceBroker({ logger: false, nodeID });
  const record = (ctx: Context<OutboxMessage>) => {
    if (failing.has(ctx.params.eventId)) throw new Error(`consumer refused ${ctx.params.eventId}`);
    received.push({ name: ctx.eventName ?? "", m: ctx.params });
  };
  broker.createService({ name: "recorder", events: { "day.**": record, "queue.**": record } });
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const every = (fn: () => void, ms: number) => {
    const timer = { fn, ms, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const relay = resolveRelay({ transport: "in-process" }, { broker, sequelize, now: () => clock, every });
  return { broker, relay, failing, timers };
}

describe("the claiming relay, in-process transport", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  const received: { name: string; m: OutboxMessage }[] = [];
  let a: ReturnType<typeof node>;
  let b: ReturnType<typeof node>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = openDatabase(db.url);
    await tuneDatabase(sequelize);
    await migrate(sequelize);
    a = node("node-a", sequelize, received);
    b = node("node-b", sequelize, received);
    await Promise.all([a.broker.start(), b.broker.start()]);
  });
  afterAll(async () => {
    await Promise.all([a.broker.stop(), b.broker.stop()]);
    await sequelize.close();
    await db.drop();
  });
  beforeEach(() => (received.length = 0));

  const append = (events: [key: string, type: string][]): Promise<OutboxRecord[]> =>
    sequelize.transaction((t) =>
      appendToOutbox(
        sequelize,
        t,
        events.map(([key, type]) => ({
          eventId: `e${++eventNo}`,
          key,
          type,
          payload: { no: eventNo },
          createdAt: clock,
        })),
      ),
    );
  const seqsOf = (key: string) => received.filter((r) => r.m.key === key).map((r) => r.m.seq);
  const row = async (eventId: string) =>
    (
      await sequelize.query<{ dispatched_at: string | null; attempts: number; last_error: string | null }>(
        "SELECT dispatched_at, attempts, last_error FROM outbox_events WHERE event_id = ?",
        { replacements: [eventId], type: QueryTypes.SELECT },
      )
    )[0];

  test("publishes each key in order on the bus, queue events broadcast and others as day.<type>", async () => {
    const records = await append([
      ["1:2026-12-01", "appointment.booked"],
      ["campaign:7", "campaign.started"],
      ["1:2026-12-01", "queue.board.updated"],
      ["1:2026-12-01", "appointment.cancelled"],
    ]);
    a.relay.committed(records);
    await a.relay.drain();
    expect(received.filter((r) => r.m.key === "1:2026-12-01").map((r) => r.name)).toEqual([
      "day.appointment.booked",
      "queue.board.updated",
      "day.appointment.cancelled",
    ]);
    expect(received.find((r) => r.m.key === "campaign:7")?.m).toEqual({
      eventId: records[1].eventId,
      key: "campaign:7",
      seq: 1,
      type: "campaign.started",
      payload: JSON.parse(records[1].payload),
      dayKey: "campaign:7",
    });
    for (const r of records) expect((await row(r.eventId)).dispatched_at).not.toBeNull();
  });

  test("a failed publish holds back later rows of its key, on every node, while other keys flow", async () => {
    const blocked = await append([
      ["2:2026-12-01", "queue.ticket.called"],
      ["2:2026-12-01", "queue.board.updated"],
      ["2:2026-12-01", "appointment.booked"],
    ]);
    const other = await append([
      ["3:2026-12-01", "appointment.booked"],
      ["3:2026-12-01", "appointment.cancelled"],
    ]);
    a.failing.add(blocked[0].eventId);
    a.relay.committed([...blocked, ...other]);
    await a.relay.drain();
    expect(seqsOf("3:2026-12-01")).toEqual([1, 2]);
    expect(seqsOf("2:2026-12-01")).toEqual([]);
    expect(await row(blocked[0].eventId)).toMatchObject({ dispatched_at: null, attempts: 1 });
    expect((await row(blocked[0].eventId)).last_error).toContain("consumer refused");

    // Neither this node nor another may publish the key's later rows during the backoff.
    a.failing.clear();
    expect(await b.relay.sweep()).toBe(0);
    expect(await a.relay.sweep()).toBe(0);
    expect(seqsOf("2:2026-12-01")).toEqual([]);

    clock += retryDelay(1);
    expect(await b.relay.sweep()).toBe(3);
    expect(seqsOf("2:2026-12-01")).toEqual([1, 2, 3]);
  });

  test("the periodic sweep runs on the injected scheduler and catches up rows nobody announced", async () => {
    await a.relay.start();
    const [timer] = a.timers;
    expect(timer.ms).toBe(5_000);
    // A producer that crashed between its commit and `committed()`.
    await append([
      ["4:2026-12-01", "appointment.booked"],
      ["4:2026-12-01", "appointment.cancelled"],
    ]);
    expect(seqsOf("4:2026-12-01")).toEqual([]);
    timer.fn();
    await a.relay.drain();
    expect(seqsOf("4:2026-12-01")).toEqual([1, 2]);
    await a.relay.stop();
    expect(timer.cancelled).toBe(true);
  });

  test("dispatched rows are pruned after the retention, pending ones never, and numbering carries on", async () => {
    const key = "5:2026-12-01";
    const done = await append([[key, "appointment.booked"]]);
    await a.relay.sweep();
    const dispatchedAt = clock;
    const relay: OutboxRelay = resolveRelay(
      { transport: "in-process", retentionMs: 3 * DAY_MS },
      { broker: a.broker, sequelize, now: () => clock },
    );
    a.failing.add(`e${eventNo + 1}`);
    const [pending] = await append([[key, "queue.ticket.called"]]);
    await relay.sweep();

    clock = dispatchedAt + 3 * DAY_MS - 1;
    await relay.sweep();
    expect(await row(done[0].eventId)).toBeDefined();
    clock = dispatchedAt + 3 * DAY_MS + 1;
    await relay.sweep();
    expect(await row(done[0].eventId)).toBeUndefined();
    expect(await row(pending.eventId)).toMatchObject({ dispatched_at: null });
    const [next] = await append([[key, "appointment.cancelled"]]);
    expect(next.seq).toBe(3);
    a.failing.clear();
  });
});
