/** Paths both jest configs share (jest.config.js, jest.parity.config.js). */
module.exports = {
  /** Never tests: dependencies, build output, lakes, the Python environment and Delta jars. */
  IGNORED: ["/node_modules/", "/dist/", "/lake/", "/.local/", "/.venv/", "/.spark-jars/"],
  /** The engine parity suite, run on its own by `npm run test:parity`. */
  PARITY_SUITE: "<rootDir>/tests/pipeline/parity.test.ts",
};
