import { ConfigError, loadConfig } from "./config";

describe("loadConfig", () => {
  test("no variables means the embedded defaults", () => {
    const config = loadConfig({}, "/srv/app");
    expect(config).toMatchObject({
      mode: "embedded",
      dbUrl: "sqlite:/srv/app/data/hospital.sqlite",
      transporter: null,
      jwtSecret: null,
      port: 3000,
      metricsPort: 3030,
      demoPassword: "demo1234!",
      seedOnEmpty: true,
      services: [],
    });
  });

  test("a transporter switches to cluster mode, which needs a JWT secret and does not seed", () => {
    const config = loadConfig({
      TRANSPORTER: "redis://127.0.0.1:6379",
      JWT_SECRET: "x".repeat(32),
      NODE_ID: "n1",
    });
    expect(config).toMatchObject({ mode: "cluster", nodeId: "n1", seedOnEmpty: false });
    expect(() => loadConfig({ TRANSPORTER: "redis://127.0.0.1:6379" })).toThrow(/JWT_SECRET is required/);
  });

  test("every bad variable is named in one error", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "http",
        METRICS_PORT: "-1",
        DB_URL: "postgres://x",
        JWT_SECRET: "short",
        LOG_LEVEL: "loud",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["PORT", "METRICS_PORT", "DB_URL", "JWT_SECRET", "LOG_LEVEL"])
      expect(problems).toContain(name);
  });

  test("SETTLEMENT_CRON sets the daily settlement's schedule (00:10 by default), off turns it off here", () => {
    expect(loadConfig({}).settlementCron).toBe("10 0 * * *");
    expect(loadConfig({ SETTLEMENT_CRON: "30 1 * * *" }).settlementCron).toBe("30 1 * * *");
    expect(loadConfig({ SETTLEMENT_CRON: "off" }).settlementCron).toBeNull();
    expect(() => loadConfig({ SETTLEMENT_CRON: "61 0 * * *" })).toThrow(
      /SETTLEMENT_CRON must be a cron expression/,
    );
  });

  test("SERVICES lists the services of this node", () => {
    expect(loadConfig({ SERVICES: "api, health ,accounts" }).services).toEqual(["api", "health", "accounts"]);
  });

  test("without KAFKA_BROKERS events stay in-process; consumers retry 5 times by default", () => {
    expect(loadConfig({})).toMatchObject({ kafka: null, consumers: { maxAttempts: 5 } });
  });

  test("KAFKA_BROKERS turns Kafka mode on, with namespace-aware client id and group prefix", () => {
    expect(loadConfig({ KAFKA_BROKERS: "k1:9092, 10.0.0.2:9093", NAMESPACE: "staging" }).kafka).toEqual({
      brokers: ["k1:9092", "10.0.0.2:9093"],
      clientId: "staging",
      groupPrefix: "staging.",
      topicPrefix: "",
    });
    expect(
      loadConfig({
        KAFKA_BROKERS: "k1:9092",
        KAFKA_CLIENT_ID: "node-7",
        KAFKA_GROUP_PREFIX: "g-",
        KAFKA_TOPIC_PREFIX: "run42.",
        CONSUMER_MAX_ATTEMPTS: "3",
      }),
    ).toMatchObject({
      kafka: { clientId: "node-7", groupPrefix: "g-", topicPrefix: "run42." },
      consumers: { maxAttempts: 3 },
    });
  });

  test("a malformed broker list or attempt count is named", () => {
    for (const brokers of ["k1", "k1:9092,:1", "http://k1:9092", "k1:99999", ","]) {
      expect(() => loadConfig({ KAFKA_BROKERS: brokers })).toThrow(/KAFKA_BROKERS/);
    }
    expect(() => loadConfig({ CONSUMER_MAX_ATTEMPTS: "0" })).toThrow(/CONSUMER_MAX_ATTEMPTS/);
  });

  test("ELASTICSEARCH_URL switches search to Elasticsearch; the alias follows the namespace", () => {
    expect(loadConfig({}).search).toEqual({
      elasticsearchUrl: null,
      elasticsearchIndex: "hospital-hospitals",
    });
    expect(
      loadConfig({ ELASTICSEARCH_URL: "http://es:9200", NAMESPACE: "staging", ELASTICSEARCH_INDEX: "" })
        .search,
    ).toEqual({ elasticsearchUrl: "http://es:9200", elasticsearchIndex: "staging-hospitals" });
    expect(() => loadConfig({ ELASTICSEARCH_URL: "es:9200" })).toThrow(/ELASTICSEARCH_URL/);
  });
});
