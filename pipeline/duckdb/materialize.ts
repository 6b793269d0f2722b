/**
 * Materialization on DuckDB: stage a model's SELECT, check its expectations, quarantine, then write the table as
 * Parquet: full replace, MERGE on the unique key (insert-only models append a file), or SCD2 versions.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

import { exportPath } from "../../contracts";
import { allPass, dropRules, failedRules } from "../core/expectations";
import type { ModelRunResult, RunContext } from "../core/types";
import type { Model } from "../models";
import { erasedRows, eraseRows, noteErasedLanding } from "./erasure";
import { checkExpectations, quarantine } from "./expectations";
import { type DuckDbSession, ident, sqlString } from "./session";
import { sliceModel } from "./sliced";
import { dropStage, type InstallMode, installStage, stageDir, stageScan, streamStage } from "./stage";
import { dropStagedCtes, stageCtes } from "./staged-cte";

/**
 * Parquet writer options per layer. Bronze rows are mostly unique long strings (the raw record, the payload):
 * trying a dictionary for them is wasted work (writes 20–25% faster without, files ~2% larger), and LZ4_RAW
 * compresses them with ~15% less CPU than the default Snappy at a smaller size. Silver and gold keep the
 * defaults: their enum-like columns compress and scan better with dictionaries.
 */
function parquetOptions(layer: string): string {
  const rowGroup = `ROW_GROUP_SIZE ${process.env.C360_PARQUET_ROW_GROUP ?? 16384}`;
  return layer === "bronze"
    ? `FORMAT PARQUET, STRING_DICTIONARY_PAGE_SIZE_LIMIT 1, COMPRESSION lz4_raw, ${rowGroup}`
    : `FORMAT PARQUET, ${rowGroup}`;
}

/** Where a run of a landing model is among its batches. */
export interface LandingBatch {
  part: number;
  keysNew: boolean;
  last: boolean;
}

/**
 * A view model: defined over the relations it reads (the run's window and erasure tables included), inlined
 * into each reader's plan, so filters such as a reader's event type reach the Parquet scans.
 */
export async function defineView(db: DuckDbSession, model: Model): Promise<void> {
  await db.exec(`CREATE OR REPLACE VIEW ${model.layer}.${ident(model.name)} AS ${model.sql}`);
}

/**
 * Runs one model: stage its SELECT, check expectations, quarantine, materialize, write Parquet.
 * `batch`: one of several landing batches (see runOnLanding). `keysNew`: the caller knows no staged key is in the
 * table yet, so an insert-only MERGE skips its anti-join against the table. Only the last batch counts the table's
 * rows (rowsOut): counting after every batch re-read a table that grew with each one.
 */
export async function runModel(
  db: DuckDbSession,
  model: Model,
  rc: RunContext,
  batch: LandingBatch = { part: 0, keysNew: false, last: true },
): Promise<ModelRunResult> {
  if (model.materialized === "view") throw new Error(`${model.id} is a view: defineView, not runModel`);
  const cteDir = stageDir(db, `${model.id}.ctes`);
  try {
    return await materializeModel(db, await stageCtes(db, model, cteDir), rc, batch);
  } finally {
    dropStagedCtes(cteDir);
  }
}

