/**
 * The export step on DuckDB: every pending person export job (control/exports/<jobId>/request.json without a
 * manifest) gets the person's rows of every store written beside its request — each bronze, silver and gold table
 * (SCD2 history included: every version is a row), the landing lines of their bronze rows and the batch quarantine
 * records naming them — then manifest.json. Which rows are the person's: the erasure rule (../core/erasure.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import {
  PERSON_EXPORT_MANIFEST_FILE,
  PERSON_EXPORT_REQUEST_FILE,
  personExportFile,
  personExportFolder,
  type PersonExportManifest,
  type PersonExportRequest,
} from "../../contracts";
import {
  expandedRequestsSql,
  landingPositionOf,
  personColumns,
  personRowsCondition,
  quarantineMatcher,
} from "../core/erasure";
import { landingLinesAt, parseExportRequest, pendingJobs } from "../core/export";
import { LAYERS, loadAllModels, type Model } from "../models";
import { DuckDbSession, ident, isoInstantSql, sqlString } from "./session";

export interface ExportStepSummary {
  /** The jobs this run finished, with their rows per store. */
  jobs: Array<Pick<PersonExportManifest, "jobId" | "status" | "error" | "sourceIds" | "stores">>;
}

const controlDir = (lakeDir: string) => join(lakeDir, "control");

function listPending(lakeDir: string): string[] {
  const root = join(controlDir(lakeDir), "exports");
  if (!existsSync(root)) return [];
  return pendingJobs(
    readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => ({ jobId: e.name, files: readdirSync(join(root, e.name)) })),
  );
}

/** Writes a file of the job folder atomically (.tmp, then rename). */
function writeJobFile(lakeDir: string, jobId: string, name: string, text: string): void {
  const dir = join(controlDir(lakeDir), ...personExportFolder(jobId).split("/").filter(Boolean));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name + ".tmp"), text);
  renameSync(join(dir, name + ".tmp"), join(dir, name));
}

const jsonLines = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r) + "\n").join("");

/** Runs every pending export job over the lake; nothing is opened when none is pending. */
export async function runDuckDbExports(
  lakeDir: string,
  loadId = "",
  now: () => Date = () => new Date(),
): Promise<ExportStepSummary> {
  const root = resolve(lakeDir);
  const jobs = listPending(root);
  const summary: ExportStepSummary = { jobs: [] };
  if (jobs.length === 0) return summary;
  const db = await DuckDbSession.open(root);
  try {
    await db.attachLake(LAYERS);
    const identityExists = await db.relationExists("silver.customer_identity");
    const models = new Map(loadAllModels().map((m) => [m.id, m]));
    for (const jobId of jobs) {
      const dir = join(controlDir(root), ...personExportFolder(jobId).split("/").filter(Boolean));
      let request: PersonExportRequest;
      try {
        request = parseExportRequest(jobId, readFileSync(join(dir, PERSON_EXPORT_REQUEST_FILE), "utf8"));
      } catch (error) {
        const manifest: PersonExportManifest = {
          jobId,
          customerId: "",
          requestedAt: "",
          completedAt: now().toISOString(),
          status: "failed",
          error: error instanceof Error ? error.message : String(error),
          engine: "duckdb",
          loadId,
          sourceIds: [],
          stores: {},
        };
        writeJobFile(root, jobId, PERSON_EXPORT_MANIFEST_FILE, JSON.stringify(manifest) + "\n");
        summary.jobs.push(manifest);
        continue;
      }
      const manifest = { ...(await exportJob(db, root, request, identityExists, models, now)), loadId };
      writeJobFile(root, jobId, PERSON_EXPORT_MANIFEST_FILE, JSON.stringify(manifest) + "\n");
      summary.jobs.push(manifest);
    }
  } finally {
    db.close();
  }
  return summary;
}

/**
 * A table's columns as an export row holds them: timestamps as ISO 8601 UTC text with milliseconds (isoInstantSql;
 * PERSON_EXPORT_TIMESTAMP, contracts/person-export.ts), the rest as they are. DuckDB's own JSON text for a TIMESTAMP
 * column is zone-less (`2024-04-30 01:02:03.5`).
 */
function exportColumns(types: ReadonlyMap<string, string>): string {
  return [...types]
    .map(([c, type]) => (/^TIMESTAMP/.test(type) ? `${isoInstantSql(ident(c))} AS ${ident(c)}` : ident(c)))
    .join(", ");
}

