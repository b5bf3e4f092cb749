/** Jest global teardown: stops the mock Kafka cluster that kafka-mock.setup.ts started. */
import type { ChildProcess } from "node:child_process";
import { MOCK_KEY } from "./kafka-mock.setup";

export default async function stopKafkaMock(): Promise<void> {
  const holder = globalThis as unknown as Record<string, ChildProcess | undefined>;
  const child = holder[MOCK_KEY];
  if (!child || child.exitCode !== null) return;
  holder[MOCK_KEY] = undefined;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
