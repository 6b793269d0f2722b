/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // Type checking runs once in `npm run typecheck`; ts-jest only transpiles, which keeps the suite fast.
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  testMatch: ["**/?(*.)test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/lake/", "/.local/"],
  testTimeout: 120000,
  maxWorkers: 2,
};