async function exportJob(
  db: DuckDbSession,
  lakeDir: string,
  request: PersonExportRequest,
  identityExists: boolean,
  models: ReadonlyMap<string, Model>,
  now: () => Date,
): Promise<Omit<PersonExportManifest, "loadId">> {
  const { jobId } = request;
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE export_request AS SELECT ${sqlString(request.customerId)} AS customer_id, ${sqlString(jobId)} AS job_id`,
  );
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE export_ids AS SELECT DISTINCT customer_id FROM (${expandedRequestsSql("export_request", identityExists, ["job_id"])}) WHERE customer_id IS NOT NULL`,
  );
  const sourceIds = (
    await db.query<{ customer_id: string }>("SELECT customer_id FROM export_ids ORDER BY 1")
  ).map((r) => r.customer_id);
  const stores: PersonExportManifest["stores"] = {};
  const positions: Array<[string, number]> = [];
  for (const relation of await lakeRelations(db)) {
    const types = await db.columnTypes(relation);
    const columns = [...types.keys()];
    const by = personColumns(models.get(relation) ?? { eraseBy: [] }, columns);
    if (by.length === 0) continue;
    const where = personRowsCondition(by, "export_ids");
    const rows = await db.query<Record<string, unknown>>(
      `SELECT to_json(t) AS j FROM (SELECT ${exportColumns(types)} FROM ${relation} WHERE ${where}) AS t`,
    );
    const docs = rows.map((r) => JSON.parse(String(r.j)) as Record<string, unknown>);
    // Landing lines are those of the person's bronze rows (the positions erasure blanks).
    if (columns.includes("source_file") && columns.includes("line_no") && columns.includes("record_format"))
      for (const d of docs)
        if (d.record_format === "jsonl" && typeof d.source_file === "string" && d.line_no != null)
          positions.push([d.source_file, Number(d.line_no)]);
    stores[relation] = storeOf(lakeDir, jobId, relation, docs);
  }
  const quarantine = quarantineRecords(lakeDir, sourceIds);
  for (const r of quarantine) {
    const p = landingPositionOf(r);
    if (p) positions.push(p);
  }
  stores.quarantine = storeOf(lakeDir, jobId, "quarantine", quarantine);
  stores.landing = storeOf(lakeDir, jobId, "landing", landingLines(lakeDir, positions));
  return {
    ...request,
    completedAt: now().toISOString(),
    status: "complete",
    engine: "duckdb",
    sourceIds,
    stores,
  };
}

function storeOf(lakeDir: string, jobId: string, store: string, rows: readonly unknown[]) {
  if (rows.length === 0) return { rows: 0 };
  const file = personExportFile(store);
  writeJobFile(lakeDir, jobId, file, jsonLines(rows));
  return { rows: rows.length, file };
}

/** The lake's tables attached by attachLake, `<layer>.<table>`, in name order. */
async function lakeRelations(db: DuckDbSession): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT schema_name || '.' || view_name AS id FROM duckdb_views()
      WHERE schema_name IN (${LAYERS.map(sqlString).join(", ")}) AND NOT internal ORDER BY 1`,
  );
  return rows.map((r) => r.id);
}

/** Batch quarantine records (quarantine/<layer>/…/*.jsonl) naming one of the ids, with their file and line. */
function quarantineRecords(lakeDir: string, ids: readonly string[]): Array<Record<string, unknown>> {
  const matches = quarantineMatcher(ids);
  const files = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .sort((a, b) => a.name.localeCompare(b.name))
          .flatMap((e) =>
            e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".jsonl") ? [join(dir, e.name)] : [],
          )
      : [];
  const out: Array<Record<string, unknown>> = [];
  for (const layer of LAYERS) {
    for (const file of files(join(lakeDir, "quarantine", layer))) {
      const rel = file
        .slice(lakeDir.length + 1)
        .split("\\")
        .join("/");
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          const rec = matches(line);
          if (rec) out.push({ quarantine_file: rel, quarantine_line: i + 1, ...rec });
        });
    }
  }
  return out;
}

/** The landing lines at the positions (lake-relative `landing/…` files only), in file and line order. */
function landingLines(lakeDir: string, positions: ReadonlyArray<[string, number]>) {
  const byFile = new Map<string, number[]>();
  for (const [f, n] of positions) byFile.set(f, [...(byFile.get(f) ?? []), n]);
  const landingRoot = join(lakeDir, "landing") + "/";
  return [...byFile.keys()].sort().flatMap((rel) => {
    const path = resolve(lakeDir, rel);
    if (!path.startsWith(landingRoot) || !existsSync(path)) return [];
    return landingLinesAt(rel, readFileSync(path, "utf8").split("\n"), byFile.get(rel)!);
  });
}
