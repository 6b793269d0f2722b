const { IGNORED, PARITY_SUITE } = require("./tests/setup/jest-paths");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Type checking runs once in `npm run typecheck`; ts-jest only transpiles, which keeps the suite fast.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testMatch: ["**/?(*.)test.ts"],
  // The engine parity suite runs on its own (jest.parity.config.js, `npm run test:parity`): beside the other suites
  // on 2 cores it took 390 s, alone 280 s, and the whole run is shorter that way too.
  testPathIgnorePatterns: [...IGNORED, PARITY_SUITE],
  modulePathIgnorePatterns: ["<rootDir>/.venv/", "<rootDir>/.spark-jars/"],
  // One Azurite and one Cosmos DB server for the whole run; tests isolate by unique names.
  globalSetup: "<rootDir>/tests/setup/global-setup.ts",
  globalTeardown: "<rootDir>/tests/setup/global-teardown.ts",
  testTimeout: 120000,
  maxWorkers: 2,
};
