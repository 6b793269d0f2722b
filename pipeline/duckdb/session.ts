/**
 * DuckDB session of one layer run: the in-memory instance, its connections, statement helpers and the lake's
 * Parquet tables attached under their layer schema (`bronze.events`, `silver.orders`, ...), plus the run context and
 * control relations the models read.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

import { sqlString } from "../core/expectations";
import type { RunContext } from "../core/types";
import type { Layer } from "../models";

export { sqlString };

const TRACE = process.env.C360_PIPELINE_TRACE === "1";
/**
 * Runs one statement; with C360_PIPELINE_TRACE=1, prints its wall time, the process's CPU time over it (DuckDB's
 * threads included, so ~200% means both cores were busy), the process's peak RSS so far (the statement that raises
 * it is the one that set the layer's peak) and the SQL's start. No clock reads otherwise.
 */
export async function traced<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!TRACE) return run();
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  const result = await run();
  const cpuMs = cpuMsSince(c0);
  console.error(
    `[duckdb ${Date.now() - t0} ms, cpu ${cpuMs} ms, peak ${peakRssMib()} MiB] ${sql.replace(/\s+/g, " ").slice(0, 160)}`,
  );
  return result;
}

/** The process's CPU time since `start` (a process.cpuUsage() reading): every thread's, user and system, in ms. */
export const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const cpu = process.cpuUsage(start);
  return Math.round((cpu.user + cpu.system) / 1000);
};

/** The process's peak resident set size so far (the kernel's high-water mark, getrusage's maxRSS in KiB), MiB. */
export const peakRssMib = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

const SHIMS = readFileSync(join(__dirname, "shims.sql"), "utf8");

export const ident = (s: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`invalid identifier ${s}`);
  return s;
};

/**
 * A timestamp as JSON text: ISO 8601 in UTC with milliseconds, as JavaScript's toISOString() and the Spark runtime's
 * JSON_TIMESTAMP_FORMAT write it (the session's time zone is UTC). DuckDB's own JSON text is `2024-04-30 01:02:03.5+00`.
 */
