/**
 * The one module that knows kafkajs. Everything else speaks in topics, string
 * keys and string values, so the client library (kafkajs has had no release
 * since 2023) can be replaced here alone.
 *
 * Connections are made in the background with retries: a node whose Kafka
 * comes up late still starts, and readiness says whether Kafka answers.
 */
import { Kafka, Partitioners, logLevel } from "kafkajs";
import type { Admin, Consumer, Producer } from "kafkajs";

/** Where the cluster is and who we are to it. */
export interface KafkaSettings {
  brokers: readonly string[];
  clientId: string;
}

/** Where the adapter reports connection trouble (a Moleculer logger fits). */
export interface KafkaLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/** A message to send: key and value as text (JSON, by convention). */
export interface KafkaOutgoing {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** A message received, with its place in its partition. */
export interface KafkaIncoming {
  key: string | null;
  value: string | null;
  offset: string;
  headers: Record<string, string>;
}

/** What a consumer group's handler gets: consecutive messages of one partition. */
export interface KafkaBatch {
  topic: string;
  partition: number;
  /** The offset the partition's next message will get: with the batch's last offset, the group's lag. */
  highWatermark: string;
  messages: readonly KafkaIncoming[];
}

/** A consumer group: the handler's success commits the batch's offsets. */
export interface ConsumerGroupOptions {
  groupId: string;
  topics: readonly string[];
  /** Rejecting leaves the offsets uncommitted: the batch is delivered again after a backoff. */
  handleBatch(batch: KafkaBatch, heartbeat: () => Promise<void>): Promise<void>;
  /** A member silent this long is dropped from the group (a crashed node's partitions move on). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

const NOT_CONNECTED_WAIT_MS = 5_000;
const RECONNECT_MAX_MS = 30_000;
/** How long a stop waits for a consumer's join already in flight (it joins, then leaves at once). */
const JOIN_WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

const silent: KafkaLogger = { info: () => undefined, warn: () => undefined };

/**
 * Connects `connect` until it succeeds or `stopped()` says to give up,
 * backing off up to 30 s; resolves true once connected.
 */
async function connectWithRetries(
  what: string,
  connect: () => Promise<void>,
  stopped: () => boolean,
  logger: KafkaLogger,
): Promise<boolean> {
  for (let attempt = 1; !stopped(); attempt++) {
    try {
      await connect();
      if (attempt > 1) logger.info(`Kafka ${what} connected after ${attempt} attempts`);
      return true;
    } catch (err) {
      logger.warn(`Kafka ${what} cannot connect yet (attempt ${attempt}); retrying`, err);
      // Short naps, so a stop during the backoff is noticed at once.
      const until = Date.now() + Math.min(RECONNECT_MAX_MS, 500 * 2 ** Math.min(attempt, 6));
      while (!stopped() && Date.now() < until) await sleep(100);
    }
  }
  return false;
}

/** A producer writing with `acks: -1` (all in-sync replicas), one request in flight so order holds. */
export class KafkaProducer {
  private readonly producer: Producer;
  private connecting: Promise<boolean> | null = null;
  private connected = false;
  private stopped = false;

