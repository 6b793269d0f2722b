/** Erasure on DuckDB: requests, erased rows, the quarantine and the landing lines (rules in ../core/erasure.ts). */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { blankLines, erasedRowsCondition, expandedErasureSql, purgeQuarantineLines } from "../core/erasure";
import { LAYERS, type Model } from "../models";
import { type DuckDbSession, sqlString } from "./session";

/** control/erasure/*.jsonl → control_erasure(customer_id, requested_at, request_id). */
export async function registerErasure(db: DuckDbSession): Promise<number> {
  const dir = join(db.lakeDir, "control", "erasure");
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".jsonl"))
        .sort()
        .map((f) => join(dir, f))
    : [];
  if (files.length === 0) {
    await db.exec(
      `CREATE OR REPLACE TABLE control_erasure (customer_id VARCHAR, requested_at TIMESTAMPTZ, request_id VARCHAR)`,
    );
    return 0;
  }
  await db.exec(`CREATE OR REPLACE TEMP TABLE __erasure_requests AS
      SELECT DISTINCT json_extract_string(j, '$.customerId') AS customer_id,
             TRY_CAST(json_extract_string(j, '$.requestedAt') AS TIMESTAMPTZ) AS requested_at,
             json_extract_string(j, '$.requestId') AS request_id
      FROM (SELECT unnest(string_split(content, chr(10))) AS j FROM read_text([${files.map(sqlString).join(", ")}]))
      WHERE json_valid(j) AND json_extract_string(j, '$.customerId') IS NOT NULL`);
  // An erased person is erased under every source id resolved to the same customer_key (identity map of the last run).
  await db.exec(
    `CREATE OR REPLACE TABLE control_erasure AS ${expandedErasureSql("__erasure_requests", await db.relationExists("silver.customer_identity"))}`,
  );
  db.erasures = await db.count("SELECT * FROM control_erasure");
  // Landing lines of erased customers that bronze deletes this run (see purgeErasedLandingLines).
  await db.exec(`CREATE OR REPLACE TEMP TABLE __erased_landing (source_file VARCHAR, line_no BIGINT)`);
  return db.erasures;
}

/** Rows of erased customers in a model (see erasedRowsCondition); empty without requests this run. */
export const erasedRows = (db: DuckDbSession, model: Model): string =>
  erasedRowsCondition(model, db.erasures);

/** Landing positions of erased bronze rows (`rowsSql`), for purgeErasedLandingLines. */
export async function noteErasedLanding(db: DuckDbSession, rowsSql: string): Promise<void> {
  await db.exec(
    `INSERT INTO __erased_landing SELECT source_file, line_no FROM (${rowsSql}) WHERE record_format = 'jsonl'`,
  );
}

/** Deletes the erased rows from `rel`; bronze notes their landing positions first. */
export async function eraseRows(db: DuckDbSession, model: Model, rel: string): Promise<void> {
  const cond = erasedRows(db, model);
  if (!cond) return;
  // Bronze: where those rows came from, so purgeErasedLandingLines blanks the landing lines too.
  if (model.inputs.includes("landing_records"))
    await noteErasedLanding(db, `SELECT * FROM ${rel} WHERE ${cond}`);
  await db.exec(`DELETE FROM ${rel} WHERE ${cond}`);
}

/**
 * Erasure reaches the batch quarantine: every quarantined record (quarantine/<layer>/<table>/.../*.jsonl) that
 * names an erased id as a JSON string — in the envelope, the payload, or a silver row — is removed from its file
 * (rewritten to .tmp and renamed; deleted when nothing is left). Bronze records removed here have their landing
 * lines blanked too (their positions go to the same list as erased bronze rows). Returns how many were removed.
 */
export async function purgeErasedQuarantine(db: DuckDbSession): Promise<number> {
  if (db.erasures === 0) return 0;
  const ids = (
    await db.query<{ customer_id: string }>(
      "SELECT DISTINCT customer_id FROM control_erasure WHERE customer_id IS NOT NULL AND customer_id <> ''",
    )
  ).map((r) => r.customer_id);
  if (ids.length === 0) return 0;
  const root = join(db.lakeDir, "quarantine");
  const files = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".jsonl") ? [join(dir, e.name)] : [],
        )
      : [];
  let removed = 0;
  const positions: string[] = [];
  for (const file of LAYERS.flatMap((layer) => files(join(root, layer)))) {
    const lines = readFileSync(file, "utf8").split("\n");
    const purge = purgeQuarantineLines(lines, ids);
    if (purge.keep.length === lines.length) continue;
    removed += lines.length - purge.keep.length;
    positions.push(...purge.positions.map(([f, n]) => `(${sqlString(f)}, ${n})`));
    if (purge.keep.every((l) => l === "")) rmSync(file);
    else {
      writeFileSync(file + ".tmp", purge.keep.join("\n"));
      renameSync(file + ".tmp", file);
    }
  }
  if (positions.length > 0) await db.exec(`INSERT INTO __erased_landing VALUES ${positions.join(", ")}`);
  return removed;
}

/**
 * Erasure reaches the raw landing files: each JSONL line whose bronze row was erased this run becomes an empty
 * line (written to .tmp, then renamed). Returns how many lines were blanked.
 */
export async function purgeErasedLandingLines(db: DuckDbSession): Promise<number> {
  if (db.erasures === 0) return 0;
  const rows = await db.query<{ source_file: string; lines: number[] }>(
    `SELECT source_file, list(DISTINCT CAST(line_no AS INTEGER)) AS lines FROM __erased_landing
       WHERE source_file IS NOT NULL AND line_no IS NOT NULL GROUP BY source_file ORDER BY source_file`,
  );
  let lines = 0;
  for (const row of rows) {
    const path = resolve(db.lakeDir, row.source_file);
    // Only files inside the lake's landing zone (source_file comes from the table, not from a user).
    if (!path.startsWith(join(db.lakeDir, "landing") + "/") || !existsSync(path)) continue;
    const text = readFileSync(path, "utf8").split("\n");
    const blanked = blankLines(text, row.lines);
    if (blanked === 0) continue;
    writeFileSync(path + ".tmp", text.join("\n"));
    renameSync(path + ".tmp", path);
    lines += blanked;
  }
  return lines;
}
