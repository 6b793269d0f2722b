/** Expectations and quarantine on DuckDB (semantics in ../core/expectations.ts). */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
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
import { type DuckDbSession, ident, isoInstantSql, sqlString } from "./session";

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
 * Writes the rows of `rowsSql` (rows that failed a drop rule; `types`: its columns and their DuckDB types) to the
 * model's quarantine, each with the first rule it failed, every contract code it broke (`codes`), its lineage, its
 * record and its key (quarantineKeySql); returns how many rows failed. A row whose key the table's quarantine already
 * holds (an earlier load over the same files, a rerun) is not written again.
 */
export async function quarantine(
  db: DuckDbSession,
  model: Model,
  rc: RunContext,
  rowsSql: string,
  types: ReadonlyMap<string, string>,
): Promise<number> {
  const drops = dropRules(model);
  const has = (c: string) => types.has(c);
  const { record, legacyRecord } = recordSql(types);
  await db.exec(`CREATE OR REPLACE TEMP TABLE __quarantine AS
      SELECT *, ${quarantineKeySql("stage", '"table"', "source_file", "line_no", "record")} AS record_key,
        ${legacyRecord ? quarantineKeySql("stage", '"table"', "source_file", "line_no", "__legacy_record") : "CAST(NULL AS VARCHAR)"} AS __legacy_key
      FROM (
      SELECT ${sqlString(model.layer)} AS stage, ${sqlString(model.name)} AS "table",
        ${firstFailure(drops, "code")} AS reason, ${firstFailure(drops, "name")} AS rule,
        ${has(CONTRACT_CODES_COLUMN) ? `s.${CONTRACT_CODES_COLUMN}` : "CAST(NULL AS VARCHAR)"} AS codes,
        ${sqlString(rc.loadId)} AS load_id,
        ${has("source_file") ? "s.source_file" : "CAST(NULL AS VARCHAR)"} AS source_file,
        ${has("line_no") ? "s.line_no" : "CAST(NULL AS BIGINT)"} AS line_no,
        ${record} AS record,
        ${isoInstantSql(`CAST(${sqlString(rc.runAt)} AS TIMESTAMPTZ)`)} AS quarantined_at,
        ${legacyRecord ?? "CAST(NULL AS VARCHAR)"} AS __legacy_record
      FROM (${rowsSql}) AS s)`);
  const failed = await db.count("SELECT * FROM __quarantine");
  const tableDir = join(db.lakeDir, ...quarantineDir(model, rc.runAt).slice(0, -1));
  if (failed > 0) {
    const keys = await earlierQuarantineKeys(db, tableDir);
    if (keys)
      await db.exec(`DELETE FROM __quarantine WHERE record_key IN (SELECT record_key FROM ${keys})
          OR __legacy_key IN (SELECT record_key FROM ${keys})`);
  }
  // Two rows of one run with the same key (an exact redelivery inside one file) are one record.
  await db.exec(`CREATE OR REPLACE TEMP TABLE __quarantine AS SELECT * EXCLUDE (__n, __legacy_record, __legacy_key) FROM (SELECT *,
      row_number() OVER (PARTITION BY record_key ORDER BY source_file, line_no) AS __n FROM __quarantine) WHERE __n = 1`);
  if ((await db.count("SELECT * FROM __quarantine")) > 0) {
    const dir = join(db.lakeDir, ...quarantineDir(model, rc.runAt));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, quarantineFile(rc.loadId, readdirSync(dir)));
    await db.exec(
      `COPY (SELECT * FROM __quarantine ORDER BY source_file, line_no, record) TO ${sqlString(file + ".tmp")} (FORMAT JSON)`,
    );
    renameSync(file + ".tmp", file);
    await noteQuarantineFile(db, tableDir, file, "__quarantine");
  }
  await db.exec("DROP TABLE __quarantine");
  return failed;
}

