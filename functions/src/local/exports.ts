/**
 * The export step on this machine: what the Databricks export notebook does in Azure against the one lake account,
 * run between Azurite (where the export endpoint records requests and the status endpoint reads results) and the
 * local lake directory the DuckDB pipeline reads. Pending requests are copied down, the step runs
 * (pipeline runExports), and each finished job's files are copied up, its manifest last (so a reader never sees a
 * manifest before the files it names).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import {
  PERSON_EXPORT_MANIFEST_FILE,
  PERSON_EXPORT_REQUEST_FILE,
  PERSON_EXPORTS_PREFIX,
  personExportFolder,
} from "../../../contracts";
import type { ExportStepSummary } from "../../../pipeline";
import type { Lake } from "../core/lake";

export async function runExportsLocally(lake: Lake, lakeDir: string): Promise<ExportStepSummary> {
  for (const path of await lake.list("control", PERSON_EXPORTS_PREFIX)) {
    const [, jobId, file] = path.split("/");
    if (file !== PERSON_EXPORT_REQUEST_FILE || !jobId) continue;
    const dir = join(lakeDir, "control", ...personExportFolder(jobId).split("/").filter(Boolean));
    if (existsSync(join(dir, file))) continue;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, file), (await lake.read("control", path)) ?? "");
  }
  // Loaded lazily: the functions app itself never loads DuckDB.
  const { runExports } = await import("../../../pipeline");
  const summary = await runExports({ lakeDir });
  for (const job of summary.jobs) {
    const folder = personExportFolder(job.jobId);
    const dir = join(lakeDir, "control", ...folder.split("/").filter(Boolean));
    const files = readdirSync(dir).filter((f) => f !== PERSON_EXPORT_REQUEST_FILE && !f.endsWith(".tmp"));
    for (const f of [...files.filter((f) => f !== PERSON_EXPORT_MANIFEST_FILE), PERSON_EXPORT_MANIFEST_FILE])
      await lake.writeOnce("control", folder + f, readFileSync(join(dir, f), "utf8"));
  }
  return summary;
}
