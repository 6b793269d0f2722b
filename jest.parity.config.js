/**
 * The engine parity suite alone (`npm run test:parity`, part of `npm test`): DuckDB and local Spark on the same
 * input. It needs neither Azurite nor the Cosmos DB server, so no global setup.
 */
const base = require("./jest.config");
const { IGNORED, PARITY_SUITE } = require("./tests/setup/jest-paths");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  modulePathIgnorePatterns: base.modulePathIgnorePatterns,
  testMatch: [PARITY_SUITE],
  testPathIgnorePatterns: IGNORED,
  testTimeout: base.testTimeout,
};