/** runModel once the model's `@stage_cte` CTEs are on disk (stageCtes): `model.sql` reads them from there. */
async function materializeModel(
  db: DuckDbSession,
  model: Model,
  rc: RunContext,
  batch: LandingBatch,
): Promise<ModelRunResult> {
  const { part, keysNew } = batch;
  const target = `${model.layer}.${model.name}`;
  const exists = await db.relationExists(target);
  // Straight from the stage to Parquet (a full model, or an incremental one's first run): nothing to merge with.
  const straight = model.materialized !== "scd2" && (model.materialized === "full" || !exists);
  // An insert-only model's batch whose keys are all new (see runOnLanding) appends its rows as they are.
  const appendNew = exists && keysNew && model.materialized === "incremental" && !model.updateWhen;
  const slices = await sliceModel(db, model);
  if ((straight || appendNew) && !erasedRows(db, model))
    return runStreamed(
      db,
      model,
      slices,
      rc,
      straight ? (exists ? "replace" : "create") : "append",
      batch.last,
    );
  // A later landing batch reads the table: its view has to show what the earlier batches appended (installStage
  // leaves the view as it was when appending; runOnLanding re-points it once, after the last batch).
  if (part > 0 && exists) await db.pointTableView(model.layer, model.name);
  await db.exec(`CREATE OR REPLACE TEMP TABLE __stage AS ${slices[0]}`);
  for (const slice of slices.slice(1)) await db.exec(`INSERT INTO __stage ${slice}`);
  const rowsIn = await db.count("SELECT * FROM __stage");
  const stageTypes = await db.columnTypes("__stage");
  const cols = [...stageTypes.keys()];
  const expectations = await checkExpectations(db, model, "__stage");
  const failedExpectations = failedRules(expectations);
  if (failedExpectations.length > 0)
    return { rowsIn, rowsOut: 0, rowsWritten: 0, quarantined: 0, expectations, failedExpectations };

  const drops = dropRules(model);
  let quarantined = 0;
  if (drops.length > 0) {
    // An erased customer's failing rows are dropped without a quarantine copy (they are deleted below anyway).
    const erased = erasedRows(db, model);
    const notErased = erased ? ` AND NOT coalesce(${erased}, false)` : "";
    quarantined = await quarantine(
      db,
      model,
      rc,
      `SELECT * FROM __stage WHERE NOT (${allPass(drops)})${notErased}`,
      stageTypes,
    );
    await db.exec(`DELETE FROM __stage WHERE NOT (${allPass(drops)})`);
  }

  await checkOneRowPerKey(db, model, "__stage");
  let rowsWritten: number;
  const erase = (rel: string) => eraseRows(db, model, rel);
  if (straight) {
    // Straight from the stage to Parquet: no intermediate copy of the table.
    await erase("__stage");
    rowsWritten = await db.count("SELECT * FROM __stage");
    await writeTable(db, model.layer, model.name, "__stage", exists);
  } else if (model.materialized === "incremental" && !model.updateWhen) {
    // Insert-only MERGE (no @update_when: matched rows are kept): anti-join on the key columns and append the
    // new rows as one more Parquet file, instead of rewriting the table. Same result as
    // MERGE ... WHEN NOT MATCHED THEN INSERT.
    const on = model.uniqueKey.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(" AND ");
    const keys = model.uniqueKey.map(ident).join(", ");
    if (!keysNew)
      await db.exec(
        `DELETE FROM __stage AS s WHERE EXISTS (SELECT 1 FROM (SELECT ${keys} FROM ${target}) AS t WHERE ${on})`,
      );
    await erase("__stage");
    rowsWritten = await db.count("SELECT * FROM __stage");
    // A model that gained a column appends even when no row is new: the (empty) file carries the new column,
    // so downstream models can read it right away.
    if (rowsWritten > 0 || (await newColumns(db, target, stageTypes)).length > 0)
      await appendTable(db, model.layer, model.name, "__stage", rc.loadId);
    // Rows already in the table are checked once per run (on the first landing batch): later batches' rows were
    // filtered in the stage above.
    if (part === 0) await eraseExisting(db, model, target);
  } else if (model.materialized === "incremental") {
    await replaceTable(db, target, `SELECT * FROM ${target}`, exists);
    // Additive schema evolution (see newColumns): NULL in the rows already there.
    for (const [col, type] of await newColumns(db, target, stageTypes))
      await db.exec(`ALTER TABLE ${target} ADD COLUMN ${ident(col)} ${type}`);
    const on = model.uniqueKey.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(" AND ");
    const set = cols.map((c) => `${ident(c)} = s.${ident(c)}`).join(", ");
    const res = await db.query<{ Count: string }>(
      `MERGE INTO ${target} AS t USING __stage AS s ON ${on}
         WHEN MATCHED${model.updateWhen ? ` AND (${model.updateWhen})` : ""} THEN UPDATE SET ${set}
         WHEN NOT MATCHED THEN INSERT (${cols.map(ident).join(", ")}) VALUES (${cols.map((c) => `s.${ident(c)}`).join(", ")})`,
    );
    rowsWritten = Number(res[0]?.Count ?? 0);
    await erase(target);
    await writeTable(db, model.layer, model.name, target, true);
  } else {
    // The versions as they were, in the model's current shape (typed NULLs for columns it gained since): input
    // of the SCD2 rebuild and the base for counting what this run wrote.
    if (exists)
      await db.exec(`CREATE OR REPLACE TEMP TABLE __existing AS
          SELECT ${await projectOnto(db, target, stageTypes)}, valid_to, is_current FROM ${target}`);
    await materializeScd2(db, model, target, cols, exists ? "__existing" : undefined);
    await erase(target);
    rowsWritten = exists
      ? await db.count(`SELECT * FROM ${target} EXCEPT ALL SELECT * FROM __existing`)
      : await db.count(`SELECT * FROM ${target}`);
    // Dropped here: left to the end of the layer it held every earlier version in memory beside the later models.
    await db.exec("DROP TABLE IF EXISTS __existing");
    await writeTable(db, model.layer, model.name, target, true);
  }
  await db.exec("DROP TABLE IF EXISTS __stage");
  const rowsOut = batch.last ? await db.count(`SELECT * FROM ${target}`) : 0;
  if (model.exportFormat === "jsonl") await exportJsonLines(db, model, target, rc.loadId);
  return { rowsIn, rowsOut, rowsWritten, quarantined, expectations, failedExpectations };
}

