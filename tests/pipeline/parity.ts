/**
 * Engine parity: the tables and quarantine records of a DuckDB lake and a Spark lake, compared row for row.
 * Rows are compared as multisets after a typed canonical form per column: exact for strings, integers (any width),
 * decimals (by value), dates, timestamps (as instants) and booleans; DOUBLE columns (the type a model gives them)
 * to 10 significant digits. Columns stamped with the run's wall-clock time are left out.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

import { MODELS_DIR } from "../../pipeline/models";

/**
 * Stamped with the run's own clock (run_context.run_at = now()), which differs between two runs of the same window:
 * the columns the models select as `rc.run_at AS <column>` (ingested_at, processed_at, gold.profile_traits'
 * computed_at), and the run records' and quarantine records' own stamps. Read from the models, so no other column
 * can be left out of the comparison by name.
 */
export const WALL_CLOCK = new Set([
  "run_at",
  "quarantined_at",
  ...readdirSync(MODELS_DIR, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".sql"))
    .flatMap((f) =>
      [...readFileSync(join(MODELS_DIR, f), "utf8").matchAll(/\brc\.run_at AS (\w+)/g)].map((m) => m[1]!),
    ),
]);

type Family = "string" | "integer" | "decimal" | "double" | "date" | "timestamp" | "boolean" | "other";

function family(type: string): Family {
  const t = type.toUpperCase();
  if (t === "VARCHAR") return "string";
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t))
    return "integer";
  if (t.startsWith("DECIMAL")) return "decimal";
  if (t === "DOUBLE" || t === "FLOAT") return "double";
  if (t === "DATE") return "date";
  if (t.startsWith("TIMESTAMP")) return "timestamp";
  if (t === "BOOLEAN") return "boolean";
  return "other";
}

function canonical(col: string, f: Family): string {
  const c = `"${col}"`;
  switch (f) {
    case "integer":
      return `CAST(CAST(${c} AS HUGEINT) AS VARCHAR)`;
    case "decimal":
      return `CAST(CAST(${c} AS DECIMAL(38, 12)) AS VARCHAR)`;
    case "double":
      return `printf('%.10g', ${c})`;
    case "timestamp":
      return `CAST(epoch_us(CAST(${c} AS TIMESTAMPTZ)) AS VARCHAR)`;
    default:
      return `CAST(${c} AS VARCHAR)`;
  }
}

export interface TableDiff {
  table: string;
  problem: string;
  onlyDuckDb?: string[];
  onlySpark?: string[];
}

/** Parquet files of each table: `<root>/<layer>/<table>/*.parquet`. */
function tables(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const layer of ["bronze", "silver", "gold"]) {
    const dir = join(root, layer);
    if (!existsSync(dir)) continue;
    for (const t of readdirSync(dir)) {
      const files = readdirSync(join(dir, t))
        .filter((f) => f.endsWith(".parquet"))
        .map((f) => join(dir, t, f));
      if (files.length > 0) out.set(`${layer}.${t}`, files);
    }
  }
  return out;
}

/**
 * The Parquet files of a Delta table's current version, from its transaction log (`_delta_log/`): the last
 * checkpoint's live files, then every later commit's add and remove actions in order. Deletion vectors and column
 * mapping (which the runtime does not enable) would make the files alone wrong: they fail here instead.
 */
