/** Expectations and quarantine on DuckDB (semantics in ../core/expectations.ts). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import {
  CONTRACT_CODES_COLUMN,
  countFailuresSql,
  dropRules,
  expectationResults,
  firstFailure,
  quarantineDir,
  quarantineFile,
} from "../core/expectations";
import type { ExpectationResult, RunContext } from "../core/types";
import type { Model } from "../models";
import { type DuckDbSession, sqlString } from "./session";

/** Counts each expectation's failing rows over `relation`. */
export async function checkExpectations(
  db: DuckDbSession,
  model: Model,
  relation: string,
): Promise<ExpectationResult[]> {
  if (model.expectations.length === 0) return [];
  const row = (await db.query<Record<string, string>>(countFailuresSql(model, relation)))[0]!;
  return expectationResults(
    model,
    model.expectations.map((_, i) => Number(row[`e${i}`] ?? 0)),
  );
}

/**
 * Writes the rows of `rowsSql` (rows that failed a drop rule) to the model's quarantine, each with the first rule
 * it failed, every contract code it broke (`codes`), its lineage and its raw record; returns how many.
 */
export async function quarantine(
  db: DuckDbSession,
  model: Model,
  rc: RunContext,
  part: number,
  rowsSql: string,
  cols: string[],
): Promise<number> {
  const drops = dropRules(model);
  const has = (c: string) => cols.includes(c);
  await db.exec(`CREATE OR REPLACE TEMP TABLE __quarantine AS
      SELECT ${sqlString(model.layer)} AS stage, ${sqlString(model.name)} AS "table",
        ${firstFailure(drops, "code")} AS reason, ${firstFailure(drops, "name")} AS rule,
        ${has(CONTRACT_CODES_COLUMN) ? `s.${CONTRACT_CODES_COLUMN}` : "CAST(NULL AS VARCHAR)"} AS codes,
        ${sqlString(rc.loadId)} AS load_id,
        ${has("source_file") ? "s.source_file" : "CAST(NULL AS VARCHAR)"} AS source_file,
        ${has("line_no") ? "s.line_no" : "CAST(NULL AS BIGINT)"} AS line_no,
        ${has("raw_record") ? "s.raw_record" : "CAST(to_json(s) AS VARCHAR)"} AS record,
        CAST(${sqlString(rc.runAt)} AS TIMESTAMPTZ) AS quarantined_at
      FROM (${rowsSql}) AS s`);
  const quarantined = await db.count("SELECT * FROM __quarantine");
  if (quarantined > 0) {
    const dir = join(db.lakeDir, ...quarantineDir(model, rc.runAt));
    mkdirSync(dir, { recursive: true });
    await db.exec(
      `COPY (SELECT * FROM __quarantine ORDER BY source_file, line_no, record) TO ${sqlString(join(dir, quarantineFile(rc.loadId, part)))} (FORMAT JSON)`,
    );
  }
  await db.exec("DROP TABLE __quarantine");
  return quarantined;
}
