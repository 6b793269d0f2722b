/**
 * A person's data export (right of access and portability, seed 000 §7.2) as a job in the control zone, shared by
 * the export endpoint (functions), the export step of the batch path (DuckDB locally, the Databricks notebook
 * notebooks/export.py in Azure) and the status endpoint that assembles the document:
 *
 *   control/exports/<jobId>/request.json    {jobId, customerId, requestedAt}, written once by POST …/export
 *   control/exports/<jobId>/<store>.jsonl   the person's rows of one store (landing, quarantine, <layer>.<table>)
 *   control/exports/<jobId>/manifest.json   written last by the export step: the job is complete (or failed)
 *
 * A table store's row is the table's row as a JSON object, every column present (NULL as null); its timestamps are
 * ISO 8601 in UTC with milliseconds, as JavaScript's toISOString() writes them (`2024-04-30T01:02:03.500Z`), on
 * either engine (PERSON_EXPORT_TIMESTAMP).
 */
export const PERSON_EXPORTS_PREFIX = "exports/";
export const PERSON_EXPORT_REQUEST_FILE = "request.json";
export const PERSON_EXPORT_MANIFEST_FILE = "manifest.json";

/** The text of a timestamp in a table store (see above). */
export const PERSON_EXPORT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The landing lines and batch quarantine records of the person; every other store is a table `<layer>.<table>`. */
export const PERSON_EXPORT_FILE_STORES = ["landing", "quarantine"] as const;

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export function isPersonExportJobId(jobId: string): boolean {
  return JOB_ID.test(jobId);
}

/** `exports/<jobId>/` inside the control zone. */
export function personExportFolder(jobId: string): string {
  if (!isPersonExportJobId(jobId)) throw new Error(`invalid export job id: ${jobId}`);
  return `${PERSON_EXPORTS_PREFIX}${jobId}/`;
}

export interface PersonExportRequest {
  jobId: string;
  customerId: string;
  requestedAt: string;
}

export interface PersonExportManifest {
  jobId: string;
  customerId: string;
  requestedAt: string;
  /** When the export step finished the job. */
  completedAt: string;
  status: "complete" | "failed";
  /** Set when failed (a request the step could not read). */
  error?: string;
  /** duckdb locally, spark on Databricks. */
  engine: string;
  /** The batch run (load id) after whose gold the step ran: the lake part is as of that load ("" when unknown). */
  loadId: string;
  /** Every source id resolved to the same customer_key as the requested id (the erasure rule), sorted. */
  sourceIds: string[];
  /** Per store (`landing`, `quarantine`, `<layer>.<table>`): rows exported, and the file holding them (if any). */
  stores: Record<string, { rows: number; file?: string }>;
}

/** The file of a store inside the job folder. */
export function personExportFile(store: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(store))
    throw new Error(`invalid export store: ${store}`);
  return `${store}.jsonl`;
}
