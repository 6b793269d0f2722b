/**
 * The one lake layout (DESIGN.md "Lake layout"), shared by the functions (Blob API on ADLS Gen2 or
 * Azurite), the generator, the local DuckDB engine and the notebooks (which take the same relative paths).
 */
import type { EventType, SourceSystem } from "./vocabulary";

export const ZONES = ["landing", "bronze", "silver", "gold", "quarantine", "control"] as const;
export type Zone = (typeof ZONES)[number];

/** `YYYY-MM-DD` of an instant, in UTC. */
export function ingestDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Path inside the `landing` zone: `<source_system>/<event_type>/ingest_date=YYYY-MM-DD/<batchId>.<ext>`. */
export function landingPath(
  source: SourceSystem,
  eventType: EventType,
  at: Date,
  batchId: string,
  ext: "jsonl" | "csv" | "parquet" = "jsonl",
): string {
  if (!/^[A-Za-z0-9_.=-]+$/.test(batchId)) throw new Error(`invalid batch id for a file name: ${batchId}`);
  return `${source}/${eventType}/ingest_date=${ingestDate(at)}/${batchId}.${ext}`;
}

/** Path inside the `quarantine` zone: `<stage>/<table or stream>/ingest_date=YYYY-MM-DD/<batchId>.jsonl`. */
export function quarantinePath(stage: string, stream: string, at: Date, batchId: string): string {
  return `${stage}/${stream}/ingest_date=${ingestDate(at)}/${batchId}.jsonl`;
}

/**
 * Folder of a model's JSON-lines export for one load, inside its layer's zone (`@export jsonl`, pipeline/models.ts):
 * `_exports/<model>/load_id=<loadId>/` holding `part-*.json` files (Spark's JSON writer and the local engine alike).
 */
export function exportPath(model: string, loadId: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(model)) throw new Error(`invalid model name for an export: ${model}`);
  if (!/^[A-Za-z0-9_.=-]+$/.test(loadId)) throw new Error(`invalid load id for an export: ${loadId}`);
  return `_exports/${model}/load_id=${loadId}/`;
}

/** Default local lake directory (git-ignored); override with C360_LAKE_DIR. */
export function localLakeDir(): string {
  return process.env.C360_LAKE_DIR ?? "lake";
}
