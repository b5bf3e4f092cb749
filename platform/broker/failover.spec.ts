/**
 * The failover middlewares on real brokers over the Fake transporter: the
 * `idempotent` flag reaches other nodes' registries, an ambiguous failure is
 * retried only for an idempotent action, and a node id that comes back with a
 * new instance fails the calls its old instance held at once.
 */
import type { ServiceBroker as Broker } from "moleculer";
import { Errors, ServiceBroker } from "moleculer";
import { frequentHeartbeatChecks } from "./heartbeat-check";
import { idempotentRetry } from "./idempotent-retry";
import { failCallsToReplacedInstances } from "./replaced-instance";

const brokers: Broker[] = [];

function node(nodeID: string, namespace: string, requestTimeout = 0): Broker {
  const retry = idempotentRetry();
  const broker = new ServiceBroker({
    namespace,
    nodeID,
    transporter: "Fake",
    logger: false,
    requestTimeout,
    heartbeatInterval: 1,
    heartbeatTimeout: 3,
    retryPolicy: { enabled: true, retries: 2, delay: 10, maxDelay: 50, factor: 2, check: retry.check },
    middlewares: [retry.middleware, frequentHeartbeatChecks(200), failCallsToReplacedInstances()],
  });
  brokers.push(broker);
  return broker;
}

/** A worker whose actions fail ambiguously on their first call, then answer. */
function flakyWorker(broker: Broker, failure: "timeout" | "hang", seen: string[]): void {
  const flaky = (name: string) => () => {
    seen.push(name);
    if (seen.filter((n) => n === name).length > 1) return "done";
    if (failure === "timeout") throw new Errors.RequestTimeoutError({ action: "inner.call", nodeID: "x" });
    return new Promise(() => undefined);
  };
  broker.createService({
    name: "work",
    actions: {
      read: { idempotent: true, handler: flaky("read") },
      signup: { handler: flaky("signup") },
    },
  });
}

let ns = 0;
const namespace = () => `failover-${process.pid}-${++ns}`;

afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.stop()));
});

test("the idempotent flag travels with the service to remote registries", async () => {
  const space = namespace();
  const caller = node("caller", space);
  flakyWorker(node("worker", space), "timeout", []);
  await Promise.all(brokers.map((b) => b.start()));
  await caller.waitForServices("work");
  const flags = (name: string) =>
    (
      caller.registry.getActionEndpoints(name) as unknown as {
        endpoints: { action: { idempotent?: boolean } }[];
      }
    ).endpoints.map((e) => e.action.idempotent);
  expect(flags("work.read")).toEqual([true]);
  expect(flags("work.signup")).toEqual([undefined]);
});

test("a timeout that crossed a node is retried only when the action called is idempotent", async () => {
  const space = namespace();
  const caller = node("caller", space);
  const seen: string[] = [];
  flakyWorker(node("worker", space), "timeout", seen);
  await Promise.all(brokers.map((b) => b.start()));
  await caller.waitForServices("work");

  await expect(caller.call("work.read")).resolves.toBe("done");
  // The error names `inner.call`; what decides is that `work.signup` may have happened.
  await expect(caller.call("work.signup")).rejects.toMatchObject({ type: "REQUEST_TIMEOUT" });
  expect(seen).toEqual(["read", "read", "signup"]);
});

test("a call timed out by the caller itself is retried only for an idempotent action", async () => {
  const space = namespace();
  const caller = node("caller", space, 300);
  const seen: string[] = [];
  flakyWorker(node("worker", space), "hang", seen);
  await Promise.all(brokers.map((b) => b.start()));
  await caller.waitForServices("work");

  await expect(caller.call("work.read")).resolves.toBe("done");
  await expect(caller.call("work.signup")).rejects.toMatchObject({ type: "REQUEST_TIMEOUT" });
  expect(seen).toEqual(["read", "read", "signup"]);
});

test("other retryable errors are retried whatever the action", () => {
  const retry = idempotentRetry();
  expect(retry.check(new Errors.MoleculerRetryableError("busy", 503, "DB_BUSY"))).toBe(true);
  expect(retry.check(new Errors.ServiceNotAvailableError({ action: "work.signup" }))).toBe(true);
  expect(retry.check(new Errors.MoleculerClientError("full", 409, "SLOT_FULL"))).toBe(false);
  expect(retry.check(new Errors.RequestRejectedError({ action: "unknown.action", nodeID: "x" }))).toBe(false);
});

test("a node id that comes back as a new instance fails the calls its old instance held", async () => {
  const space = namespace();
  const caller = node("caller", space);
  const old = node("worker", space);
  old.createService({ name: "work", actions: { hang: () => new Promise(() => undefined) } });
  await Promise.all([caller.start(), old.start()]);
  await caller.waitForServices("work");

  const pending = caller.call("work.hang");
  pending.catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  // The old instance dies without a goodbye (no DISCONNECT, no more heartbeats) ...
  const tx = (old.transit as unknown as { tx: { send: () => Promise<void>; disconnect(): Promise<void> } })
    .tx;
  old.registry.discoverer.stopHeartbeatTimers();
  tx.send = () => Promise.resolve();
  await tx.disconnect();
  // ... and the new one announces itself under the same id before the heartbeat timeout.
  const began = Date.now();
  const restarted = node("worker", space);
  restarted.createService({ name: "work", actions: { hang: () => "new" } });
  const started = restarted.start();

  await expect(pending).rejects.toMatchObject({ type: "REQUEST_REJECTED" });
  // Well inside the 3 s heartbeat timeout that would otherwise be the first chance to notice.
  expect(Date.now() - began).toBeLessThan(2000);
  await started;
});
