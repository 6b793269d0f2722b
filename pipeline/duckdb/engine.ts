/**
 * DuckDB engine adapter: runs one layer of models over the local lake (Parquet tables under lake/<layer>/<table>/).
 * Landing discovery and reading: landing.ts; stage, expectations and materialization: materialize.ts and
 * expectations.ts; erasure: erasure.ts; the session and its relations: session.ts. Engine-neutral rules (model
 * graph, parameters, expectation and erasure semantics, the run summary) are in ../core/.
 */
import type { LayerRun } from "../core/adapter";
import { mergeResults } from "../core/expectations";
import {
  dataQualityScores,
  type ExpectationRecord,
  failError,
  type LayerSummary,
  type ModelRunRecord,
  type ModelSummary,
  runRecords,
  runRecordStem,
} from "../core/summary";
import type { ModelRunResult, RunContext } from "../core/types";
import { LAYERS, type Model } from "../models";
import { purgeErasedLandingLines, purgeErasedQuarantine, registerErasure } from "./erasure";
import {
  dropLandingPrefetch,
  landingBatches,
  type LandingFile,
  listLanding,
  prefetchLanding,
  useLanding,
} from "./landing";
import { defineView, runModel } from "./materialize";
import { DuckDbSession, sqlString } from "./session";

/** The gold model whose rows of this load the gold summary carries (BATCH_DATA_QUALITY in contracts/metrics.ts). */
const DATA_QUALITY_MODEL = "gold.data_quality_scores";

/** Runs `run.models` of one layer on a fresh DuckDB session; fills `summary` (models, erasure counts, status). */
export async function runDuckDbLayer(run: LayerRun, summary: LayerSummary): Promise<void> {
  const { layer, rc } = run;
  // Views store nothing and report no rows: defined first (see below), left out of the per-model runs.
  const views = run.models.filter((m) => m.materialized === "view");
  const models = run.models.filter((m) => m.materialized !== "view");
  const db = await DuckDbSession.open(run.lakeDir);
  try {
    await db.attachLake(LAYERS);
    await db.registerRunContext(rc);
    await registerErasure(db);
    await db.registerControl();
    for (const view of views) await defineView(db, view);
    const landingFiles =
      layer === "bronze" ? await listLanding(db, rc.windowStartDate, rc.windowEndDate) : [];
    // Landing files are read in batches of about C360_BRONZE_BATCH_MB (default 256) so memory stays bounded.
    const batchBytes = Number(process.env.C360_BRONZE_BATCH_MB ?? 256) * 2 ** 20;
    for (const [i, model] of models.entries()) {
      run.onProgress?.({ layer, model: model.id, phase: "start", index: i + 1, total: models.length });
      const t0 = Date.now();
      const r = model.inputs.includes("landing_records")
        ? await runOnLanding(db, model, rc, landingBatches(landingFiles, batchBytes))
        : await runModel(db, model, rc);
      const ms: ModelSummary = {
        model: model.id,
        layer,
        materialization: model.materialized,
        rowsIn: r.rowsIn,
        rowsOut: r.rowsOut,
        rowsWritten: r.rowsWritten,
        quarantined: r.quarantined,
        expectations: r.expectations,
        durationMs: Date.now() - t0,
      };
      summary.models.push(ms);
      run.onProgress?.({
        layer,
        model: model.id,
        phase: "done",
        index: i + 1,
        total: models.length,
        summary: ms,
      });
      if (r.failedExpectations.length > 0) {
        summary.status = "failed";
        summary.error = failError(model.id, r.failedExpectations);
        break;
      }
    }
    if (summary.status === "succeeded") summary.erasedQuarantineRecords = await purgeErasedQuarantine(db);
    if (summary.status === "succeeded" && models.some((m) => m.id === DATA_QUALITY_MODEL))
      summary.dataQuality = dataQualityScores(
        await db.query(
          `SELECT * FROM ${DATA_QUALITY_MODEL} WHERE load_id = ${sqlString(rc.loadId)} ORDER BY table_name`,
        ),
      );
    if (summary.status === "succeeded" && layer === "bronze")
      summary.erasedLandingLines = await purgeErasedLandingLines(db);
    await recordRun(db, summary, rc);
    if (summary.status === "succeeded" && layer === "bronze" && landingFiles.length > 0) {
      await db.writeControl(
        "loaded_files",
        rc.loadId,
        landingFiles
          .map((f) => `SELECT ${sqlString(f.rel)} AS source_file, ${sqlString(rc.loadId)} AS load_id`)
          .join(" UNION ALL "),
      );
    }
  } finally {
    db.close();
  }
}

