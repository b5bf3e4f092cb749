import { loadConfig } from "../../../platform/config";
import { startTestNode } from "../../../test/support/test-node";
import type { TestNode } from "../../../test/support/test-node";
import { createDoctor, createHospital } from "../../../test/support/fixtures";
import { addDays } from "../../../platform/time";

describe("day actors in memory", () => {
  let node: TestNode;
  let hospitalId: number;
  const actors = async () => (await node.broker.call<{ actors: number }>("day.stats")).actors;

  beforeAll(async () => {
    const defaults = loadConfig({});
    node = await startTestNode({ booking: { ...defaults.booking, actorIdleMs: 1000, actorMaxDays: 10 } });
    node.setNow("2026-11-22T23:00:00Z");
    hospitalId = (await createHospital(node.app)).id;
    await createDoctor(node.app, hospitalId);
  });
  afterAll(() => node.close());

  test("are bounded in number and passivated when idle", async () => {
    for (let i = 0; i < 15; i++) {
      const res = await node.http(
        "GET",
        `/api/v1/hospitals/${hospitalId}/availability?date=${addDays("2026-11-23", i)}`,
      );
      expect(res.status).toBe(200);
    }
    expect(await actors()).toBeLessThanOrEqual(10);
    expect(await actors()).toBeGreaterThan(0);
    node.advance(2600); // past the idle time: the registry's sweep passivates them
    expect(await actors()).toBe(0);
    // A passivated day comes back from the database on the next call.
    expect(
      (await node.http("GET", `/api/v1/hospitals/${hospitalId}/availability?date=2026-11-24`)).status,
    ).toBe(200);
    expect(await actors()).toBe(1);
  });
});
