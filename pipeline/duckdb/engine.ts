/**
 * DuckDB engine adapter: the only DuckDB-specific code of the batch path. It reads the landing files, exposes
 * the lake's Parquet tables under their layer schema (`bronze.events`, `silver.orders`, ...), runs a model's
 * SELECT, applies its expectations (warn / drop to quarantine / fail), materializes it (full replace, MERGE on
 * the unique key, SCD2 versions) and writes the table back as Parquet.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, relative, resolve } from "node:path";

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

import { EVENT_TYPES, SOURCE_SYSTEMS } from "../../contracts";
import type { Expectation, Layer, Model } from "../models";

export interface ExpectationResult {
  name: string;
  code: string;
  action: Expectation["action"];
  failed: number;
  passed: boolean;
}

export interface ModelRunResult {
  rowsIn: number;
  rowsOut: number;
  rowsWritten: number;
  quarantined: number;
  expectations: ExpectationResult[];
  failedExpectations: string[];
}

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

export interface RunContext {
  loadId: string;
  runAt: string;
  windowStartDate?: string;
  windowEndDate?: string;
  asOfDate: string;
  environment: string;
}

const TRACE = process.env.C360_PIPELINE_TRACE === "1";
/**
 * Runs one statement; with C360_PIPELINE_TRACE=1, prints its wall time, the process's CPU time over it (DuckDB's
 * threads included, so ~200% means both cores were busy) and the SQL's start. No clock reads otherwise.
 */
async function traced<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!TRACE) return run();
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  const result = await run();
  const cpu = process.cpuUsage(c0);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  console.error(`[duckdb ${Date.now() - t0} ms, cpu ${cpuMs} ms] ${sql.replace(/\s+/g, " ").slice(0, 160)}`);
  return result;
}
const SHIMS = readFileSync(join(__dirname, "shims.sql"), "utf8");
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`invalid identifier ${s}`);
  return s;
};

/** A row passes a rule only when its condition is TRUE (NULL fails). */
const passes = (e: Expectation): string => `coalesce((${e.condition}), false)`;
const allPass = (rules: Expectation[]): string => rules.map(passes).join(" AND ");
const failedRules = (results: ExpectationResult[]): string[] =>
  results.filter((e) => e.action === "fail" && !e.passed).map((e) => e.name);

/**
 * Parquet writer options per layer. Bronze rows are mostly unique long strings (the raw record, the payload):
 * trying a dictionary for them is wasted work (writes 20–25% faster without, files ~2% larger), and LZ4_RAW
 * compresses them with ~15% less CPU than the default Snappy at a smaller size. Silver and gold keep the
 * defaults: their enum-like columns compress and scan better with dictionaries.
 */
function parquetOptions(layer: string): string {
  const rowGroup = `ROW_GROUP_SIZE ${process.env.C360_PARQUET_ROW_GROUP ?? 16384}`;
  return layer === "bronze"
    ? `FORMAT PARQUET, STRING_DICTIONARY_PAGE_SIZE_LIMIT 1, COMPRESSION lz4_raw, ${rowGroup}`
    : `FORMAT PARQUET, ${rowGroup}`;
}

/**
 * A table's Parquet files as one relation. Files are matched by column name, not position: after a model gains a
 * column (schema evolution), files appended before it lack the column and read it as NULL.
 */
function tableScan(files: string[]): string {
  const list = `[${files.map(sqlString).join(", ")}]`;
  return files.length > 1
    ? `SELECT * FROM read_parquet(${list}, union_by_name = true)`
    : `SELECT * FROM read_parquet(${list})`;
}

