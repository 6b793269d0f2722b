/**
 * Runner API of the batch path (docs/pipeline.md): run one medallion layer, or all three, over the lake on an
 * engine adapter: DuckDB (embedded, default) or Spark (the Databricks runtime on a local SparkSession with Delta
 * Lake). The ADF local executor maps each DatabricksNotebook activity (notebooks/bronze.py, silver.py, gold.py) to
 * `runLayer`.
 */
import { localLakeDir } from "../contracts";
import { checkLoadId, defaultLoadId, runContext } from "./core/params";
import {
  type LayerSummary,
  type PipelineSummary,
  type ProgressEvent,
  startLayerSummary,
} from "./core/summary";
import { runDuckDbLayer } from "./duckdb/engine";
import { type ExportStepSummary, runDuckDbExports } from "./duckdb/export";
import { runLayerProcess } from "./duckdb/layer-process";
import { type Layer, LAYERS, loadModels } from "./models";
import { runSparkLayer, type ZoneRoots } from "./spark/engine";

export { defaultLoadId } from "./core/params";
export type { LayerSummary, ModelSummary, PipelineSummary, ProgressEvent } from "./core/summary";
export type { ExpectationResult } from "./core/types";
export type { Layer } from "./models";
export { LAYERS, loadAllModels, loadModels } from "./models";
export { stopSpark, type ZoneRoots } from "./spark/engine";

export const ENGINES = ["duckdb", "spark"] as const;
export type Engine = (typeof ENGINES)[number];

export interface RunParams {
  /** duckdb (default) or spark. */
  engine?: Engine;
  lakeDir?: string;
  /** Spark only: one root per lake zone (as in Azure, a container per zone); default <lakeDir>/<zone>. */
  zoneRoots?: ZoneRoots;
  loadId?: string;
  windowStart?: string;
  windowEnd?: string;
  environment?: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Directory of the SQL models (default: the repository's models/); tests point it at variants. */
  modelsDir?: string;
  /**
   * DuckDB only: run each layer in a process of its own, as Databricks runs each layer notebook as its own job task
   * (pipeline/duckdb/layer-process.ts): a layer's peak memory does not come on top of what the earlier layers left
   * resident. `c360 pipeline run`, the local ADF run and the benchmark do; in process by default.
   */
  isolate?: boolean;
  /**
   * Set by runPipeline on every layer after the first: the Spark engine keeps the Delta snapshots the run's earlier
   * layers cached (the tables they just wrote) instead of reading every table's log again. A run's first layer, or
   * a layer run on its own, starts from an empty cache: the lake may have been rebuilt at the same path since the
   * last request (the bench resets its lake between runs).
   */
  continuesRun?: boolean;
}

export async function runLayer(layer: Layer, params: RunParams = {}): Promise<LayerSummary> {
  if (!LAYERS.includes(layer)) throw new Error(`unknown layer ${String(layer)}`);
  checkLoadId(params.loadId);
  const started = Date.now();
  const loadId = params.loadId ?? defaultLoadId();
  if (params.isolate && (params.engine ?? "duckdb") === "duckdb") {
    const { lakeDir, windowStart, windowEnd, environment, modelsDir } = params;
    return runLayerProcess(
      { layer, params: { lakeDir, loadId, windowStart, windowEnd, environment, modelsDir } },
      params.onProgress,
    );
  }
  const summary = startLayerSummary(layer, { ...params, loadId });
  try {
    const rc = runContext({ ...params, loadId });
    const run = {
      layer,
      models: loadModels(layer, params.modelsDir),
      rc,
      lakeDir: params.lakeDir ?? localLakeDir(),
      modelsDir: params.modelsDir,
      onProgress: params.onProgress,
    };
    const engine = params.engine ?? "duckdb";
    if (engine === "spark")
      await runSparkLayer({ ...run, zones: params.zoneRoots, continuesRun: params.continuesRun }, summary);
    else if (engine === "duckdb") await runDuckDbLayer(run, summary);
    else throw new Error(`unknown engine ${String(engine)} (${ENGINES.join(", ")})`);
  } catch (e) {
    summary.status = "failed";
    summary.error = e instanceof Error ? e.message : String(e);
  }
  summary.durationMs = Date.now() - started;
  return summary;
}

export async function runPipeline(params: RunParams & { layers?: Layer[] } = {}): Promise<PipelineSummary> {
  const started = Date.now();
  const loadId = params.loadId ?? defaultLoadId();
  const layers: LayerSummary[] = [];
  for (const layer of params.layers ?? LAYERS) {
    const s = await runLayer(layer, { ...params, loadId, continuesRun: layers.length > 0 });
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

export type { ExportStepSummary } from "./duckdb/export";

/**
 * The export step: every pending person export job of the lake's control zone (control/exports/<jobId>/) gets the
 * person's rows of every store and its manifest (docs/pipeline.md, "Person export"). DuckDB here; Databricks runs
 * notebooks/export.py, the same step on Spark.
 */
export async function runExports(
  params: { lakeDir?: string; loadId?: string } = {},
): Promise<ExportStepSummary> {
  return runDuckDbExports(params.lakeDir ?? localLakeDir(), params.loadId ?? "");
}
