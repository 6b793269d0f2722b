/**
 * Custom metrics the platform emits to Application Insights (`customMetrics` table), and the alert rules of seed
 * 000 §8.2 that watch them (infra/components/observability.ts). One list, so emitter and alert cannot drift apart.
 */
export const CUSTOM_METRICS = {
  /** Share of a batch's events that passed validation (0–1). */
  dataQualityScore: "c360.data_quality_score",
  /** Seconds from the oldest event of a batch entering Event Hubs to the batch being processed. */
  processingLatencySeconds: "c360.processing_latency_seconds",
  /** Seconds from the newest accepted event's occurredAt to the batch being processed. */
  dataAgeSeconds: "c360.data_age_seconds",
} as const;

export type CustomMetricName = (typeof CUSTOM_METRICS)[keyof typeof CUSTOM_METRICS];

/**
 * The batch data-quality score (gold.data_quality_scores): the gold run's summary carries one entry per silver table
 * of the load under this field, the notebook's exit value (`runOutput`), which Data Factory logs in ADFActivityRun's
 * Output; the batch data-quality alert reads it from there (infra/components/observability.ts).
 */
export const BATCH_DATA_QUALITY = {
  /** Field of the gold layer summary (and of the Databricks notebook's exit value). */
  summaryField: "dataQuality",
  /** The ADF activity whose output carries it (adf/pipeline/P_C360_Gold.json). */
  activityName: "Gold_Notebook",
} as const;

/** Seed 000 §17.1's levels per dimension; gold.data_quality_scores flags a dimension below its level. */
export const DQ_DIMENSION_LEVELS = {
  completeness: 0.95,
  accuracy: 0.9,
  consistency: 0.85,
  timeliness: 0.8,
} as const;