export async function deltaFiles(
  table: string,
  db: DuckDBConnection,
): Promise<{ files: string[]; schema: string }> {
  const log = join(table, "_delta_log");
  const live = new Set<string>();
  let schema = "";
  let from = -1;
  const last = join(log, "_last_checkpoint");
  if (existsSync(last)) {
    const { version, parts } = JSON.parse(readFileSync(last, "utf8")) as { version: number; parts?: number };
    if (parts) throw new Error(`${table}: multi-part checkpoints are not read here`);
    const file = join(log, `${String(version).padStart(20, "0")}.checkpoint.parquet`);
    const adds = await db.runAndReadAll(
      `SELECT "add".path AS path, "add".deletionVector IS NOT NULL AS dv FROM read_parquet('${file}') WHERE "add" IS NOT NULL`,
    );
    for (const r of adds.getRowObjectsJson()) {
      if (r.dv) throw new Error(`${table}: deletion vectors are not read here`);
      live.add(String(r.path));
    }
    const meta = await db.runAndReadAll(
      `SELECT "metaData".schemaString AS s FROM read_parquet('${file}') WHERE "metaData" IS NOT NULL`,
    );
    schema = String(meta.getRowObjectsJson()[0]?.s ?? "");
    from = version;
  }
  const commits = readdirSync(log)
    .filter((f) => /^\d{20}\.json$/.test(f) && Number(f.slice(0, 20)) > from)
    .sort();
  for (const commit of commits)
    for (const line of readFileSync(join(log, commit), "utf8").split("\n").filter(Boolean)) {
      const a = JSON.parse(line) as {
        add?: { path: string; deletionVector?: unknown };
        remove?: { path: string };
        metaData?: { configuration?: Record<string, string>; schemaString?: string };
      };
      if (a.metaData?.schemaString) schema = a.metaData.schemaString;
      if (a.add?.deletionVector) throw new Error(`${table}: deletion vectors are not read here`);
      const mapping = a.metaData?.configuration?.["delta.columnMapping.mode"];
      if (mapping && mapping !== "none") throw new Error(`${table}: column mapping is not read here`);
      if (a.add) live.add(a.add.path);
      if (a.remove) live.delete(a.remove.path);
    }
  return { files: [...live].map((p) => join(table, decodeURIComponent(p))).sort(), schema };
}

/** DuckDB's type for a Delta schema field's type (nested types as a list: the comparison only asks "other"). */
function duckType(t: unknown): string {
  if (typeof t !== "string") return "VARCHAR[]";
  const simple: Record<string, string> = {
    string: "VARCHAR",
    long: "BIGINT",
    integer: "INTEGER",
    short: "SMALLINT",
    byte: "TINYINT",
    double: "DOUBLE",
    float: "FLOAT",
    boolean: "BOOLEAN",
    date: "DATE",
    timestamp: "TIMESTAMPTZ",
    timestamp_ntz: "TIMESTAMP",
    binary: "BLOB",
  };
  return simple[t] ?? (/^decimal\(\d+,\s*\d+\)$/.test(t) ? t.toUpperCase() : "VARCHAR[]");
}

/** A relation for a Delta table: its files, or (a table with no rows has no file) no rows of its logged schema. */
function deltaRelation({ files, schema }: { files: string[]; schema: string }): string {
  if (files.length > 0)
    return `read_parquet([${files.map((f) => `'${f}'`).join(", ")}], union_by_name = true)`;
  const fields = (JSON.parse(schema) as { fields: { name: string; type: unknown }[] }).fields;
  return `(SELECT ${fields.map((f) => `CAST(NULL AS ${duckType(f.type)}) AS "${f.name}"`).join(", ")} WHERE false)`;
}

/** The Delta tables of a Spark lake's layer zones (one root per zone) as `<layer>.<table>` → current files. */
async function deltaTables(
  zones: Record<string, string>,
  db: DuckDBConnection,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const layer of ["bronze", "silver", "gold"]) {
    const root = zones[layer]!;
    if (!existsSync(root)) continue;
    for (const t of readdirSync(root).sort())
      if (existsSync(join(root, t, "_delta_log")))
        out.set(`${layer}.${t}`, deltaRelation(await deltaFiles(join(root, t), db)));
  }
  return out;
}

/**
 * Compares every table of `duckRoot` (the DuckDB lake) with the Delta tables of a Spark lake (`sparkZones`: the
 * zone roots; each table's current files read from its Delta log). Returns the differences (none = parity) and
 * how many rows each table had.
 */