/**
 * A landing model over every batch: batch n+1 is split (prefetchLanding, single-threaded) while batch n runs.
 * A model keyed by source file (bronze.events: source_file, line_no) can only find a staged key in its table when
 * the batch has a file already there (an earlier run that wrote the table but failed before control/loaded_files):
 * each file of the run is in one batch. Other batches skip the anti-join against the table, which grew with every
 * batch and made the bronze run quadratic in the number of batches.
 */
async function runOnLanding(
  db: DuckDbSession,
  model: Model,
  rc: RunContext,
  batches: ReturnType<typeof landingBatches>,
): Promise<ModelRunResult> {
  const inTable = model.uniqueKey.includes("source_file")
    ? await filesInTable(db, model.id, batches.flat())
    : undefined;
  let r: ModelRunResult | undefined;
  let next: Promise<void> | undefined = prefetchLanding(db, batches[0]!, 0);
  try {
    for (const [part] of batches.entries()) {
      await next;
      await useLanding(db, part);
      next = part + 1 < batches.length ? prefetchLanding(db, batches[part + 1]!, part + 1) : undefined;
      // A rejected prefetch is awaited (and thrown) with the next batch; never left unhandled.
      next?.catch(() => undefined);
      const keysNew = inTable !== undefined && !batches[part]!.some((f) => inTable.has(f.rel));
      const b = await runModel(db, model, rc, { part, keysNew, last: part === batches.length - 1 });
      r = r ? mergeResults(r, b) : b;
      if (b.failedExpectations.length > 0) break;
    }
  } finally {
    // Appended batches leave the table's view as it was (installStage): one re-point for all of them.
    await db.pointTableView(model.layer, model.name);
  }
  await next;
  await dropLandingPrefetch(db, batches.length);
  if (!r) throw new Error(`${model.id} did not run`);
  return r;
}

/** Which of `files` (by lake-relative path) have rows in the table `id` already; empty when it does not exist. */
async function filesInTable(db: DuckDbSession, id: string, files: LandingFile[]): Promise<Set<string>> {
  if (files.length === 0 || !(await db.relationExists(id))) return new Set();
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE __run_files AS SELECT unnest([${files.map((f) => sqlString(f.rel)).join(", ")}]) AS source_file`,
  );
  const rows = await db.query<{ source_file: string }>(
    `SELECT DISTINCT t.source_file FROM ${id} AS t SEMI JOIN __run_files AS f ON t.source_file = f.source_file`,
  );
  await db.exec("DROP TABLE __run_files");
  return new Set(rows.map((row) => row.source_file));
}

/** control/model_runs and control/expectation_results of this layer run, one Parquet file each (per run). */
async function recordRun(db: DuckDbSession, s: LayerSummary, rc: RunContext): Promise<void> {
  if (s.models.length === 0) return;
  const records = runRecords(s, rc);
  const stem = runRecordStem(s, rc);
  const at = `CAST(${sqlString(rc.runAt)} AS TIMESTAMPTZ) AS run_at`;
  const date = (v: string | null) => (v === null ? "CAST(NULL AS DATE)" : `DATE ${sqlString(v)}`);
  const head = (r: ModelRunRecord | ExpectationRecord) =>
    `SELECT ${sqlString(r.load_id)} AS load_id, ${sqlString(r.layer)} AS layer, ${sqlString(r.model)} AS model`;
  const window = (r: ModelRunRecord | ExpectationRecord) =>
    `${date(r.window_start_date)} AS window_start_date, ${date(r.window_end_date)} AS window_end_date`;
  const big = (n: number, name: string) => `CAST(${n} AS BIGINT) AS ${name}`;
  await db.writeControl(
    "model_runs",
    stem,
    records.models
      .map(
        (m) =>
          `${head(m)}, ${big(m.rows_in, "rows_in")}, ${big(m.rows_out, "rows_out")}, ${big(m.rows_written, "rows_written")}, ${big(m.quarantined, "quarantined")}, ${at}, ${window(m)}`,
      )
      .join(" UNION ALL "),
  );
  if (records.expectations.length > 0)
    await db.writeControl(
      "expectation_results",
      stem,
      records.expectations
        .map(
          (e) =>
            `${head(e)}, ${sqlString(e.rule)} AS rule, ${sqlString(e.code)} AS code, ${sqlString(e.action)} AS action, ${big(e.failed, "failed")}, ${big(e.rows_in, "rows_in")}, ${at}, ${window(e)}`,
        )
        .join(" UNION ALL "),
    );
}
