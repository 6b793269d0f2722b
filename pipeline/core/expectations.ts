/**
 * Expectation and quarantine semantics, engine-neutral: a row passes a rule only when its condition is TRUE (NULL
 * fails); `fail` rules stop the layer before the table is written, `drop` rules send the row to the quarantine with
 * the first rule it failed, `warn` rules are only counted. The SQL below is portable (both engines run it).
 */
import type { Expectation, Model } from "../models";
import type { ExpectationResult, ModelRunResult } from "./types";

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A row passes a rule only when its condition is TRUE (NULL fails). */
export const passes = (e: Expectation): string => `coalesce((${e.condition}), false)`;
export const allPass = (rules: Expectation[]): string => rules.map(passes).join(" AND ");
export const dropRules = (model: Pick<Model, "expectations">): Expectation[] =>
  model.expectations.filter((e) => e.action === "drop");

/** Names of the `fail` rules some row broke: the layer stops. */
export const failedRules = (results: ExpectationResult[]): string[] =>
  results.filter((e) => e.action === "fail" && !e.passed).map((e) => e.name);

/** SQL: the code (or name) of the first drop rule a row fails, NULL when it passes all. */
export const firstFailure = (drops: Expectation[], field: "code" | "name"): string =>
  `CASE ${drops.map((e) => `WHEN NOT ${passes(e)} THEN ${sqlString(e[field])}`).join(" ")} END`;

/** One SELECT counting each expectation's failing rows over `relation` (columns e0, e1, ...). */
export const countFailuresSql = (model: Model, relation: string): string =>
  `SELECT ${model.expectations.map((e, i) => `count(*) FILTER (WHERE NOT ${passes(e)}) AS e${i}`).join(", ")} FROM ${relation}`;

export function expectationResults(model: Model, failedCounts: number[]): ExpectationResult[] {
  return model.expectations.map((e, i) => {
    const failed = failedCounts[i] ?? 0;
    return { name: e.name, code: e.code, action: e.action, failed, passed: failed === 0 };
  });
}

/**
 * The column of a model's rows listing every contract code the row broke (comma-separated; models/contract-sql.ts):
 * a quarantine record carries it as `codes` beside its `reason` (the first drop rule it failed), as the real-time
 * quarantine record carries its violations.
 */
export const CONTRACT_CODES_COLUMN = "contract_violations";

/** Quarantine file of a model run, relative to the lake: quarantine/<layer>/<table>/ingest_date=<run date>/. */
export const quarantineDir = (model: Model, runAt: string): string[] => [
  "quarantine",
  model.layer,
  model.name,
  `ingest_date=${runAt.slice(0, 10)}`,
];
/**
 * The file a quarantine write goes to: `<load_id>.jsonl`, or `<load_id>-<n>.jsonl` with the first n not taken in the
 * folder (several landing batches of one run, or a rerun of the same load: an earlier file is never overwritten).
 */
export function quarantineFile(loadId: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  let n = 0;
  const name = (i: number) => (i === 0 ? `${loadId}.jsonl` : `${loadId}-${i}.jsonl`);
  while (names.has(name(n))) n++;
  return name(n);
}

/**
 * Columns that say which run wrote a row (its load and clock), not what the row holds: left out of a quarantine
 * record built from the row, so the same rejected row gives the same record in every load.
 */
export const RUN_STAMP_COLUMNS = ["load_id", "processed_at", "ingested_at", "run_at", "computed_at"];
export const recordColumns = (cols: string[]): string[] => cols.filter((c) => !RUN_STAMP_COLUMNS.includes(c));

/**
 * The identity of a quarantine record: a hash of where it came from and what it holds (stage, table, source file,
 * line and the record). A write skips every record whose key the table's quarantine already holds, so a new load
 * over the same files (silver re-reads the window's bronze rows) writes no record twice. Computed from the stored
 * fields (SQL over a relation with those columns, either engine), so files written earlier are matched too.
 */
export const quarantineKeySql = (
  stage: string,
  table: string,
  sourceFile: string,
  lineNo: string,
  record: string,
) =>
  `sha2(concat_ws('|', ${stage}, ${table}, coalesce(${sourceFile}, ''), coalesce(CAST(${lineNo} AS STRING), ''), coalesce(${record}, '')), 256)`;

/** Sums the results of one model run over several landing batches. */
export function mergeResults(a: ModelRunResult, b: ModelRunResult): ModelRunResult {
  return {
    rowsIn: a.rowsIn + b.rowsIn,
    rowsOut: b.rowsOut,
    rowsWritten: a.rowsWritten + b.rowsWritten,
    quarantined: a.quarantined + b.quarantined,
    expectations: a.expectations.map((e, i) => {
      const failed = e.failed + (b.expectations[i]?.failed ?? 0);
      return { ...e, failed, passed: failed === 0 };
    }),
    failedExpectations: [...new Set([...a.failedExpectations, ...b.failedExpectations])],
  };
}
