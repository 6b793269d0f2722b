/** The run summary every adapter returns, and the run records (control tables) built from it. */
import type { Layer, Materialization } from "../models";
import type { ExpectationResult, RunContext } from "./types";

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
  /** Gold: the load's data-quality score per silver table (gold.data_quality_scores; BATCH_DATA_QUALITY). */
  dataQuality?: DataQualityScore[];
  durationMs: number;
  /** A layer run in its own process (RunParams.isolate): that process's start-up before the run (Node, tsx, the
   * modules; not in durationMs), its peak resident memory (the process's high-water mark, getrusage maxRSS) and the
   * CPU time it spent on the layer (all threads, user and system; on two cores up to twice durationMs). */
  process?: { startupMs: number; peakRssMb: number; cpuMs: number };
}

/** A layer run's summary before it runs: succeeded, no models yet (runLayer fills it in; a layer process that dies
 * before its own reports this one, failed). */
export function startLayerSummary(
  layer: Layer,
  run: { loadId: string; windowStart?: string; windowEnd?: string },
): LayerSummary {
  return {
    layer,
    loadId: run.loadId,
    windowStart: run.windowStart,
    windowEnd: run.windowEnd,
    status: "succeeded",
    models: [],
    durationMs: 0,
  };
}

/** One row of gold.data_quality_scores as the run summary carries it (dimensions 0–1, NULL when not measured). */
export interface DataQualityScore {
  table: string;
  score: number;
  status: "healthy" | "degraded";
  /** Dimensions under their seed 000 §17.1 level (DQ_DIMENSION_LEVELS). */
  belowLevel: string[];
  completeness: number | null;
  accuracy: number | null;
  consistency: number | null;
  timeliness: number | null;
  validity: number | null;
  uniqueness: number | null;
}

/** Rows of gold.data_quality_scores (any engine's JSON: decimals may come as strings) → summary entries. */
export function dataQualityScores(rows: Record<string, unknown>[]): DataQualityScore[] {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    table: String(r.table_name),
    score: Number(r.dq_score),
    status: r.status === "healthy" ? "healthy" : "degraded",
    belowLevel: String(r.below_level ?? "")
      .split(",")
      .filter(Boolean),
    completeness: num(r.completeness),
    accuracy: num(r.accuracy),
    consistency: num(r.consistency),
    timeliness: num(r.timeliness),
    validity: num(r.validity),
    uniqueness: num(r.uniqueness),
  }));
}

export interface PipelineSummary {
  loadId: string;
  status: "succeeded" | "failed";
  layers: LayerSummary[];
  durationMs: number;
}

/** The `fail` error of a layer: which model stopped it and which rules. */
export const failError = (model: string, rules: string[]): string =>
  `${model}: fail expectation(s) not met: ${rules.join(", ")}`;

/**
 * A run record's window (the run context's window dates, null when open): gold.data_quality_metrics gives each
 * window's figures from the records of the runs over it, so a rerun of a window replaces its figures.
 */
export interface RecordWindow {
  window_start_date: string | null;
  window_end_date: string | null;
}

export interface ModelRunRecord extends RecordWindow {
  load_id: string;
  layer: string;
  model: string;
  rows_in: number;
  rows_out: number;
  rows_written: number;
  quarantined: number;
  run_at: string;
}

export interface ExpectationRecord extends RecordWindow {
  load_id: string;
  layer: string;
  model: string;
  rule: string;
  code: string;
  action: string;
  failed: number;
  rows_in: number;
  run_at: string;
}

/** File name stem of one layer run's records: one per run, so a rerun of a load keeps the earlier run's records. */
export const runRecordStem = (s: LayerSummary, rc: RunContext): string =>
  `${s.loadId}-${s.layer}-${rc.runAt.replace(/[-:.]/g, "")}`;

/**
 * control/model_runs and control/expectation_results rows of one layer run. Records are kept per run (a rerun of a
 * load adds its own, never replaces the first run's): `run_at` tells the runs of one window apart.
 */
export function runRecords(
  s: LayerSummary,
  rc: RunContext,
): { models: ModelRunRecord[]; expectations: ExpectationRecord[] } {
  const base = {
    load_id: s.loadId,
    layer: s.layer,
    window_start_date: rc.windowStartDate ?? null,
    window_end_date: rc.windowEndDate ?? null,
  };
  return {
    models: s.models.map((m) => ({
      ...base,
      model: m.model,
      rows_in: m.rowsIn,
      rows_out: m.rowsOut,
      rows_written: m.rowsWritten,
      quarantined: m.quarantined,
      run_at: rc.runAt,
    })),
    expectations: s.models.flatMap((m) =>
      m.expectations.map((e) => ({
        ...base,
        model: m.model,
        rule: e.name,
        code: e.code,
        action: e.action,
        failed: e.failed,
        rows_in: m.rowsIn,
        run_at: rc.runAt,
      })),
    ),
  };
}