  constructor(
    kafka: Kafka,
    private readonly logger: KafkaLogger,
  ) {
    // No `idempotent: true`: it needs the controller, which librdkafka's mock cluster does not report.
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  /** Starts connecting in the background; `send` waits a little for it. */
  start(): void {
    this.stopped = false;
    this.connecting ??= connectWithRetries(
      "producer",
      () => this.producer.connect(),
      () => this.stopped,
      this.logger,
    ).then(async (ok) => {
      // Connected just as a stop came in that did not wait for us: disconnect again.
      if (ok && this.stopped) await this.producer.disconnect();
      return (this.connected = ok && !this.stopped);
    });
  }

  /** Connected and not stopped. */
  ready(): boolean {
    return this.connected && !this.stopped;
  }

  /** Sends `messages` to `topic` in order; rejects if Kafka does not take them (nothing is then known sent). */
  async send(topic: string, messages: readonly KafkaOutgoing[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.connected) {
      this.start();
      const connected = await Promise.race([this.connecting, sleep(NOT_CONNECTED_WAIT_MS)]);
      if (connected !== true) throw new Error(`Kafka producer is not connected (topic ${topic})`);
    }
    await this.producer.send({ topic, acks: -1, messages: [...messages] });
  }

  /** Stops reconnecting and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    // Never connected: nothing to flush, and a connect attempt in flight can take kafkajs' whole
    // retry budget (tens of seconds); the attempt loop sees `stopped` and ends by itself.
    if (this.connected) await this.connecting;
    this.connecting = null;
    this.connected = false;
    await this.producer.disconnect();
  }
}

/**
 * A consumer group running `handleBatch` on each fetched batch. Offsets are
 * committed by hand after the handler succeeds, never before, so a crash
 * mid-batch means redelivery (consumers are idempotent), not loss.
 */
export class KafkaConsumerGroup {
  private consumer: Consumer | null = null;
  private running: Promise<void> | null = null;
  private connected = false;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerGroupOptions,
    private readonly logger: KafkaLogger,
  ) {}

  /** Joins the group in the background (retrying until Kafka answers) and keeps it running. */
  start(): void {
    this.stopped = false;
    this.running ??= this.runUntilStopped();
  }

  /** In the group and consuming. */
  ready(): boolean {
    return this.connected && !this.stopped;
  }

  /** Finishes the batch in hand, commits its offsets and leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    const joined = this.connected;
    // kafkajs' disconnect waits for the running eachBatch to return (and so for our commit).
    await this.consumer?.disconnect();
    if (joined) await this.running;
    // Not in the group yet: no batch to finish, but a join in flight would go on after we are
    // gone (it then leaves again, see runUntilStopped). Give it a while, not a retry loop's worth.
    else await Promise.race([this.running, sleep(JOIN_WAIT_MS)]);
    this.running = null;
  }

  private async runUntilStopped(): Promise<void> {
    while (!this.stopped) {
      const consumer = this.newConsumer();
      this.consumer = consumer;
      const crashed = new Promise<void>((resolve) => {
        // A crash kafkajs will not restart from itself (restartOnFailure said no) is ours to restart.
        consumer.on(consumer.events.CRASH, (e) => {
          if (!e.payload.restart) resolve();
        });
      });
      const joined = await connectWithRetries(
        `consumer ${this.options.groupId}`,
        async () => {
          await consumer.connect();
          await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
          await consumer.run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            eachBatch: (payload) =>
              this.eachBatch(
                consumer,
                payload.batch,
                () => payload.heartbeat(),
                (offset) => payload.resolveOffset(offset),
              ),
          });
        },
        () => this.stopped,
        this.logger,
      );
      if (!joined) return;
      if (this.stopped) {
        // Joined just as a stop came in that did not wait for us: leave again.
        await consumer.disconnect();
        return;
      }
      this.connected = true;
      await Promise.race([crashed, this.whenStopped()]);
      this.connected = false;
      if (!this.stopped) {
        this.logger.warn(`Kafka consumer ${this.options.groupId} crashed; rejoining`);
        await consumer.disconnect().catch(() => undefined);
      }
    }
  }

  private async whenStopped(): Promise<void> {
    while (!this.stopped) await sleep(100);
  }

  private async eachBatch(
    consumer: Consumer,
    batch: {
      topic: string;
      partition: number;
      highWatermark: string;
      messages: {
        key: Buffer | null;
        value: Buffer | null;
        offset: string;
        headers?: Record<string, unknown>;
      }[];
    },
    heartbeat: () => Promise<void>,
    resolveOffset: (offset: string) => void,
  ): Promise<void> {
    const last = batch.messages.at(-1);
    if (!last) return;
    await this.options.handleBatch(
      {
        topic: batch.topic,
        partition: batch.partition,
        highWatermark: batch.highWatermark,
        messages: batch.messages.map((m) => ({
          key: m.key?.toString() ?? null,
          value: m.value?.toString() ?? null,
          offset: m.offset,
          headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
        })),
      },
      heartbeat,
    );
    resolveOffset(last.offset);
    const next = (BigInt(last.offset) + 1n).toString();
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
  }

  private newConsumer(): Consumer {
    return this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      allowAutoTopicCreation: true,
    });
  }
}

/** One cluster: producers and consumer groups share its settings; `probe` is the readiness check. */
export class KafkaClient {
  private readonly kafka: Kafka;
  private admin: Admin | null = null;

  constructor(
    settings: KafkaSettings,
    private readonly logger: KafkaLogger = silent,
  ) {
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      connectionTimeout: 3_000,
      logLevel: logLevel.NOTHING,
      // A handler that keeps failing (its database is down) is retried for ever, slowly, not abandoned.
      retry: {
        retries: 5,
        initialRetryTime: 300,
        maxRetryTime: 30_000,
        restartOnFailure: () => Promise.resolve(true),
      },
    });
  }

  /** A producer; call `start()` (or just `send`) to connect. */
  producer(): KafkaProducer {
    return new KafkaProducer(this.kafka, this.logger);
  }

  /** A consumer group; call `start()` to join it. */
  consumerGroup(options: ConsumerGroupOptions): KafkaConsumerGroup {
    return new KafkaConsumerGroup(this.kafka, options, this.logger);
  }

  /**
   * Whether a broker answers a metadata request within `timeoutMs`. Metadata
   * is the one admin request that works against the mock cluster too
   * (CreateTopics and group descriptions need a controller it lacks).
   */
  async probe(timeoutMs = 2_000): Promise<boolean> {
    const attempt = async () => {
      this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
      await this.admin.connect();
      await this.admin.describeCluster();
      return true;
    };
    try {
      return await Promise.race([attempt(), sleep(timeoutMs).then(() => false)]);
    } catch {
      return false;
    }
  }

  /** Closes the probe's connection (producers and groups are stopped by their owners). */
  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }
}

/** The Kafka client for `settings`, reporting connection trouble to `logger`. */
export function createKafka(settings: KafkaSettings, logger?: KafkaLogger): KafkaClient {
  return new KafkaClient(settings, logger);
}