/**
 * The straight-write path (and an insert-only batch of new keys) with the stage streamed to Parquet (stage.ts): the
 * model's rows are written once, split by the drop rules; the failing part goes to the quarantine and the passing
 * part becomes the table's files as written (`create`/`replace`), or more of its files (`append`).
 * Same results as the in-memory path (which erasure runs and MERGE/SCD2 keep), without holding the stage in memory.
 */
async function runStreamed(
  db: DuckDbSession,
  model: Model,
  slices: string[],
  rc: RunContext,
  mode: InstallMode,
  countRows: boolean,
): Promise<ModelRunResult> {
  const options = parquetOptions(model.layer);
  const stage = await streamStage(db, model, options, slices);
  try {
    await db.exec(
      `CREATE OR REPLACE TEMP VIEW __stage AS ${stageScan(stage, [...stage.passed, ...stage.failed])}`,
    );
    const rowsIn = await db.count("SELECT * FROM __stage");
    const expectations = await checkExpectations(db, model, "__stage");
    const failedExpectations = failedRules(expectations);
    if (failedExpectations.length > 0)
      return { rowsIn, rowsOut: 0, rowsWritten: 0, quarantined: 0, expectations, failedExpectations };
    const quarantined =
      stage.failed.length > 0
        ? await quarantine(db, model, rc, stageScan(stage, stage.failed), stage.types)
        : 0;
    await db.exec(`CREATE OR REPLACE TEMP VIEW __stage AS ${stageScan(stage, stage.passed)}`);
    await checkOneRowPerKey(db, model, "__stage");
    const rowsWritten = await db.count("SELECT * FROM __stage");
    await db.exec("DROP VIEW __stage");
    const target = `${model.layer}.${model.name}`;
    // An append without rows still writes a file when the model gained a column (the in-memory path's rule).
    const gained =
      mode === "append" && rowsWritten === 0 && (await newColumns(db, target, stage.types)).length > 0;
    if (mode !== "append" || rowsWritten > 0 || gained)
      await installStage(db, stage, model.layer, model.name, mode, options, rc.loadId);
    // Appending one landing batch of several leaves the view as it was (installStage): re-pointed to read the table.
    if (mode === "append" && (countRows || model.exportFormat !== undefined))
      await db.pointTableView(model.layer, model.name);
    if (model.exportFormat === "jsonl") await exportJsonLines(db, model, target, rc.loadId);
    const rowsOut =
      mode !== "append" ? rowsWritten : countRows ? await db.count(`SELECT * FROM ${target}`) : 0;
    return { rowsIn, rowsOut, rowsWritten, quarantined, expectations, failedExpectations };
  } finally {
    await db.exec("DROP VIEW IF EXISTS __stage");
    dropStage(stage);
  }
}