export async function compareTables(
  duckRoot: string,
  sparkZones: Record<string, string>,
): Promise<{ diffs: TableDiff[]; rows: Record<string, number> }> {
  const diffs: TableDiff[] = [];
  const rows: Record<string, number> = {};
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const q = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJson();
  const list = (files: string[]) => `[${files.map((f) => `'${f}'`).join(", ")}]`;
  try {
    await c.run("SET TimeZone = 'UTC'");
    const duck = tables(duckRoot);
    const spark = await deltaTables(sparkZones, c);
    for (const name of [...new Set([...duck.keys(), ...spark.keys()])].sort()) {
      const d = duck.get(name);
      const s = spark.get(name);
      if (!d || !s) {
        diffs.push({ table: name, problem: `only in ${d ? "DuckDB" : "Spark"}` });
        continue;
      }
      await c.run(`CREATE OR REPLACE VIEW d AS SELECT * FROM read_parquet(${list(d)}, union_by_name = true)`);
      await c.run(`CREATE OR REPLACE VIEW s AS SELECT * FROM ${s}`);
      const types = async (v: string) =>
        new Map(
          (await q(`SELECT column_name, column_type FROM (DESCRIBE ${v})`)).map((r) => [
            String(r.column_name),
            String(r.column_type),
          ]),
        );
      const dt = await types("d");
      const st = await types("s");
      const cols = [...dt.keys()].filter((k) => !WALL_CLOCK.has(k));
      const missing = [...new Set([...dt.keys(), ...st.keys()])].filter((k) => !dt.has(k) || !st.has(k));
      if (missing.length > 0) {
        diffs.push({ table: name, problem: `columns in one engine only: ${missing.join(", ")}` });
        continue;
      }
      const mismatched = cols.filter((k) => family(dt.get(k)!) !== family(st.get(k)!));
      if (mismatched.length > 0) {
        diffs.push({
          table: name,
          problem: `types differ: ${mismatched.map((k) => `${k} ${dt.get(k)} vs ${st.get(k)}`).join(", ")}`,
        });
        continue;
      }
      const select = (v: string) =>
        `SELECT ${cols.map((k) => `${canonical(k, family(dt.get(k)!))} AS "${k}"`).join(", ")} FROM ${v}`;
      const show = async (a: string, b: string) =>
        (await q(`SELECT * FROM (${select(a)} EXCEPT ALL ${select(b)}) LIMIT 3`)).map((r) =>
          JSON.stringify(r),
        );
      const [nd, ns] = [
        Number((await q("SELECT count(*) AS n FROM d"))[0]!.n),
        Number((await q("SELECT count(*) AS n FROM s"))[0]!.n),
      ];
      rows[name] = nd;
      const onlyDuckDb = await show("d", "s");
      const onlySpark = await show("s", "d");
      if (nd !== ns || onlyDuckDb.length > 0 || onlySpark.length > 0)
        diffs.push({ table: name, problem: `${nd} rows in DuckDB, ${ns} in Spark`, onlyDuckDb, onlySpark });
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return { diffs, rows };
}

/** A JSON value with numbers as numbers and timestamp strings as instants (engines print both their own way). */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !WALL_CLOCK.has(k))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, normalize(x)]),
    );
  if (
    typeof v === "string" &&
    /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(v)
  ) {
    const iso = v.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00");
    return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`).toISOString();
  }
  return v;
}

/**
 * A quarantine record's key as both engines compute it (quarantineKeySql, pipeline/core/expectations.ts): sha256 of
 * stage | table | source file | line | record text.
 */
function recordKey(rec: Record<string, unknown>): string {
  const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  const parts = [rec.stage, rec.table, text(rec.source_file), text(rec.line_no), text(rec.record)];
  return createHash("sha256").update(parts.join("|")).digest("hex");
}

/**
 * Every quarantine record of a lake's quarantine zone (`<root>`), as sorted canonical JSON strings. The record's text
 * and its key are kept exactly as written: both engines must write the same text (a silver row's timestamps as ISO
 * instants) and so the same key, and the key must be the sha256 of the record it keys (a wrong one fails as
 * `wrong key: <key>`). The other fields are normalized (key order, timestamp spelling) and the run's clock left out.
 */
export function quarantineRecords(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".jsonl"))
        for (const line of readFileSync(p, "utf8").split("\n").filter(Boolean)) {
          const rec = JSON.parse(line) as Record<string, unknown>;
          const { record, record_key: key } = rec;
          if (key !== recordKey(rec)) rec.record_key = `wrong key: ${String(key)}`;
          out.push(JSON.stringify({ ...(normalize(rec) as object), record, record_key: rec.record_key }));
        }
    }
  };
  walk(root);
  return out.sort();
}
