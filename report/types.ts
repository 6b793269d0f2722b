/**
 * The run report: everything `npm start` shows about one end-to-end run, as plain data. The HTML page is a
 * pure function of this object (render.ts) and the same object is written as JSON next to it.
 */
import type { DataQualityScore } from "../pipeline/core/summary";

export interface StepTiming {
  name: string;
  status: "succeeded" | "failed" | "skipped";
  startMs: number;
  durationMs: number;
  detail?: string;
}

export interface StageCount {
  stage: string;
  count: number;
  note?: string;
}

export interface ReasonCount {
  /** Where the record was rejected: "real-time" (Functions) or a medallion model, e.g. "silver.orders". */
  stage: string;
  code: string;
  count: number;
}

export interface DefectCount {
  kind: string;
  injected: number;
  description?: string;
}

export interface ModelRow {
  model: string;
  rowsIn: number;
  rowsOut: number;
  rowsWritten: number;
  quarantined: number;
  durationMs: number;
  /** Expectations that did not pass: "rule (action): failed rows". */
  failedExpectations: { name: string; action: string; failed: number }[];
}

export interface LayerReport {
  layer: "bronze" | "silver" | "gold";
  status: "succeeded" | "failed" | "not run";
  durationMs: number;
  rows: number;
  quarantined: number;
  models: ModelRow[];
  error?: string;
}

export interface QualityMetric {
  layer: string;
  table: string;
  metric: string;
  value: number;
}

export interface Bucket {
  label: string;
  count: number;
}

export interface TopCustomer {
  rank: number;
  customerKey: string;
  name: string;
  valueSegment: string;
  rfmSegment: string;
  orders: number;
  totalSpent: number;
  clv: number;
}

export interface AdfActivityRow {
  pipeline: string;
  activity: string;
  type: string;
  status: string;
  attempts: number;
  durationMs: number;
  depth: number;
}

export interface ReconciliationCheck {
  check: string;
  expected: number;
  actual: number;
  ok: boolean;
}

/** The batch traits sync of the run's load (functions/src/core/traits-sync.ts), as the report shows it. */
export interface TraitsSyncReport {
  loadId: string;
  customers: number;
  synced: number;
  skippedUnchanged: number;
  erasedSkipped: number;
  cosmosRequests: number;
  indexRequests: number;
  changeEvents: number;
  changesByKind: Record<string, number>;
}

export interface RunReport {
  title: string;
  generatedAt: string;
  status: "succeeded" | "failed";
  /** Size preset and generator parameters. */
  run: { size: string; seed: number; customers: number; events: number; lakeDir: string; loadId?: string };
  steps: StepTiming[];
  stages: StageCount[];
  quarantine: ReasonCount[];
  defects: DefectCount[];
  layers: LayerReport[];
  quality: QualityMetric[];
  /** Seed 000's composite data-quality score per silver table of the load (the gold run's summary). */
  dataQualityScores: DataQualityScore[];
  segments: { valueTiers: Bucket[]; rfm: Bucket[] };
  clv: { buckets: Bucket[]; mean: number; median: number; p90: number; max: number; customers: number };
  topCustomers: TopCustomer[];
  adf: { pipeline: string; runId: string; status: string; error?: string; activities: AdfActivityRow[] };
  reconciliation: ReconciliationCheck[];
  /** Identity resolution (silver.identity_links, silver.customer_identity); absent when gold was not read. */
  identity?: { linksMade: number; refused: { reason: string; count: number }[]; largestCluster: number };
  /** The traits sync to the Cosmos profiles after gold; absent when it did not run. */
  traitsSync?: TraitsSyncReport;
  /** Steps or data that could not be produced, said plainly. */
  notes: string[];
}
