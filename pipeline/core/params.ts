/**
 * Run parameters: the widget values a Databricks job gets (environment, window_start, window_end, load_id) turned
 * into the run context the adapters expose to the models (`run_context`).
 */
import type { RunContext } from "./types";

export function defaultLoadId(at = new Date()): string {
  return `load_${at.toISOString().replace(/[-:]/g, "").slice(0, 15)}`;
}

/** Load ids name files and are stamped on rows: letters, digits, `_ . = -` only. */
export function checkLoadId(loadId: string | undefined): void {
  if (loadId !== undefined && !/^[A-Za-z0-9_.=-]+$/.test(loadId))
    throw new Error(`invalid load id (letters, digits, _ . = - only): ${loadId}`);
}

/** `2024-05-01`, `2024-05-01T10:00:00Z` → `2024-05-01` (the ingest_date partition of the instant, UTC). */
export function windowDate(v: string | undefined, name: string): string | undefined {
  if (v === undefined || v === "") return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${name} is not an ISO date or timestamp: ${v}`);
  return d.toISOString().slice(0, 10);
}

export interface WindowParams {
  loadId: string;
  windowStart?: string;
  windowEnd?: string;
  environment?: string;
}

export function runContext(params: WindowParams, now = new Date()): RunContext {
  const windowStartDate = windowDate(params.windowStart, "windowStart");
  const windowEndDate = windowDate(params.windowEnd, "windowEnd");
  return {
    loadId: params.loadId,
    runAt: now.toISOString(),
    windowStartDate,
    windowEndDate,
    // Gold's "today" (recency, days since): the window end when given, so re-running a window is reproducible.
    asOfDate: windowEndDate ?? now.toISOString().slice(0, 10),
    environment: params.environment ?? "local",
  };
}
