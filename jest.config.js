/**
 * Five projects: pure unit specs; the integration specs (`*.int.spec.ts`) once
 * on SQLite and once on MariaDB (which must be running on 127.0.0.1:3306); the
 * cluster specs (`*.cluster.spec.ts`): several node processes on the Redis
 * transporter (127.0.0.1:6379) and MariaDB; and the browser specs
 * (`*.browser.spec.ts`): the pages in headless Chromium (/usr/bin/chromium).
 */
const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
const roots = [
  "<rootDir>/services",
  "<rootDir>/mixins",
  "<rootDir>/platform",
  "<rootDir>/scripts",
  "<rootDir>/test",
];
const integration = (db) => ({
  displayName: db,
  testEnvironment: "node",
  transform,
  roots,
  testMatch: ["**/*.int.spec.ts"],
  globals: { TEST_DB: db },
  // The mock Kafka cluster (kcat), started once for the run: KAFKA_TEST_BROKERS.
  globalSetup: "<rootDir>/test/support/kafka-mock.setup.ts",
  globalTeardown: "<rootDir>/test/support/kafka-mock.teardown.ts",
});

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform,
      roots,
      testMatch: ["**/*.spec.ts"],
      testPathIgnorePatterns: ["\\.(int|cluster|browser)\\.spec\\.ts$"],
    },
    integration("sqlite"),
    integration("mariadb"),
    {
      displayName: "cluster",
      testEnvironment: "node",
      transform,
      roots,
      testMatch: ["**/*.cluster.spec.ts"],
      globals: { TEST_DB: "mariadb" },
      testTimeout: 180000,
    },
    {
      displayName: "browser",
      testEnvironment: "node",
      transform,
      roots,
      testMatch: ["**/*.browser.spec.ts"],
      globals: { TEST_DB: "sqlite" },
      testTimeout: 120000,
    },
  ],
};
