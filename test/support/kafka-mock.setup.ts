/**
 * Jest global setup: starts librdkafka's mock Kafka cluster (`kcat … -d mock`)
 * once for the whole run and passes its bootstrap servers to the test
 * workers as `KAFKA_TEST_BROKERS`. A missing kcat fails the run loudly.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

const STARTUP_MS = 15_000;

/** Shared with the teardown: both run in jest's parent process. */
export const MOCK_KEY = "__hreKafkaMock";

type Holder = Record<string, ChildProcess | undefined>;

export default async function startKafkaMock(): Promise<void> {
  const holder = globalThis as unknown as Holder;
  // Several projects list this setup; the first one starts the cluster for all.
  if (holder[MOCK_KEY]) return;
  const child = spawn("kcat", ["-b", "x:1", "-C", "-t", "_", "-X", "test.mock.num.brokers=3", "-d", "mock"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  holder[MOCK_KEY] = child;
  // Test wiring, not configuration: workers are forked after this and inherit it.
  // eslint-disable-next-line no-restricted-properties
  process.env.KAFKA_TEST_BROKERS = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error("kcat printed no bootstrap.servers")), STARTUP_MS);
    child.once("error", (err) =>
      reject(new Error(`kcat is required for the Kafka tests (apt-get install -y kcat): ${err.message}`)),
    );
    child.once("exit", (code) => reject(new Error(`kcat exited (${code}) before the mock cluster was up`)));
    // Keep reading: the debug log never stops, and a full pipe would stall the mock cluster.
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /bootstrap\.servers=(\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        seen = "";
        child.stderr?.removeAllListeners("data");
        child.stderr?.resume();
        resolve(match[1]);
      }
    });
  });
}