/**
 * A quarantine record's text: the row's raw record (bronze), else the row itself minus its run stamps as JSON, so the
 * same rejected row is the same record each load. Timestamps are ISO 8601 UTC instants with milliseconds
 * (isoInstantSql), as the Spark runtime writes them: the record and its key are the same text on both engines.
 * `legacyRecord` is the record as this adapter wrote it before 2026-12-07 (DuckDB's own timestamp text, `2025-01-02
 * 22:16:54.492+00`), for rows with a timestamp column: a quarantine written then holds keys of that text, and a rerun
 * over the same rows must match them (docs/pipeline.md "Quarantine").
 */
export function recordSql(types: ReadonlyMap<string, string>): { record: string; legacyRecord?: string } {
  if (types.has("raw_record")) return { record: "s.raw_record" };
  const cols = recordColumns([...types.keys()]);
  const isTimestamp = (c: string) => /^TIMESTAMP/.test(types.get(c) ?? "");
  const json = (value: (c: string) => string) =>
    `CAST(to_json(struct_pack(${cols.map((c) => `${ident(c)} := ${value(c)}`).join(", ")})) AS VARCHAR)`;
  const record = json((c) => (isTimestamp(c) ? isoInstantSql(`s.${ident(c)}`) : `s.${ident(c)}`));
  return cols.some(isTimestamp) ? { record, legacyRecord: json((c) => `s.${ident(c)}`) } : { record };
}

/**
 * The keys of a table's quarantine files, read once per session: `tableDir`'s files are loaded into a temp table the
 * first time, and later only the files not read yet. Before, every quarantine write re-read every earlier file of its
 * table: quadratic in the number of writes (86 landing batches at 10M orders) and growing with the lake's age. A file
 * that changed or went away since it was read (an erasure rewrites the quarantine) makes it read them all again.
 * Returns the temp table's name, or undefined while the table has no quarantine files.
 */
async function earlierQuarantineKeys(db: DuckDbSession, tableDir: string): Promise<string | undefined> {
  const files = quarantineFiles(tableDir);
  if (files.length === 0) return undefined;
  const caches = keyCaches.get(db) ?? new Map<string, KeyCache>();
  keyCaches.set(db, caches);
  let cache = caches.get(tableDir);
  const stale = cache && [...cache.read].some(([f, sig]) => fileSignature(f) !== sig);
  if (!cache || stale) {
    cache = { table: cache?.table ?? `__quarantine_keys_${caches.size}`, read: new Map() };
    caches.set(tableDir, cache);
    await db.exec(`CREATE OR REPLACE TEMP TABLE ${cache.table} (record_key VARCHAR)`);
  }
  const unread = files.filter((f) => !cache.read.has(f));
  if (unread.length > 0)
    await db.exec(`INSERT INTO ${cache.table}
        SELECT ${quarantineKeySql("stage", '"table"', "source_file", "line_no", "record")}
        FROM read_json([${unread.map(sqlString).join(", ")}], format = 'newline_delimited',
          columns = {stage: 'VARCHAR', "table": 'VARCHAR', source_file: 'VARCHAR', line_no: 'BIGINT', record: 'VARCHAR'})`);
  for (const f of unread) cache.read.set(f, fileSignature(f));
  return cache.table;
}

/** Adds a quarantine file this session wrote (its rows are in `relation`, with record_key) to its table's keys. */
async function noteQuarantineFile(db: DuckDbSession, tableDir: string, file: string, relation: string) {
  const cache = keyCaches.get(db)?.get(tableDir);
  if (!cache) return; // the table's first file: read from disk by the next write
  await db.exec(`INSERT INTO ${cache.table} SELECT record_key FROM ${relation}`);
  cache.read.set(file, fileSignature(file));
}

interface KeyCache {
  /** The temp table holding the keys. */
  table: string;
  /** The files whose keys it holds, each with its size and modification time when read. */
  read: Map<string, string>;
}

/** Per session: per quarantine table folder, the keys read so far. */
const keyCaches = new WeakMap<DuckDbSession, Map<string, KeyCache>>();

function fileSignature(file: string): string {
  if (!existsSync(file)) return "gone";
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
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