/**
 * MERGE with updates needs one source row per key (Delta raises otherwise); insert-only MERGE does not. The keys are
 * grouped by their 64-bit hash first (a repeated key repeats its hash): silver.order_items' 21M (order id, item id)
 * pairs at 10M orders group in 3.3–3.5 s as hashes against 4.2–4.5 s as strings. Only keys whose hash repeats are
 * grouped again by value, so a hash collision is not mistaken for a duplicate.
 */
export async function checkOneRowPerKey(db: DuckDbSession, model: Model, stage: string): Promise<void> {
  if (model.materialized !== "incremental" || !model.updateWhen) return;
  const keys = model.uniqueKey.map(ident).join(", ");
  const repeatedHashes = `SELECT __h FROM (SELECT hash(${keys}) AS __h FROM ${stage}) GROUP BY __h HAVING count(*) > 1`;
  if ((await db.count(repeatedHashes)) === 0) return;
  const dup = await db.count(
    `SELECT ${keys} FROM ${stage} WHERE hash(${keys}) IN (${repeatedHashes}) GROUP BY ${keys} HAVING count(*) > 1`,
  );
  if (dup > 0)
    throw new Error(
      `${model.layer}.${model.name}: the model returned ${dup} duplicate keys (${keys}); MERGE needs one row per key`,
    );
}

/**
 * `@export jsonl`: the table as newline-delimited JSON in `<layer>/_exports/<name>/load_id=<id>/part-00000.json`
 * (written beside and renamed, so a reader never sees half a file; the folder is replaced on a rerun of the load).
 */
async function exportJsonLines(
  db: DuckDbSession,
  model: Model,
  target: string,
  loadId: string,
): Promise<void> {
  const dir = join(db.lakeDir, model.layer, exportPath(model.name, loadId));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "part-00000.json");
  await db.exec(`COPY (SELECT * FROM ${target}) TO ${sqlString(file + ".tmp")} (FORMAT JSON)`);
  renameSync(file + ".tmp", file);
}

/** Insert-only tables: rows already in the table that belong to erased customers, removed by a rewrite. */
async function eraseExisting(db: DuckDbSession, model: Model, target: string): Promise<void> {
  const erased = erasedRows(db, model);
  if (!erased || (await db.count(`SELECT 1 FROM ${target} WHERE ${erased}`)) === 0) return;
  await replaceTable(db, target, `SELECT * FROM ${target}`, true);
  if (model.inputs.includes("landing_records"))
    await noteErasedLanding(db, `SELECT * FROM ${target} WHERE ${erased}`);
  await db.exec(`DELETE FROM ${target} WHERE ${erased}`);
  await writeTable(db, model.layer, model.name, target, true);
}

/**
 * Schema evolution, additive only: the columns the model now returns but the existing table lacks, with their
 * types. Runs add them (NULL in the rows already there), as Delta's schema auto-merge does on Databricks;
 * columns the model no longer returns stay in the table and get NULL in new rows.
 */
async function newColumns(
  db: DuckDbSession,
  target: string,
  stageTypes: Map<string, string>,
): Promise<[string, string][]> {
  const have = await db.columnTypes(target);
  return [...stageTypes].filter(([c]) => !have.has(c));
}

/** Select list of the stage's columns read from `target`, typed NULLs for those `target` does not have yet. */
async function projectOnto(
  db: DuckDbSession,
  target: string,
  stageTypes: Map<string, string>,
): Promise<string> {
  const have = await db.columnTypes(target);
  return [...stageTypes]
    .map(([c, type]) => (have.has(c) ? ident(c) : `CAST(NULL AS ${type}) AS ${ident(c)}`))
    .join(", ");
}