export const isoInstantSql = (timestamp: string): string => `strftime(${timestamp}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

/**
 * A table's Parquet files as one relation. Files are matched by column name, not position: after a model gains a
 * column (schema evolution), files appended before it lack the column and read it as NULL.
 */
export function tableScan(files: string[]): string {
  const list = `[${files.map(sqlString).join(", ")}]`;
  return files.length > 1
    ? `SELECT * FROM read_parquet(${list}, union_by_name = true)`
    : `SELECT * FROM read_parquet(${list})`;
}

export function parquetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".parquet"))
    .sort()
    .map((f) => join(dir, f));
}

/** DuckDB's memory limit for a run: C360_DUCKDB_MEMORY, 3GB by default (DuckDB's spelling: 3GB, 500MB, 2GiB). */
export function memoryLimit(): string {
  return process.env.C360_DUCKDB_MEMORY ?? "3GB";
}

const UNITS: Record<string, number> = {
  "": 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/** memoryLimit() in bytes, read as DuckDB reads it (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024). */
export function memoryLimitBytes(): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(memoryLimit());
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined)
    throw new Error(`C360_DUCKDB_MEMORY must be a size such as 3GB, 500MB or 2GiB, got ${memoryLimit()}`);
  return Number(m[1]) * unit;
}

export class DuckDbSession {
  /** Erasure requests of this run (registerErasure); with none, the per-model erase statements are skipped. */
  erasures = 0;
  /** Second connection, for prefetchLanding. */
  private prefetchConn: DuckDBConnection | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly lakeDir: string,
  ) {}

  static async open(lakeDir: string): Promise<DuckDbSession> {
    const root = resolve(lakeDir);
    mkdirSync(root, { recursive: true });
    const instance = await DuckDBInstance.create(":memory:", {
      default_null_order: "nulls_first_on_asc_last_on_desc",
      preserve_insertion_order: "false",
      // Bounded memory: beyond this DuckDB spills to control/_duckdb_tmp (benchmark goal: peak RSS ≤ 4 GiB at 1M
      // orders; measured 1.8–2.3 GiB there, 4.0–5.0 GiB at 10M). At 2 GB the 3M-row behavioural-events stage spilled
      // (+4 s at 1M); C360_DUCKDB_MEMORY=2GB trades that time for ~1 GiB less at 10M.
      memory_limit: memoryLimit(),
    });
    const conn = await instance.connect();
    const session = new DuckDbSession(instance, conn, root);
    await conn.run(`SET GLOBAL TimeZone = 'UTC'`);
    mkdirSync(join(root, "control", "_duckdb_tmp"), { recursive: true });
    await conn.run(`SET temp_directory = ${sqlString(join(root, "control", "_duckdb_tmp"))}`);
    await conn.run(SHIMS);
    for (const layer of ["bronze", "silver", "gold"]) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
    return session;
  }

  close(): void {
    this.prefetchConn?.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }

  /** The second connection (created on first use): runs the next landing batch's split meanwhile. */
  async prefetchConnection(): Promise<DuckDBConnection> {
    this.prefetchConn ??= await this.instance.connect();
    return this.prefetchConn;
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

  /** Views over the Parquet tables already in the lake, for the given layers. */
  async attachLake(layers: readonly Layer[]): Promise<void> {
    for (const layer of layers) {
      const dir = join(this.lakeDir, layer);
      if (!existsSync(dir)) continue;
      for (const table of readdirSync(dir).sort())
        if (/^[a-z_][a-z0-9_]*$/.test(table)) await this.pointTableView(layer, table);
    }
  }

  /**
   * (Re)defines the view `<layer>.<name>` over every Parquet file in the table's folder; nothing when it has none.
   * Binding it reads each file's schema (union_by_name), so its cost grows with the table's file count.
   */
  async pointTableView(layer: string, name: string): Promise<void> {
    const files = parquetFiles(this.tableDir(layer, name));
    if (files.length > 0) await this.exec(`CREATE OR REPLACE VIEW ${layer}.${name} AS ${tableScan(files)}`);
  }

  async relationExists(id: string): Promise<boolean> {
    const [schema, name] = id.includes(".") ? id.split(".") : ["main", id];
    const rows = await this.query(
      `SELECT 1 FROM duckdb_tables() WHERE schema_name = ${sqlString(schema!)} AND table_name = ${sqlString(name!)}
       UNION ALL SELECT 1 FROM duckdb_views() WHERE schema_name = ${sqlString(schema!)} AND view_name = ${sqlString(name!)}`,
    );
    return rows.length > 0;
  }

  async columnTypes(relation: string): Promise<Map<string, string>> {
    const rows = await this.query<{ column_name: string; column_type: string }>(
      `SELECT column_name, column_type FROM (DESCRIBE ${relation})`,
    );
    return new Map(rows.map((r) => [r.column_name, r.column_type]));
  }

  /** Drops `target` whether it is a view (over Parquet) or a table. */
  async dropRelation(target: string): Promise<void> {
    const isView = (
      await this.query(
        `SELECT 1 FROM duckdb_views() WHERE schema_name || '.' || view_name = ${sqlString(target)}`,
      )
    ).length;
    await this.exec(isView ? `DROP VIEW IF EXISTS ${target}` : `DROP TABLE IF EXISTS ${target}`);
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

  /** Control tables (run records) as relations the gold data-quality model reads. */
  async registerControl(): Promise<void> {
    const window = "window_start_date DATE, window_end_date DATE";
    const specs: Record<string, string> = {
      control_model_runs: `load_id VARCHAR, layer VARCHAR, model VARCHAR, rows_in BIGINT, rows_out BIGINT, rows_written BIGINT, quarantined BIGINT, run_at TIMESTAMPTZ, ${window}`,
      control_expectation_results: `load_id VARCHAR, layer VARCHAR, model VARCHAR, rule VARCHAR, code VARCHAR, action VARCHAR, failed BIGINT, rows_in BIGINT, run_at TIMESTAMPTZ, ${window}`,
    };
    for (const [name, cols] of Object.entries(specs)) {
      const files = parquetFiles(join(this.lakeDir, "control", name.replace(/^control_/, "")));
      await this.exec(`CREATE OR REPLACE TABLE ${name} (${cols})`);
      // Records written before a column existed (the window) read it as NULL.
      if (files.length)
        await this.exec(
          `INSERT INTO ${name} BY NAME SELECT * FROM read_parquet([${files.map(sqlString).join(", ")}], union_by_name = true)`,
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
}
