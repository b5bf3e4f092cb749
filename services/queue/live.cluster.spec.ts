import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Weekday } from "../../platform/calendar";
import { createNode } from "../../node";
import type { HospitalNode } from "../../node";
import { signToken } from "../accounts/tokens";
import { createTestDatabase } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { redisNodeConfig } from "../../test/support/redis-nodes";
import { createDoctor, createHospital, createPatients, createUser } from "../../test/support/fixtures";
import type { TestNode } from "../../test/support/test-node";
import { readEvents } from "../../test/support/sse";

const SECRET = "cluster-test-secret-of-more-than-32-characters";
const ALL_WEEK: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

/** Three nodes on the real Redis transporter: two gateways and a worker that holds the day actors. */
describe("reception across nodes", () => {
  let db: TestDatabase;
  const nodes: HospitalNode[] = [];
  const notices: { ticketId: string; kind: string }[] = [];
  let webhook: Server;

  const urlOf = (node: HospitalNode) => {
    const server = (node.broker.getLocalService("api") as unknown as { server: Server }).server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const call = async (base: string, method: string, path: string, token?: string, body: object = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: method === "GET" ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        notices.push(JSON.parse(body) as { ticketId: string; kind: string });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => webhook.listen(0, "127.0.0.1", r));
    db = await createTestDatabase("mariadb");
    const base = redisNodeConfig(`live-${process.pid}-${Date.now()}`, SECRET, db.url, {
      notifyWebhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/notices`,
    });
    const layout: [string, string[]][] = [
      [
        "worker",
        [
          "accounts",
          "patients",
          "hospitals",
          "day",
          "schedules",
          "appointments",
          "payments",
          "queue",
          "notifications",
          "health",
        ],
      ],
      ["gateway-a", ["api", "health", "notifications"]],
      ["gateway-b", ["api", "health", "notifications"]],
    ];
    for (const [nodeId, services] of layout) {
      const node = await createNode({ ...base, nodeId, services }, { broker: { logger: false } });
      await node.broker.start();
      nodes.push(node);
    }
    await Promise.all(
      nodes.map((n) => n.broker.waitForServices(["day", "queue", "accounts", "hospitals"], 20_000)),
    );
    // The worker must know both gateways before it broadcasts to them (nodes announce themselves once started).
    const gatewaysSeen = () =>
      nodes[0].broker.registry.getServiceList({}).filter((s) => s.name === "api").length === 2;
    for (let i = 0; i < 100 && !gatewaysSeen(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(gatewaysSeen()).toBe(true);
  });

  afterAll(async () => {
    for (const node of nodes.reverse()) await node.stop();
    await db.drop();
    webhook.close();
  });

  test("a ticket taken through one gateway shows on a board and a ticket page served by another, and each notice is sent once", async () => {
    const [worker, gatewayA, gatewayB] = nodes;
    const app = worker.app;
    const asTestNode = {
      app,
      tokenFor: (c: Parameters<typeof signToken>[0]) => signToken(c, SECRET, 3600),
    } as TestNode;
    const hospital = await createHospital(app, {
      openingHours: ALL_WEEK.map((weekday) => ({ weekday, start: "00:00", end: "24:00" })),
      closesOnPublicHolidays: false,
    });
    await createDoctor(app, hospital.id, {
      sessions: ALL_WEEK.map((weekday) => ({
        weekday,
        start: "00:00",
        end: "24:00",
        slotMinutes: 30,
        capacity: 2,
      })),
    });
    const staff = await createUser(asTestNode, "staff", hospital.id);
    const patients = await createPatients(asTestNode, 5);
    const [a, b] = [urlOf(gatewayA), urlOf(gatewayB)];

    const board = readEvents(`${b}/api/v1/hospitals/${hospital.id}/queue/events`);
    expect((await board.next("board")).waiting).toEqual([]);

    const first = await call(a, "POST", `/api/v1/hospitals/${hospital.id}/queue`, patients[0].token);
    expect(first.status).toBe(201);
    expect((await board.next("board")).waiting.map((w: { number: number }) => w.number)).toEqual([
      first.body.number,
    ]);

    const second = await call(a, "POST", `/api/v1/hospitals/${hospital.id}/queue`, patients[1].token);
    await board.next("board");
    const ticketPage = readEvents(`${b}/api/v1/queue/tickets/${second.body.ticketId}/events`);
    expect(await ticketPage.next("ticket")).toMatchObject({ number: second.body.number, position: 2 });

    for (const p of patients.slice(2))
      await call(a, "POST", `/api/v1/hospitals/${hospital.id}/queue`, p.token);
    const called = await call(a, "POST", `/api/v1/hospitals/${hospital.id}/queue/next`, staff.token);
    expect(called.body.ticketId).toBe(first.body.ticketId);
    // Each later ticket refreshes the place (still 2nd); the call moves it to 1st.
    let place = await ticketPage.next("place");
    while (place.position === 2) place = await ticketPage.next("place");
    expect(place).toMatchObject({ ticketId: second.body.ticketId, position: 1 });

    // Three notifications services heard every event; each notice went out once.
    await new Promise((r) => setTimeout(r, 1000));
    const keys = notices.map((n) => `${n.ticketId}/${n.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain(`${first.body.ticketId}/called`);
    expect(keys).toContain(`${second.body.ticketId}/near_turn`);
    expect(notices.filter((n) => n.kind === "near_turn")).toHaveLength(4);
    await board.close();
    await ticketPage.close();
  });
});