/** Makes `target` a DuckDB table holding `selectSql` (it may be a view over Parquet before). */
async function replaceTable(
  db: DuckDbSession,
  target: string,
  selectSql: string,
  exists: boolean,
): Promise<void> {
  await db.exec(`CREATE OR REPLACE TEMP TABLE __replacement AS ${selectSql}`);
  if (exists) await db.dropRelation(target);
  await db.exec(`CREATE TABLE ${target} AS SELECT * FROM __replacement`);
  await db.exec(`DROP TABLE __replacement`);
}

/**
 * SCD2: existing versions ∪ new versions, one row per (key, valid_from), consecutive versions with the same
 * compare value collapsed, then valid_to = next version's valid_from and is_current on the last one.
 * Re-applying the same versions changes nothing (idempotent); versions arriving late slot into place.
 * `existing`: the table's versions in the stage's shape, undefined when the table does not exist yet.
 */
async function materializeScd2(
  db: DuckDbSession,
  model: Model,
  target: string,
  cols: string[],
  existing: string | undefined,
): Promise<void> {
  const keys = model.uniqueKey.map(ident).join(", ");
  const vf = ident(model.validFrom!);
  const cmp = ident(model.compare!);
  const list = cols.map(ident).join(", ");
  await replaceTable(
    db,
    target,
    `WITH all_versions AS (
         SELECT ${list}, 0 AS __src FROM ${existing ?? "__stage WHERE false"} UNION ALL SELECT ${list}, 1 AS __src FROM __stage),
       one_per_instant AS (
         SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ${keys}, ${vf} ORDER BY ${cmp} DESC, __src ASC) AS __rn
                        FROM all_versions) WHERE __rn = 1),
       changes AS (
         SELECT *, lag(${cmp}) OVER (PARTITION BY ${keys} ORDER BY ${vf}) AS __prev FROM one_per_instant)
       SELECT ${list}, lead(${vf}) OVER (PARTITION BY ${keys} ORDER BY ${vf}) AS valid_to,
              lead(${vf}) OVER (PARTITION BY ${keys} ORDER BY ${vf}) IS NULL AS is_current
       FROM changes WHERE __prev IS NULL OR __prev <> ${cmp}`,
    existing !== undefined,
  );
}

/** Adds `source` to the table as one more Parquet file and re-points the view at all of the table's files. */
async function appendTable(
  db: DuckDbSession,
  layer: string,
  name: string,
  source: string,
  loadId: string,
): Promise<void> {
  const dir = db.tableDir(layer, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `part-${loadId}-${Date.now()}.parquet`);
  await db.exec(`COPY (SELECT * FROM ${source}) TO ${sqlString(file + ".tmp")} (${parquetOptions(layer)})`);
  renameSync(file + ".tmp", file);
  await db.pointTableView(layer, name);
}

/**
 * Writes `source` as the table's one Parquet file (to .tmp, then renamed: readers never see a half file) and
 * re-points `<layer>.<name>` at it as a view, so the rows leave memory before the next model runs.
 */
async function writeTable(
  db: DuckDbSession,
  layer: string,
  name: string,
  source: string,
  exists: boolean,
): Promise<void> {
  const dir = db.tableDir(layer, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "part-00000.parquet");
  await db.exec(`COPY (SELECT * FROM ${source}) TO ${sqlString(file + ".tmp")} (${parquetOptions(layer)})`);
  const target = `${layer}.${name}`;
  if (exists || source === target) await db.dropRelation(target);
  for (const f of readdirSync(dir)) if (f.endsWith(".parquet")) rmSync(join(dir, f));
  renameSync(file + ".tmp", file);
  await db.exec(`CREATE OR REPLACE VIEW ${target} AS SELECT * FROM read_parquet(${sqlString(file)})`);
}
