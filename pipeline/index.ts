/**
 * Runner API of the batch path (docs/pipeline.md): run one medallion layer, or all three, on the embedded
 * DuckDB engine over the local lake directory. The ADF local executor maps each DatabricksNotebook activity
 * (notebooks/bronze.py, silver.py, gold.py) to `runLayer`.
 */
import { localLakeDir } from "../contracts";
import { DuckDbEngine, type ExpectationResult, type ModelRunResult, type RunContext } from "./duckdb/engine";
import { type Layer, LAYERS, loadModels, type Materialization } from "./models";

export type { ExpectationResult } from "./duckdb/engine";
export type { Layer } from "./models";
export { LAYERS, loadAllModels, loadModels } from "./models";

export interface RunParams {
  lakeDir?: string;
  loadId?: string;
  windowStart?: string;
  windowEnd?: string;
  environment?: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Directory of the SQL models (default: the repository's models/); tests point it at variants. */
  modelsDir?: string;
}

export interface ProgressEvent {
  layer: Layer;
  model: string;
  phase: "start" | "done";
  index: number;
  total: number;
  summary?: ModelSummary;
}

export interface ModelSummary {
  model: string;
  layer: Layer;
  materialization: Materialization;
  rowsIn: number;
  rowsOut: number;
  rowsWritten: number;
  quarantined: number;
  expectations: ExpectationResult[];
  durationMs: number;
}

export interface LayerSummary {
  layer: Layer;
  loadId: string;
  windowStart?: string;
  windowEnd?: string;
  status: "succeeded" | "failed";
  error?: string;
  models: ModelSummary[];
  /** Bronze: landing lines of erased customers blanked in the landing files this run (see docs/pipeline.md). */
  erasedLandingLines?: number;
  /** Batch quarantine records naming an erased customer, removed by this run (purgeErasedQuarantine). */
  erasedQuarantineRecords?: number;
  durationMs: number;
}

export interface PipelineSummary {
  loadId: string;
  status: "succeeded" | "failed";
  layers: LayerSummary[];
  durationMs: number;
}

export function defaultLoadId(at = new Date()): string {
  return `load_${at.toISOString().replace(/[-:]/g, "").slice(0, 15)}`;
}

/** `2024-05-01`, `2024-05-01T10:00:00Z` → `2024-05-01` (the ingest_date partition of the instant, UTC). */
function windowDate(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === "") return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${name} is not an ISO date or timestamp: ${v}`);
  return d.toISOString().slice(0, 10);
}

function runContext(params: RunParams, loadId: string): RunContext {
  const windowStartDate = windowDate(params.windowStart, "windowStart");
  const windowEndDate = windowDate(params.windowEnd, "windowEnd");
  const now = new Date();
  return {
    loadId,
    runAt: now.toISOString(),
    windowStartDate,
    windowEndDate,
    // Gold's "today" (recency, days since): the window end when given, so re-running a window is reproducible.
    asOfDate: windowEndDate ?? now.toISOString().slice(0, 10),
    environment: params.environment ?? "local",
  };
}

const esc = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export async function runLayer(layer: Layer, params: RunParams = {}): Promise<LayerSummary> {
  if (!LAYERS.includes(layer)) throw new Error(`unknown layer ${String(layer)}`);
  if (params.loadId !== undefined && !/^[A-Za-z0-9_.=-]+$/.test(params.loadId))
    throw new Error(`invalid load id (letters, digits, _ . = - only): ${params.loadId}`);
  const started = Date.now();
  const loadId = params.loadId ?? defaultLoadId();
  const summary: LayerSummary = {
    layer,
    loadId,
    windowStart: params.windowStart,
    windowEnd: params.windowEnd,
    status: "succeeded",
    models: [],
    durationMs: 0,
  };
  let engine: DuckDbEngine | undefined;
  try {
    const rc = runContext(params, loadId);
    const layerModels = loadModels(layer, params.modelsDir);
    // Views store nothing and report no rows: defined first (see below), left out of the per-model runs.
    const views = layerModels.filter((m) => m.materialized === "view");
    const models = layerModels.filter((m) => m.materialized !== "view");
    engine = await DuckDbEngine.open(params.lakeDir ?? localLakeDir());
    await engine.attachLake(LAYERS);
    await engine.registerRunContext(rc);
    await engine.registerErasure();
    await engine.registerControl();
    for (const view of views) await engine.defineView(view);
    const landingFiles =
      layer === "bronze" ? await engine.listLanding(rc.windowStartDate, rc.windowEndDate) : [];
    // Landing files are read in batches of about C360_BRONZE_BATCH_MB (default 256) so memory stays bounded.
    const batchBytes = Number(process.env.C360_BRONZE_BATCH_MB ?? 256) * 2 ** 20;
    for (const [i, model] of models.entries()) {
      params.onProgress?.({ layer, model: model.id, phase: "start", index: i + 1, total: models.length });
      const t0 = Date.now();
      let r: ModelRunResult | undefined;
      if (model.inputs.includes("landing_records")) {
        // Batch n+1 is split (prefetchLanding, single-threaded) while the model runs on batch n.
        const batches = DuckDbEngine.batches(landingFiles, batchBytes);
        let next: Promise<void> | undefined = engine.prefetchLanding(batches[0]!, 0);
        for (const [part] of batches.entries()) {
          await next;
          await engine.useLanding(part);
          next = part + 1 < batches.length ? engine.prefetchLanding(batches[part + 1]!, part + 1) : undefined;
          // A rejected prefetch is awaited (and thrown) with the next batch; never left unhandled.
          next?.catch(() => undefined);
          const b = await engine.runModel(model, rc, part);
          r = r ? mergeResults(r, b) : b;
          if (b.failedExpectations.length > 0) break;
        }
        await next;
        await engine.dropLandingPrefetch(batches.length);
      } else r = await engine.runModel(model, rc);
      if (!r) throw new Error(`${model.id} did not run`);
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
      params.onProgress?.({
        layer,
        model: model.id,
        phase: "done",
        index: i + 1,
        total: models.length,
        summary: ms,
      });
      if (r.failedExpectations.length > 0) {
        summary.status = "failed";
        summary.error = `${model.id}: fail expectation(s) not met: ${r.failedExpectations.join(", ")}`;
        break;
      }
    }
    if (summary.status === "succeeded")
      summary.erasedQuarantineRecords = await engine.purgeErasedQuarantine();
    if (summary.status === "succeeded" && layer === "bronze")
      summary.erasedLandingLines = await engine.purgeErasedLandingLines();
    await recordRun(engine, summary, rc);
    if (summary.status === "succeeded" && layer === "bronze" && landingFiles.length > 0) {
      await engine.writeControl(
        "loaded_files",
        loadId,
        landingFiles
          .map((f) => `SELECT ${esc(f.rel)} AS source_file, ${esc(loadId)} AS load_id`)
          .join(" UNION ALL "),
      );
    }
  } catch (e) {
    summary.status = "failed";
    summary.error = e instanceof Error ? e.message : String(e);
  } finally {
    engine?.close();
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

/** Sums the results of one model run over several landing batches. */
function mergeResults(a: ModelRunResult, b: ModelRunResult): ModelRunResult {
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

async function recordRun(engine: DuckDbEngine, s: LayerSummary, rc: RunContext): Promise<void> {
  if (s.models.length === 0) return;
  const at = `CAST(${esc(rc.runAt)} AS TIMESTAMPTZ)`;
  await engine.writeControl(
    "model_runs",
    `${s.loadId}-${s.layer}`,
    s.models
      .map(
        (m) =>
          `SELECT ${esc(s.loadId)} AS load_id, ${esc(s.layer)} AS layer, ${esc(m.model)} AS model, CAST(${m.rowsIn} AS BIGINT) AS rows_in, CAST(${m.rowsOut} AS BIGINT) AS rows_out, CAST(${m.rowsWritten} AS BIGINT) AS rows_written, CAST(${m.quarantined} AS BIGINT) AS quarantined, ${at} AS run_at`,
      )
      .join(" UNION ALL "),
  );
  const exp = s.models.flatMap((m) =>
    m.expectations.map(
      (e) =>
        `SELECT ${esc(s.loadId)} AS load_id, ${esc(s.layer)} AS layer, ${esc(m.model)} AS model, ${esc(e.name)} AS rule, ${esc(e.code)} AS code, ${esc(e.action)} AS action, CAST(${e.failed} AS BIGINT) AS failed, CAST(${m.rowsIn} AS BIGINT) AS rows_in, ${at} AS run_at`,
    ),
  );
  if (exp.length > 0)
    await engine.writeControl("expectation_results", `${s.loadId}-${s.layer}`, exp.join(" UNION ALL "));
}

export async function runPipeline(params: RunParams & { layers?: Layer[] } = {}): Promise<PipelineSummary> {
  const started = Date.now();
  const loadId = params.loadId ?? defaultLoadId();
  const layers: LayerSummary[] = [];
  for (const layer of params.layers ?? LAYERS) {
    const s = await runLayer(layer, { ...params, loadId });
    layers.push(s);
    if (s.status === "failed") break;
  }
  return {
    loadId,
    status: layers.every((l) => l.status === "succeeded") ? "succeeded" : "failed",
    layers,
    durationMs: Date.now() - started,
  };
}
