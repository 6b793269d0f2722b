/**
 * The export step's engine-neutral rules (a person's data export job, contracts/person-export.ts): which jobs are
 * pending, how a request is read, which landing lines are the person's. Which rows are the person's is the erasure
 * rule (erasure.ts: expandedRequestsSql, personColumns, quarantineMatcher, landingPositionOf), so export shows
 * exactly what erasure would remove.
 */
import type { PersonExportRequest } from "../../contracts";
import {
  isPersonExportJobId,
  PERSON_EXPORT_MANIFEST_FILE,
  PERSON_EXPORT_REQUEST_FILE,
} from "../../contracts";

/** Jobs with a request and no manifest yet, in name order. */
export function pendingJobs(folders: ReadonlyArray<{ jobId: string; files: readonly string[] }>): string[] {
  return folders
    .filter(
      (f) =>
        isPersonExportJobId(f.jobId) &&
        f.files.includes(PERSON_EXPORT_REQUEST_FILE) &&
        !f.files.includes(PERSON_EXPORT_MANIFEST_FILE),
    )
    .map((f) => f.jobId)
    .sort();
}

/** A job's request.json; throws with the reason when it is not a request for this job. */
export function parseExportRequest(jobId: string, text: string): PersonExportRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`export job ${jobId}: request.json is not JSON`);
  }
  const r = value as Partial<PersonExportRequest> | null;
  if (!r || typeof r.customerId !== "string" || r.customerId === "")
    throw new Error(`export job ${jobId}: request.json names no customerId`);
  if (r.jobId !== jobId) throw new Error(`export job ${jobId}: request.json is for job ${String(r.jobId)}`);
  return {
    jobId,
    customerId: r.customerId,
    requestedAt: typeof r.requestedAt === "string" ? r.requestedAt : "",
  };
}

/** The person's landing lines of one file: (source_file, line_no, line) for each wanted, non-empty line. */
export function landingLinesAt(
  sourceFile: string,
  lines: readonly string[],
  numbers: Iterable<number>,
): Array<{ source_file: string; line_no: number; line: string }> {
  return [...new Set(numbers)]
    .sort((a, b) => a - b)
    .filter((n) => n >= 1 && n <= lines.length && lines[n - 1] !== "")
    .map((n) => ({ source_file: sourceFile, line_no: n, line: lines[n - 1]! }));
}
