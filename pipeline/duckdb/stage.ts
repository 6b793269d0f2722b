/**
 * A model's stage streamed to Parquet: on the straight-write path (a full model, or the first run of an incremental
 * one, with nobody to erase) the model's SELECT goes to Parquet in one pass, split by the model's drop rules into the
 * rows that pass (the table's new files, moved into place as they are) and the rows that fail (what the quarantine
 * reads). Nothing holds the whole stage in memory: a temp table of tens of millions of wide rows spilled past the
 * memory limit and was read back twice more (quarantine, write); see docs/pipeline.md (2026-12-06, 10M orders).
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

import { allPass, dropRules } from "../core/expectations";
import type { Model } from "../models";
import { type DuckDbSession, ident, parquetFiles, sqlString } from "./session";

/** The column the stage is split by; a partition folder name, never written into the files. */
const PASS = "__pass";

export interface StreamedStage {
  /** Where the stage's files are: `<dir>/__pass=true/*.parquet`, `<dir>/__pass=false/*.parquet` (per slice: `<dir>/slice-<i>/…`). */
  dir: string;
  passed: string[];
  failed: string[];
  /** The stage's columns and types (also when it has no rows). */
  types: Map<string, string>;
}

/** A model run's work folder `name` (under control/_stage, beside DuckDB's spill folder). */
export const stageDir = (db: DuckDbSession, name: string): string =>
  join(db.lakeDir, "control", "_stage", name);

/**
 * Writes the model's SELECT to its stage folder with `options` (the table's Parquet options), split by whether each
 * row passes every drop rule (a model without drop rules: every row passes). `slices`: the SELECT as one statement
 * per slice (sliceModel), written one after the other into the same stage.
 */
export async function streamStage(
  db: DuckDbSession,
  model: Model,
  options: string,
  slices: string[],
): Promise<StreamedStage> {
  const dir = stageDir(db, model.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const drops = dropRules(model);
  const pass = drops.length > 0 ? allPass(drops) : "true";
  // The model's text on lines of its own: a comment on its last line must not swallow the closing parenthesis.
  const select = (sql: string) => `(\n${sql}\n)`;
  const types = await db.columnTypes(select(slices[0]!));
  const parts = slices.map((_, i) => (slices.length > 1 ? join(dir, `slice-${i}`) : dir));
  for (const [i, sql] of slices.entries())
    await db.exec(
      `COPY (SELECT *, (${pass}) AS ${PASS} FROM ${select(sql)}) TO ${sqlString(parts[i]!)} (${options}, PARTITION_BY (${PASS}))`,
    );
  return {
    dir,
    passed: parts.flatMap((p) => parquetFiles(join(p, `${PASS}=true`))),
    failed: parts.flatMap((p) => parquetFiles(join(p, `${PASS}=false`))),
    types,
  };
}

/**
 * `files` as a SELECT with the stage's columns; a typed empty relation when there are none (COPY writes no file for
 * a partition without rows).
 */
export function stageScan(stage: StreamedStage, files: string[]): string {
  // hive_partitioning off: the files' folder names (__pass=…) are not a column of the stage.
  if (files.length > 0)
    return `SELECT * FROM read_parquet([${files.map(sqlString).join(", ")}], hive_partitioning = false)`;
  const typed = [...stage.types].map(([c, t]) => `CAST(NULL AS ${t}) AS ${ident(c)}`).join(", ");
  return `SELECT ${typed} WHERE false`;
}

/** create: a new table; replace: the stage's files replace the table's; append: they are added to them. */
export type InstallMode = "create" | "replace" | "append";

/**
 * Makes the stage's passing files the table `<layer>.<name>`'s (mode): earlier files are removed unless appending,
 * the new ones moved in (renamed: readers never see half a file) and the view re-pointed at all of the table's
 * files — except when appending: an append is one landing batch of several, and binding the view reads every file's
 * schema, so re-pointing it after each of 86 batches was quadratic in the table's file count. The caller re-points
 * it when it reads the table (runStreamed on the last batch, runOnLanding after the loop). A stage without passing rows writes an empty file with the stage's columns, so the table exists (or gains
 * its new columns) and downstream models can read it.
 */
export async function installStage(
  db: DuckDbSession,
  stage: StreamedStage,
  layer: string,
  name: string,
  mode: InstallMode,
  options: string,
  loadId: string,
): Promise<void> {
  const target = `${layer}.${name}`;
  const dir = db.tableDir(layer, name);
  mkdirSync(dir, { recursive: true });
  let files = stage.passed;
  if (files.length === 0) {
    const empty = join(stage.dir, "empty.parquet");
    await db.exec(`COPY (${stageScan(stage, [])}) TO ${sqlString(empty)} (${options})`);
    files = [empty];
  }
  if (mode === "replace") await db.dropRelation(target);
  if (mode !== "append") for (const f of readdirSync(dir)) if (f.endsWith(".parquet")) rmSync(join(dir, f));
  // Appended files are named by load and time, after the table's first file (part-00000…) in name order.
  const stem = mode === "append" ? `part-${loadId}-${Date.now()}-` : "part-";
  files.forEach((f, i) => renameSync(f, join(dir, `${stem}${String(i).padStart(5, "0")}.parquet`)));
  if (mode !== "append") await db.pointTableView(layer, name);
}

/** Removes the stage's folder (what installStage did not move). */
export function dropStage(stage: StreamedStage): void {
  rmSync(stage.dir, { recursive: true, force: true });
}
