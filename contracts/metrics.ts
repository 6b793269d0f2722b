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
