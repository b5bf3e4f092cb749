import { ServiceBroker } from "moleculer";
import type { Sequelize } from "sequelize";
import { resolveRelay, retryDelay } from ".";
import type { RelayConfig } from ".";

describe("relay configuration", () => {
  test("retries back off exponentially up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000]);
  });

  test("an unknown transport is named in the error", () => {
    const broker = new ServiceBroker({ logger: false });
    const config = { transport: "carrier-pigeon" } as unknown as RelayConfig;
    expect(() => resolveRelay(config, { broker, sequelize: {} as Sequelize })).toThrow(/carrier-pigeon/);
  });
});
