/**
 * Landing discovery and reading (DuckDB): the new landing files of the window, cut into batches, each split into
 * `landing_records` (one row per JSONL line, or per CSV/Parquet extract row as a JSON object).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import { EVENT_TYPES, SOURCE_SYSTEMS } from "../../contracts";
import { type DuckDbSession, parquetFiles, sqlString, traced } from "./session";

export interface LandingFile {
  path: string;
  /** Path relative to the lake root, e.g. `landing/web/behavioral_event/ingest_date=2025-01-01/b1.jsonl`. */
  rel: string;
  source: string;
  type: string;
  date: string;
  ext: string;
  bytes: number;
}

/**
 * The landing files of partitions inside the window and not loaded by an earlier run (control/loaded_files).
 */
export async function listLanding(
  db: DuckDbSession,
  windowStartDate?: string,
  windowEndDate?: string,
): Promise<LandingFile[]> {
  const landing = join(db.lakeDir, "landing");
  const loadedDir = join(db.lakeDir, "control", "loaded_files");
  const loaded = new Set<string>();
  if (parquetFiles(loadedDir).length > 0) {
    const rows = await db.query<{ source_file: string }>(
      `SELECT DISTINCT source_file FROM read_parquet(${sqlString(join(loadedDir, "*.parquet"))})`,
    );
    rows.forEach((r) => loaded.add(r.source_file));
  }
  const files: LandingFile[] = [];
  const sources = existsSync(landing) ? readdirSync(landing).sort() : [];
  for (const source of sources) {
    if (!(SOURCE_SYSTEMS as readonly string[]).includes(source)) continue;
    for (const type of readdirSync(join(landing, source)).sort()) {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) continue;
      for (const part of readdirSync(join(landing, source, type)).sort()) {
        const m = /^ingest_date=(\d{4}-\d{2}-\d{2})$/.exec(part);
        if (!m) continue;
        const date = m[1] as string;
        if (windowStartDate && date < windowStartDate) continue;
        if (windowEndDate && date >= windowEndDate) continue;
        for (const f of readdirSync(join(landing, source, type, part)).sort()) {
          const ext = /\.(jsonl|csv|parquet)$/.exec(f)?.[1];
          const path = join(landing, source, type, part, f);
          if (!ext || !statSync(path).isFile()) continue;
          const rel = relative(db.lakeDir, path).split("\\").join("/");
          if (!loaded.has(rel))
            files.push({ path, rel, source, type, date, ext, bytes: statSync(path).size });
        }
      }
    }
  }
  return files;
}

/** Cuts the landing files into batches of about `maxBytes` each (a file is never split). */
export function landingBatches(files: LandingFile[], maxBytes: number): LandingFile[][] {
  const out: LandingFile[][] = [];
  let current: LandingFile[] = [];
  let size = 0;
  for (const f of files) {
    if (current.length > 0 && size + f.bytes > maxBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(f);
    size += f.bytes;
  }
  if (current.length > 0 || out.length === 0) out.push(current);
  return out;
}

/**
 * Splits a landing batch into `landing_prefetch_<slot>` on a second connection, so it can run while the main
 * connection works on the previous batch: the split is single-threaded (read_text), and on two cores the other
 * core would idle through it. useLanding(slot) then points landing_records at it.
 */
export async function prefetchLanding(db: DuckDbSession, files: LandingFile[], slot: number): Promise<void> {
  const conn = await db.prefetchConnection();
  const sql = `CREATE OR REPLACE TABLE main.landing_prefetch_${slot} AS ${landingSql(db.lakeDir, files)}`;
  await traced(sql, () => conn.run(sql));
}

/** landing_records = a batch prefetchLanding split; the batch before it is dropped. */
export async function useLanding(db: DuckDbSession, slot: number): Promise<void> {
  await db.exec(`CREATE OR REPLACE TEMP VIEW landing_records AS SELECT * FROM main.landing_prefetch_${slot}`);
  if (slot > 0) await db.exec(`DROP TABLE IF EXISTS main.landing_prefetch_${slot - 1}`);
}

/** Drops landing_records and the prefetched batches (all `batches` of them) once the model is done. */
export async function dropLandingPrefetch(db: DuckDbSession, batches: number): Promise<void> {
  await db.exec(`DROP VIEW IF EXISTS landing_records`);
  for (let slot = 0; slot < batches; slot++)
    await db.exec(`DROP TABLE IF EXISTS main.landing_prefetch_${slot}`);
}

/** landing_records over the given files (see listLanding). */
function landingSql(lakeDir: string, files: LandingFile[]): string {
  const parts: string[] = [];
  const meta = (f: (typeof files)[number]) =>
    `${sqlString(f.source)} AS source_system, ${sqlString(f.type)} AS event_type, DATE ${sqlString(f.date)} AS ingest_date, ${sqlString(f.rel)} AS source_file`;
  const jsonl = files.filter((f) => f.ext === "jsonl");
  if (jsonl.length > 0) {
    // One read_text over every new JSONL file (parallel); the path gives source, type and partition date.
    // Line numbers are exact and 1-based (generate_subscripts over the file's lines, split once per file).
    const prefix = lakeDir.endsWith("/") ? lakeDir : lakeDir + "/";
    parts.push(`SELECT split_part(source_file, '/', 2) AS source_system, split_part(source_file, '/', 3) AS event_type,
          CAST(substring(split_part(source_file, '/', 4), 13) AS DATE) AS ingest_date, source_file,
          CAST(line_no AS BIGINT) AS line_no, 'jsonl' AS record_format,
          CASE WHEN contains(raw_line, chr(13)) THEN rtrim(raw_line, chr(13)) ELSE raw_line END AS raw_line
        FROM (SELECT replace(filename, ${sqlString(prefix)}, '') AS source_file,
                     unnest(lines) AS raw_line, generate_subscripts(lines, 1) AS line_no
              FROM (SELECT filename, string_split(content, chr(10)) AS lines
                    FROM read_text([${jsonl.map((f) => sqlString(f.path)).join(", ")}])))`);
  }
  for (const f of files.filter((x) => x.ext !== "jsonl")) {
    const reader =
      f.ext === "csv"
        ? `read_csv(${sqlString(f.path)}, header = true, all_varchar = true, hive_partitioning = false)`
        : `read_parquet(${sqlString(f.path)}, hive_partitioning = false)`;
    parts.push(`SELECT ${meta(f)}, CAST(row_number() OVER () AS BIGINT) AS line_no, ${sqlString(f.ext)} AS record_format,
          CAST(to_json(r) AS VARCHAR) AS raw_line FROM ${reader} AS r`);
  }
  const empty =
    "SELECT CAST(NULL AS VARCHAR) AS source_system, CAST(NULL AS VARCHAR) AS event_type, CAST(NULL AS DATE) AS ingest_date, CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS BIGINT) AS line_no, CAST(NULL AS VARCHAR) AS record_format, CAST(NULL AS VARCHAR) AS raw_line WHERE false";
  // Materialized once per batch (bounded by C360_BRONZE_BATCH_MB): as a view, the line split was inlined into
  // the bronze model's plan and cost ~4x more than splitting once and scanning the table. The CR trim runs only
  // on lines that hold a CR (rtrim is UTF-8 aware and slow on long lines; most lines have none).
  return parts.length ? parts.join("\nUNION ALL\n") : empty;
}
