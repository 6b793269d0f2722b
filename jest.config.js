/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Type checking runs once in `npm run typecheck`; ts-jest only transpiles, which keeps the suite fast.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["**/?(*.)test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/lake/", "/.local/", "/.venv/", "/.spark-jars/"],
  modulePathIgnorePatterns: ["<rootDir>/.venv/", "<rootDir>/.spark-jars/"],
  // One Azurite and one Cosmos DB server for the whole run; tests isolate by unique names.
  globalSetup: "<rootDir>/tests/setup/global-setup.ts",
  globalTeardown: "<rootDir>/tests/setup/global-teardown.ts",
  testTimeout: 120000,
  maxWorkers: 2,
};