export class DuckDbEngine {
  /** Erasure requests of this run (registerErasure); with none, the per-model erase statements are skipped. */
  private erasures = 0;
  /** Second connection, for prefetchLanding. */
  private prefetchConn: DuckDBConnection | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly lakeDir: string,
  ) {}

  static async open(lakeDir: string): Promise<DuckDbEngine> {
    const root = resolve(lakeDir);
    mkdirSync(root, { recursive: true });
    const instance = await DuckDBInstance.create(":memory:", {
      default_null_order: "nulls_first_on_asc_last_on_desc",
      preserve_insertion_order: "false",
      // Bounded memory: beyond this DuckDB spills to control/_duckdb_tmp (benchmark goal: peak RSS ≤ 4 GiB at 1M
      // orders; measured 1.8–2.3 GiB there, 4.0–5.0 GiB at 10M). At 2 GB the 3M-row behavioural-events stage spilled
      // (+4 s at 1M); C360_DUCKDB_MEMORY=2GB trades that time for ~1 GiB less at 10M.
      memory_limit: process.env.C360_DUCKDB_MEMORY ?? "3GB",
    });
    const conn = await instance.connect();
    const engine = new DuckDbEngine(instance, conn, root);
    await conn.run(`SET GLOBAL TimeZone = 'UTC'`);
    mkdirSync(join(root, "control", "_duckdb_tmp"), { recursive: true });
    await conn.run(`SET temp_directory = ${sqlString(join(root, "control", "_duckdb_tmp"))}`);
    await conn.run(SHIMS);
    for (const layer of ["bronze", "silver", "gold"]) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
    return engine;
  }

  close(): void {
    this.prefetchConn?.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }

  async exec(sql: string): Promise<void> {
    await traced(sql, () => this.conn.run(sql));
  }

  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await traced(sql, () => this.conn.runAndReadAll(sql));
    return reader.getRowObjectsJson() as T[];
  }

  async count(sql: string): Promise<number> {
    const rows = await this.query<{ n: string | number }>(`SELECT count(*) AS n FROM (${sql})`);
    return Number(rows[0]?.n ?? 0);
  }

  tableDir(layer: string, name: string): string {
    return join(this.lakeDir, layer, name);
  }

  private parquetFiles(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith(".parquet"))
      .sort()
      .map((f) => join(dir, f));
  }

  /** Views over the Parquet tables already in the lake, for the given layers. */
  async attachLake(layers: readonly Layer[]): Promise<void> {
    for (const layer of layers) {
      const dir = join(this.lakeDir, layer);
      if (!existsSync(dir)) continue;
      for (const table of readdirSync(dir).sort()) {
        const files = this.parquetFiles(join(dir, table));
        if (files.length === 0 || !/^[a-z_][a-z0-9_]*$/.test(table)) continue;
        await this.exec(`CREATE OR REPLACE VIEW ${layer}.${table} AS ${tableScan(files)}`);
      }
    }
  }

  async relationExists(id: string): Promise<boolean> {
    const [schema, name] = id.includes(".") ? id.split(".") : ["main", id];
    const rows = await this.query(
      `SELECT 1 FROM duckdb_tables() WHERE schema_name = ${sqlString(schema!)} AND table_name = ${sqlString(name!)}
       UNION ALL SELECT 1 FROM duckdb_views() WHERE schema_name = ${sqlString(schema!)} AND view_name = ${sqlString(name!)}`,
    );
    return rows.length > 0;
  }

  async registerRunContext(rc: RunContext): Promise<void> {
    const d = (v?: string) => (v ? `DATE ${sqlString(v)}` : "CAST(NULL AS DATE)");
    await this.exec(`CREATE OR REPLACE TABLE run_context AS SELECT
      ${sqlString(rc.loadId)} AS load_id,
      CAST(${sqlString(rc.runAt)} AS TIMESTAMPTZ) AS run_at,
      ${d(rc.windowStartDate)} AS window_start_date,
      ${d(rc.windowEndDate)} AS window_end_date,
      ${d(rc.asOfDate)} AS as_of_date,
      ${sqlString(rc.environment)} AS environment`);
  }

  /** control/erasure/*.jsonl → control_erasure(customer_id, requested_at, request_id). */
  async registerErasure(): Promise<number> {
    const dir = join(this.lakeDir, "control", "erasure");
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(".jsonl"))
          .sort()
          .map((f) => join(dir, f))
      : [];
    if (files.length === 0) {
      await this.exec(
        `CREATE OR REPLACE TABLE control_erasure (customer_id VARCHAR, requested_at TIMESTAMPTZ, request_id VARCHAR)`,
      );
      return 0;
    }
    await this.exec(`CREATE OR REPLACE TEMP TABLE __erasure_requests AS
      SELECT DISTINCT json_extract_string(j, '$.customerId') AS customer_id,
             TRY_CAST(json_extract_string(j, '$.requestedAt') AS TIMESTAMPTZ) AS requested_at,
             json_extract_string(j, '$.requestId') AS request_id
      FROM (SELECT unnest(string_split(content, chr(10))) AS j FROM read_text([${files.map(sqlString).join(", ")}]))
      WHERE json_valid(j) AND json_extract_string(j, '$.customerId') IS NOT NULL`);
    // An erased person is erased under every source id resolved to the same customer_key (identity map of the last run).
    const expand = (await this.relationExists("silver.customer_identity"))
      ? `UNION SELECT i2.source_customer_id, r.requested_at, r.request_id FROM __erasure_requests AS r
         JOIN silver.customer_identity AS i1 ON i1.source_customer_id = r.customer_id
         JOIN silver.customer_identity AS i2 ON i2.customer_key = i1.customer_key`
      : "";
    await this.exec(`CREATE OR REPLACE TABLE control_erasure AS SELECT * FROM __erasure_requests ${expand}`);
    this.erasures = await this.count("SELECT * FROM control_erasure");
    // Landing lines of erased customers that bronze deletes this run (see purgeErasedLandingLines).
    await this.exec(`CREATE OR REPLACE TEMP TABLE __erased_landing (source_file VARCHAR, line_no BIGINT)`);
    return this.erasures;
  }

  /** Control tables (run records) as relations the gold data-quality model reads. */
  async registerControl(): Promise<void> {
    const specs: Record<string, string> = {
      control_model_runs:
        "load_id VARCHAR, layer VARCHAR, model VARCHAR, rows_in BIGINT, rows_out BIGINT, rows_written BIGINT, quarantined BIGINT, run_at TIMESTAMPTZ",
      control_expectation_results:
        "load_id VARCHAR, layer VARCHAR, model VARCHAR, rule VARCHAR, code VARCHAR, action VARCHAR, failed BIGINT, rows_in BIGINT, run_at TIMESTAMPTZ",
    };
    for (const [name, cols] of Object.entries(specs)) {
      const files = this.parquetFiles(join(this.lakeDir, "control", name.replace(/^control_/, "")));
      await this.exec(
        files.length
          ? `CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet([${files.map(sqlString).join(", ")}], union_by_name = true)`
          : `CREATE OR REPLACE TABLE ${name} (${cols})`,
      );
    }
  }

  async writeControl(
    name: "model_runs" | "expectation_results" | "loaded_files",
    fileStem: string,
    valuesSql: string,
  ): Promise<void> {
    const dir = join(this.lakeDir, "control", name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${fileStem}.parquet`);
    await this.exec(`COPY (${valuesSql}) TO ${sqlString(file + ".tmp")} (FORMAT PARQUET)`);
    renameSync(file + ".tmp", file);
  }

  /**
   * landing_records: one row per line of the landing JSONL files (and per row of CSV/Parquet extracts, as a JSON
   * object), for partitions inside the window and files not loaded by an earlier run (control/loaded_files).
   */
  async listLanding(windowStartDate?: string, windowEndDate?: string): Promise<LandingFile[]> {
    const landing = join(this.lakeDir, "landing");
    const loadedDir = join(this.lakeDir, "control", "loaded_files");
    const loaded = new Set<string>();
    if (this.parquetFiles(loadedDir).length > 0) {
      const rows = await this.query<{ source_file: string }>(
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
            const rel = relative(this.lakeDir, path).split("\\").join("/");
            if (!loaded.has(rel))
              files.push({ path, rel, source, type, date, ext, bytes: statSync(path).size });
          }
        }
      }
    }
    return files;
  }

  /** Cuts the landing files into batches of about `maxBytes` each (a file is never split). */
  static batches(files: LandingFile[], maxBytes: number): LandingFile[][] {
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
  async prefetchLanding(files: LandingFile[], slot: number): Promise<void> {
    this.prefetchConn ??= await this.instance.connect();
    const conn = this.prefetchConn;
    const sql = `CREATE OR REPLACE TABLE main.landing_prefetch_${slot} AS ${this.landingSql(files)}`;
    await traced(sql, () => conn.run(sql));
  }

  /** landing_records = a batch prefetchLanding split; the batch before it is dropped. */
  async useLanding(slot: number): Promise<void> {
    await this.exec(
      `CREATE OR REPLACE TEMP VIEW landing_records AS SELECT * FROM main.landing_prefetch_${slot}`,
    );
    if (slot > 0) await this.exec(`DROP TABLE IF EXISTS main.landing_prefetch_${slot - 1}`);
  }

  /** Drops landing_records and the prefetched batches (all `batches` of them) once the model is done. */
  async dropLandingPrefetch(batches: number): Promise<void> {
    await this.exec(`DROP VIEW IF EXISTS landing_records`);
    for (let slot = 0; slot < batches; slot++)
      await this.exec(`DROP TABLE IF EXISTS main.landing_prefetch_${slot}`);
  }

  /** landing_records over the given files (see listLanding). */
  private landingSql(files: LandingFile[]): string {
    const parts: string[] = [];
    const meta = (f: (typeof files)[number]) =>
      `${sqlString(f.source)} AS source_system, ${sqlString(f.type)} AS event_type, DATE ${sqlString(f.date)} AS ingest_date, ${sqlString(f.rel)} AS source_file`;
    const jsonl = files.filter((f) => f.ext === "jsonl");
    if (jsonl.length > 0) {
      // One read_text over every new JSONL file (parallel); the path gives source, type and partition date.
      // Line numbers are exact and 1-based (generate_subscripts over the file's lines, split once per file).
      const prefix = this.lakeDir.endsWith("/") ? this.lakeDir : this.lakeDir + "/";
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

  /**
   * A view model: defined over the relations it reads (the run's window and erasure tables included), inlined
   * into each reader's plan, so filters such as a reader's event type reach the Parquet scans.
   */
  async defineView(model: Model): Promise<void> {
    await this.exec(`CREATE OR REPLACE VIEW ${model.layer}.${ident(model.name)} AS ${model.sql}`);
  }

  /** Runs one model: stage its SELECT, check expectations, quarantine, materialize, write Parquet. */
  async runModel(model: Model, rc: RunContext, part = 0): Promise<ModelRunResult> {
    if (model.materialized === "view") throw new Error(`${model.id} is a view: defineView, not runModel`);
    const target = `${model.layer}.${model.name}`;
    await this.exec(`CREATE OR REPLACE TEMP TABLE __stage AS ${model.sql}`);
    const rowsIn = await this.count("SELECT * FROM __stage");
    const stageTypes = await this.columnTypes("__stage");
    const cols = [...stageTypes.keys()];
    const expectations = await this.checkExpectations(model, "__stage");
    const failedExpectations = failedRules(expectations);
    if (failedExpectations.length > 0)
      return { rowsIn, rowsOut: 0, rowsWritten: 0, quarantined: 0, expectations, failedExpectations };

    const drops = model.expectations.filter((e) => e.action === "drop");
    let quarantined = 0;
    if (drops.length > 0) {
      // An erased customer's failing rows are dropped without a quarantine copy (they are deleted below anyway).
      const erasedRows = this.erasedRows(model);
      const notErased = erasedRows ? ` AND NOT coalesce(${erasedRows}, false)` : "";
      quarantined = await this.quarantine(
        model,
        rc,
        part,
        `SELECT * FROM __stage WHERE NOT (${allPass(drops)})${notErased}`,
        cols,
      );
      await this.exec(`DELETE FROM __stage WHERE NOT (${allPass(drops)})`);
    }

    const exists = await this.relationExists(target);
    // MERGE with updates needs one source row per key (Delta raises otherwise); insert-only MERGE does not.
    if (model.materialized === "incremental" && model.updateWhen) {
      const keys = model.uniqueKey.map(ident).join(", ");
      const dup = await this.count(`SELECT ${keys} FROM __stage GROUP BY ${keys} HAVING count(*) > 1`);
      if (dup > 0 && model.materialized === "incremental")
        throw new Error(
          `${target}: the model returned ${dup} duplicate keys (${keys}); MERGE needs one row per key`,
        );
    }
    let rowsWritten: number;
    const erasedRows = this.erasedRows(model);
    const erase = async (rel: string): Promise<void> => {
      if (!erasedRows) return;
      // Bronze: where those rows came from, so purgeErasedLandingLines blanks the landing lines too.
      if (model.inputs.includes("landing_records"))
        await this.noteErasedLanding(`SELECT * FROM ${rel} WHERE ${erasedRows}`);
      await this.exec(`DELETE FROM ${rel} WHERE ${erasedRows}`);
    };
    if (model.materialized !== "scd2" && (model.materialized === "full" || !exists)) {
      // Straight from the stage to Parquet: no intermediate copy of the table.
      await erase("__stage");
      rowsWritten = await this.count("SELECT * FROM __stage");
      await this.writeTable(model.layer, model.name, "__stage", exists);
    } else if (model.materialized === "incremental" && !model.updateWhen) {
      // Insert-only MERGE (no @update_when: matched rows are kept): anti-join on the key columns and append the
      // new rows as one more Parquet file, instead of rewriting the table. Same result as
      // MERGE ... WHEN NOT MATCHED THEN INSERT.
      const on = model.uniqueKey.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(" AND ");
      const keys = model.uniqueKey.map(ident).join(", ");
      await this.exec(
        `DELETE FROM __stage AS s WHERE EXISTS (SELECT 1 FROM (SELECT ${keys} FROM ${target}) AS t WHERE ${on})`,
      );
      await erase("__stage");
      rowsWritten = await this.count("SELECT * FROM __stage");
      // A model that gained a column appends even when no row is new: the (empty) file carries the new column,
      // so downstream models can read it right away.
      if (rowsWritten > 0 || (await this.newColumns(target, stageTypes)).length > 0)
        await this.appendTable(model.layer, model.name, "__stage", rc.loadId);
      // Rows already in the table are checked once per run (on the first landing batch): later batches' rows were
      // filtered in the stage above.
      if (part === 0) await this.eraseExisting(model, target);
    } else if (model.materialized === "incremental") {
      await this.replaceTable(target, `SELECT * FROM ${target}`, exists);
      // Additive schema evolution (see newColumns): NULL in the rows already there.
      for (const [col, type] of await this.newColumns(target, stageTypes))
        await this.exec(`ALTER TABLE ${target} ADD COLUMN ${ident(col)} ${type}`);
      const on = model.uniqueKey.map((k) => `t.${ident(k)} IS NOT DISTINCT FROM s.${ident(k)}`).join(" AND ");
      const set = cols.map((c) => `${ident(c)} = s.${ident(c)}`).join(", ");
      const res = await this.query<{ Count: string }>(
        `MERGE INTO ${target} AS t USING __stage AS s ON ${on}
         WHEN MATCHED${model.updateWhen ? ` AND (${model.updateWhen})` : ""} THEN UPDATE SET ${set}
         WHEN NOT MATCHED THEN INSERT (${cols.map(ident).join(", ")}) VALUES (${cols.map((c) => `s.${ident(c)}`).join(", ")})`,
      );
      rowsWritten = Number(res[0]?.Count ?? 0);
      await erase(target);
      await this.writeTable(model.layer, model.name, target, true);
    } else {
      // The versions as they were, in the model's current shape (typed NULLs for columns it gained since): input
      // of the SCD2 rebuild and the base for counting what this run wrote.
      if (exists)
        await this.exec(`CREATE OR REPLACE TEMP TABLE __existing AS
          SELECT ${await this.projectOnto(target, stageTypes)}, valid_to, is_current FROM ${target}`);
      await this.materializeScd2(model, target, cols, exists ? "__existing" : undefined);
      await erase(target);
      rowsWritten = exists
        ? await this.count(`SELECT * FROM ${target} EXCEPT ALL SELECT * FROM __existing`)
        : await this.count(`SELECT * FROM ${target}`);
      await this.writeTable(model.layer, model.name, target, true);
    }
    await this.exec("DROP TABLE IF EXISTS __stage");
    const rowsOut = await this.count(`SELECT * FROM ${target}`);
    return { rowsIn, rowsOut, rowsWritten, quarantined, expectations, failedExpectations };
  }

  /** Counts each expectation's failing rows over `relation`. */
  private async checkExpectations(model: Model, relation: string): Promise<ExpectationResult[]> {
    if (model.expectations.length === 0) return [];
    const row = (
      await this.query<Record<string, string>>(
        `SELECT ${model.expectations.map((e, i) => `count(*) FILTER (WHERE NOT ${passes(e)}) AS e${i}`).join(", ")} FROM ${relation}`,
      )
    )[0]!;
    return model.expectations.map((e, i) => {
      const failed = Number(row[`e${i}`] ?? 0);
      return { name: e.name, code: e.code, action: e.action, failed, passed: failed === 0 };
    });
  }

  /**
   * Writes the rows of `rowsSql` (rows that failed a drop rule) to the model's quarantine, each with the first rule
   * it failed, its lineage and its raw record; returns how many.
   */
  private async quarantine(
    model: Model,
    rc: RunContext,
    part: number,
    rowsSql: string,
    cols: string[],
  ): Promise<number> {
    const drops = model.expectations.filter((e) => e.action === "drop");
    const firstFailure = (field: "code" | "name") =>
      `CASE ${drops.map((e) => `WHEN NOT ${passes(e)} THEN ${sqlString(e[field])}`).join(" ")} END`;
    const has = (c: string) => cols.includes(c);
    await this.exec(`CREATE OR REPLACE TEMP TABLE __quarantine AS
      SELECT ${sqlString(model.layer)} AS stage, ${sqlString(model.name)} AS "table",
        ${firstFailure("code")} AS reason, ${firstFailure("name")} AS rule,
        ${sqlString(rc.loadId)} AS load_id,
        ${has("source_file") ? "s.source_file" : "CAST(NULL AS VARCHAR)"} AS source_file,
        ${has("line_no") ? "s.line_no" : "CAST(NULL AS BIGINT)"} AS line_no,
        ${has("raw_record") ? "s.raw_record" : "CAST(to_json(s) AS VARCHAR)"} AS record,
        CAST(${sqlString(rc.runAt)} AS TIMESTAMPTZ) AS quarantined_at
      FROM (${rowsSql}) AS s`);
    const quarantined = await this.count("SELECT * FROM __quarantine");
    if (quarantined > 0) {
      const dir = join(
        this.lakeDir,
        "quarantine",
        model.layer,
        model.name,
        `ingest_date=${rc.runAt.slice(0, 10)}`,
      );
      mkdirSync(dir, { recursive: true });
      await this.exec(
        `COPY (SELECT * FROM __quarantine ORDER BY source_file, line_no, record) TO ${sqlString(join(dir, part === 0 ? `${rc.loadId}.jsonl` : `${rc.loadId}-${part}.jsonl`))} (FORMAT JSON)`,
      );
    }
    await this.exec("DROP TABLE __quarantine");
    return quarantined;
  }

  /**
   * Rows of erased customers: one of the model's @erase_by columns holds a requested id. Empty without requests
   * this run: nothing to delete, and bronze (erased by customer_id) is spared a scan after every landing batch.
   */
  private erasedRows(model: Model): string {
    if (this.erasures === 0) return "";
    return model.eraseBy.map((c) => `${ident(c)} IN (SELECT customer_id FROM control_erasure)`).join(" OR ");
  }

  /** Landing positions of erased bronze rows (`rowsSql`), for purgeErasedLandingLines. */
  private async noteErasedLanding(rowsSql: string): Promise<void> {
    await this.exec(
      `INSERT INTO __erased_landing SELECT source_file, line_no FROM (${rowsSql}) WHERE record_format = 'jsonl'`,
    );
  }

  /** Insert-only tables: rows already in the table that belong to erased customers, removed by a rewrite. */
  private async eraseExisting(model: Model, target: string): Promise<void> {
    const erasedRows = this.erasedRows(model);
    if (!erasedRows || (await this.count(`SELECT 1 FROM ${target} WHERE ${erasedRows}`)) === 0) return;
    await this.replaceTable(target, `SELECT * FROM ${target}`, true);
    if (model.inputs.includes("landing_records"))
      await this.noteErasedLanding(`SELECT * FROM ${target} WHERE ${erasedRows}`);
    await this.exec(`DELETE FROM ${target} WHERE ${erasedRows}`);
    await this.writeTable(model.layer, model.name, target, true);
  }

  /**
   * Erasure reaches the batch quarantine: every quarantined record (quarantine/<layer>/<table>/.../*.jsonl) that
   * names an erased id as a JSON string — in the envelope, the payload, or a silver row — is removed from its file
   * (rewritten to .tmp and renamed; deleted when nothing is left). A textual match on purpose: a quarantined line is
   * often not parseable at all. Bronze records removed here have their landing lines blanked too (their positions
   * go to the same list as erased bronze rows). Returns how many records were removed.
   */
  async purgeErasedQuarantine(): Promise<number> {
    if (this.erasures === 0) return 0;
    const ids = (
      await this.query<{ customer_id: string }>(
        "SELECT DISTINCT customer_id FROM control_erasure WHERE customer_id IS NOT NULL AND customer_id <> ''",
      )
    ).map((r) => r.customer_id);
    if (ids.length === 0) return 0;
    const tokens = ids.map((id) => JSON.stringify(id));
    // One pass per line for any number of requests; ids are matched literally.
    const anyId = new RegExp(ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
    const root = join(this.lakeDir, "quarantine");
    const files = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".jsonl") ? [join(dir, e.name)] : [],
          )
        : [];
    let removed = 0;
    const positions: string[] = [];
    for (const file of ["bronze", "silver", "gold"].flatMap((layer) => files(join(root, layer)))) {
      const lines = readFileSync(file, "utf8").split("\n");
      const keep = lines.filter((line) => {
        // Cheap test first: the id must appear in the line at all (escaped inside the record string).
        if (line === "" || !anyId.test(line)) return true;
        const rec = JSON.parse(line) as {
          stage?: string;
          record?: string;
          source_file?: string;
          line_no?: number;
        };
        if (!tokens.some((t) => (rec.record ?? "").includes(t))) return true;
        if (rec.stage === "bronze" && rec.source_file && rec.line_no)
          positions.push(`(${sqlString(rec.source_file)}, ${Number(rec.line_no)})`);
        return false;
      });
      if (keep.length === lines.length) continue;
      removed += lines.length - keep.length;
      if (keep.every((l) => l === "")) rmSync(file);
      else {
        writeFileSync(file + ".tmp", keep.join("\n"));
        renameSync(file + ".tmp", file);
      }
    }
    if (positions.length > 0) await this.exec(`INSERT INTO __erased_landing VALUES ${positions.join(", ")}`);
    return removed;
  }

  /**
   * Erasure reaches the raw landing files: each JSONL line whose bronze row was erased this run becomes an empty
   * line (written to .tmp, then renamed). Line positions stay, so every other bronze row still points at its line,
   * and bronze skips empty lines if a file is read again. Returns how many lines were blanked.
   */
  async purgeErasedLandingLines(): Promise<number> {
    if (this.erasures === 0) return 0;
    const rows = await this.query<{ source_file: string; lines: number[] }>(
      `SELECT source_file, list(DISTINCT CAST(line_no AS INTEGER)) AS lines FROM __erased_landing
       WHERE source_file IS NOT NULL AND line_no IS NOT NULL GROUP BY source_file ORDER BY source_file`,
    );
    let lines = 0;
    for (const row of rows) {
      const path = resolve(this.lakeDir, row.source_file);
      // Only files inside the lake's landing zone (source_file comes from the table, not from a user).
      if (!path.startsWith(join(this.lakeDir, "landing") + "/") || !existsSync(path)) continue;
      const text = readFileSync(path, "utf8").split("\n");
      let blanked = 0;
      for (const n of row.lines) {
        if (n >= 1 && n <= text.length && text[n - 1] !== "") {
          text[n - 1] = "";
          blanked++;
        }
      }
      if (blanked === 0) continue;
      writeFileSync(path + ".tmp", text.join("\n"));
      renameSync(path + ".tmp", path);
      lines += blanked;
    }
    return lines;
  }

  private async columnTypes(relation: string): Promise<Map<string, string>> {
    const rows = await this.query<{ column_name: string; column_type: string }>(
      `SELECT column_name, column_type FROM (DESCRIBE ${relation})`,
    );
    return new Map(rows.map((r) => [r.column_name, r.column_type]));
  }

  /**
   * Schema evolution, additive only: the columns the model now returns but the existing table lacks, with their
   * types. Runs add them (NULL in the rows already there), as Delta's schema auto-merge does on Databricks;
   * columns the model no longer returns stay in the table and get NULL in new rows.
   */
  private async newColumns(target: string, stageTypes: Map<string, string>): Promise<[string, string][]> {
    const have = await this.columnTypes(target);
    return [...stageTypes].filter(([c]) => !have.has(c));
  }

  /** Select list of the stage's columns read from `target`, typed NULLs for those `target` does not have yet. */
  private async projectOnto(target: string, stageTypes: Map<string, string>): Promise<string> {
    const have = await this.columnTypes(target);
    return [...stageTypes]
      .map(([c, type]) => (have.has(c) ? ident(c) : `CAST(NULL AS ${type}) AS ${ident(c)}`))
      .join(", ");
  }

  /** Makes `target` a DuckDB table holding `selectSql` (it may be a view over Parquet before). */
  private async replaceTable(target: string, selectSql: string, exists: boolean): Promise<void> {
    await this.exec(`CREATE OR REPLACE TEMP TABLE __replacement AS ${selectSql}`);
    if (exists) await this.dropRelation(target);
    await this.exec(`CREATE TABLE ${target} AS SELECT * FROM __replacement`);
    await this.exec(`DROP TABLE __replacement`);
  }

  /**
   * SCD2: existing versions ∪ new versions, one row per (key, valid_from), consecutive versions with the same
   * compare value collapsed, then valid_to = next version's valid_from and is_current on the last one.
   * Re-applying the same versions changes nothing (idempotent); versions arriving late slot into place.
   */
  /** `existing`: the table's versions in the stage's shape, undefined when the table does not exist yet. */
  private async materializeScd2(
    model: Model,
    target: string,
    cols: string[],
    existing: string | undefined,
  ): Promise<void> {
    const keys = model.uniqueKey.map(ident).join(", ");
    const vf = ident(model.validFrom!);
    const cmp = ident(model.compare!);
    const list = cols.map(ident).join(", ");
    await this.replaceTable(
      target,
      `WITH all_versions AS (
         SELECT ${list}, 0 AS __src FROM ${existing ?? "__stage WHERE false"} UNION ALL SELECT ${list}, 1 AS __src FROM __stage),
       one_per_instant AS (
         SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ${keys}, ${vf} ORDER BY ${cmp} DESC, __src ASC) AS __rn
                        FROM all_versions) WHERE __rn = 1),
       changes AS (
         SELECT *, lag(${cmp}) OVER (PARTITION BY ${keys} ORDER BY ${vf}) AS __prev FROM one_per_instant)
       SELECT ${list}, lead(${vf}) OVER (PARTITION BY ${keys} ORDER BY ${vf}) AS valid_to,
              lead(${vf}) OVER (PARTITION BY ${keys} ORDER BY ${vf}) IS NULL AS is_current
       FROM changes WHERE __prev IS NULL OR __prev <> ${cmp}`,
      existing !== undefined,
    );
  }

  /** Drops `target` whether it is a view (over Parquet) or a table. */
  private async dropRelation(target: string): Promise<void> {
    const isView = (
      await this.query(
        `SELECT 1 FROM duckdb_views() WHERE schema_name || '.' || view_name = ${sqlString(target)}`,
      )
    ).length;
    await this.exec(isView ? `DROP VIEW IF EXISTS ${target}` : `DROP TABLE IF EXISTS ${target}`);
  }

  /** Adds `source` to the table as one more Parquet file and re-points the view at all of the table's files. */
  async appendTable(layer: string, name: string, source: string, loadId: string): Promise<void> {
    const dir = this.tableDir(layer, name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `part-${loadId}-${Date.now()}.parquet`);
    await this.exec(
      `COPY (SELECT * FROM ${source}) TO ${sqlString(file + ".tmp")} (${parquetOptions(layer)})`,
    );
    renameSync(file + ".tmp", file);
    const files = this.parquetFiles(dir);
    await this.exec(`CREATE OR REPLACE VIEW ${layer}.${name} AS ${tableScan(files)}`);
  }

  /**
   * Writes `source` as the table's one Parquet file (to .tmp, then renamed: readers never see a half file) and
   * re-points `<layer>.<name>` at it as a view, so the rows leave memory before the next model runs.
   */
  async writeTable(layer: string, name: string, source: string, exists: boolean): Promise<void> {
    const dir = this.tableDir(layer, name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "part-00000.parquet");
    await this.exec(
      `COPY (SELECT * FROM ${source}) TO ${sqlString(file + ".tmp")} (${parquetOptions(layer)})`,
    );
    const target = `${layer}.${name}`;
    if (exists || source === target) await this.dropRelation(target);
    for (const f of readdirSync(dir)) if (f.endsWith(".parquet")) rmSync(join(dir, f));
    renameSync(file + ".tmp", file);
    await this.exec(`CREATE OR REPLACE VIEW ${target} AS SELECT * FROM read_parquet(${sqlString(file)})`);
  }
}
