/** Expectations and quarantine on DuckDB (semantics in ../core/expectations.ts). */
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";

import {
  CONTRACT_CODES_COLUMN,
  countFailuresSql,
  dropRules,
  expectationResults,
  firstFailure,
  quarantineDir,
  quarantineFile,
  quarantineKeySql,
  recordColumns,
} from "../core/expectations";
import type { ExpectationResult, RunContext } from "../core/types";
import type { Model } from "../models";
import { type DuckDbSession, ident, sqlString } from "./session";

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
 * it failed, every contract code it broke (`codes`), its lineage, its record and its key (quarantineKeySql);
 * returns how many rows failed. A row whose key the table's quarantine already holds (an earlier load over the same
 * files, a rerun) is not written again.
 */
export async function quarantine(
  db: DuckDbSession,
  model: Model,
  rc: RunContext,
  rowsSql: string,
  cols: string[],
): Promise<number> {
  const drops = dropRules(model);
  const has = (c: string) => cols.includes(c);
  // Without a raw record, the row itself minus its run stamps: the same rejected row is the same record each load.
  const record = has("raw_record")
    ? "s.raw_record"
    : `CAST(to_json(struct_pack(${recordColumns(cols)
        .map((c) => `${ident(c)} := s.${ident(c)}`)
        .join(", ")})) AS VARCHAR)`;
  await db.exec(`CREATE OR REPLACE TEMP TABLE __quarantine AS
      SELECT *, ${quarantineKeySql("stage", '"table"', "source_file", "line_no", "record")} AS record_key FROM (
      SELECT ${sqlString(model.layer)} AS stage, ${sqlString(model.name)} AS "table",
        ${firstFailure(drops, "code")} AS reason, ${firstFailure(drops, "name")} AS rule,
        ${has(CONTRACT_CODES_COLUMN) ? `s.${CONTRACT_CODES_COLUMN}` : "CAST(NULL AS VARCHAR)"} AS codes,
        ${sqlString(rc.loadId)} AS load_id,
        ${has("source_file") ? "s.source_file" : "CAST(NULL AS VARCHAR)"} AS source_file,
        ${has("line_no") ? "s.line_no" : "CAST(NULL AS BIGINT)"} AS line_no,
        ${record} AS record,
        CAST(${sqlString(rc.runAt)} AS TIMESTAMPTZ) AS quarantined_at
      FROM (${rowsSql}) AS s)`);
  const failed = await db.count("SELECT * FROM __quarantine");
  const tableDir = join(db.lakeDir, ...quarantineDir(model, rc.runAt).slice(0, -1));
  const earlier = quarantineFiles(tableDir);
  if (failed > 0 && earlier.length > 0)
    await db.exec(`DELETE FROM __quarantine WHERE record_key IN (
        SELECT ${quarantineKeySql("stage", '"table"', "source_file", "line_no", "record")}
        FROM read_json([${earlier.map(sqlString).join(", ")}], format = 'newline_delimited',
          columns = {stage: 'VARCHAR', "table": 'VARCHAR', source_file: 'VARCHAR', line_no: 'BIGINT', record: 'VARCHAR'}))`);
  // Two rows of one run with the same key (an exact redelivery inside one file) are one record.
  await db.exec(`CREATE OR REPLACE TEMP TABLE __quarantine AS SELECT * EXCLUDE (__n) FROM (SELECT *,
      row_number() OVER (PARTITION BY record_key ORDER BY source_file, line_no) AS __n FROM __quarantine) WHERE __n = 1`);
  if ((await db.count("SELECT * FROM __quarantine")) > 0) {
    const dir = join(db.lakeDir, ...quarantineDir(model, rc.runAt));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, quarantineFile(rc.loadId, readdirSync(dir)));
    await db.exec(
      `COPY (SELECT * FROM __quarantine ORDER BY source_file, line_no, record) TO ${sqlString(file + ".tmp")} (FORMAT JSON)`,
    );
    renameSync(file + ".tmp", file);
  }
  await db.exec("DROP TABLE __quarantine");
  return failed;
}

/** Every quarantine file of a table (all ingest_date folders). */
function quarantineFiles(tableDir: string): string[] {
  if (!existsSync(tableDir)) return [];
  return readdirSync(tableDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(tableDir, d.name))
        .filter((f) => f.endsWith(".jsonl"))
        .map((f) => join(tableDir, d.name, f)),
    )
    .sort();
}
