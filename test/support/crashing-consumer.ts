/**
 * A child process for the consumer crash test (argv: database URL, Kafka
 * configuration as JSON, handler call to die on): runs the "effects" consumer on
 * Kafka and SIGKILLs itself when its handler is called for the
 * n-th time, i.e. after the earlier chunks of the batch were
 * committed to the database but before the batch's offsets were committed.
 */
import { openDatabase } from "../../platform/db/database";
import type { KafkaConfig } from "../../platform/config";
import { KafkaConsumerRunner } from "../../services/outbox/consumers";
import { effectsConsumer } from "./effects-consumer";

const [dbUrl, kafkaJson, crashOnCall] = process.argv.slice(2);
const kafka = JSON.parse(kafkaJson) as KafkaConfig;
const crashOn = Number(crashOnCall);
const sequelize = openDatabase(dbUrl);
let calls = 0;
const consumer = effectsConsumer(sequelize, () => {
  if (++calls === crashOn) process.kill(process.pid, "SIGKILL");
});
new KafkaConsumerRunner(consumer, {
  kafka,
  sequelize,
  maxAttempts: 5,
  maxBatch: 10,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
}).start();
