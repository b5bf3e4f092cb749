/**
 * Three projects: pure unit specs, then the integration specs (`*.int.spec.ts`)
 * once on SQLite and once on MariaDB (which must be running on 127.0.0.1:3306).
 */
const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
const roots = ["<rootDir>/services", "<rootDir>/mixins", "<rootDir>/platform", "<rootDir>/test"];
const integration = (db) => ({
  displayName: db,
  testEnvironment: "node",
  transform,
  roots,
  testMatch: ["**/*.int.spec.ts"],
  globals: { TEST_DB: db },
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
      testPathIgnorePatterns: ["\\.int\\.spec\\.ts$"],
    },
    integration("sqlite"),
    integration("mariadb"),
  ],
};
