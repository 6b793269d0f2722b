/**
 * `@slice <cte>.<column>`: the model's rows depend only on input rows that share `column` of its CTE `cte` (silver.
 * sessions: a visitor's events make that visitor's sessions). DuckDB then computes a large model one slice of that
 * CTE at a time — the rows whose `hash(column)` falls in the slice — and the stage is the union of the slices. A
 * window or aggregation over tens of millions of rows sorted past the memory limit and spilled (silver.sessions at
 * 10M orders: two window sorts over 30M events); a slice fits. Each slice scans the CTE's input again, so a model is
 * sliced only when the CTE holds more than C360_DUCKDB_SLICE_ROWS rows (by default 8M per 3 GB of DuckDB's memory
 * limit, C360_DUCKDB_MEMORY: 8M at the default 3GB, 1.3M at 500MB). Spark ignores the annotation: its shuffle
 * partitions do this. See docs/pipeline.md (2026-12-06).
 */
import type { Model } from "../models";
import { type DuckDbSession, memoryLimitBytes } from "./session";
import { topLevelCtes } from "./staged-cte";

/**
 * Rows a slice may hold per byte of memory limit: 8M at the default 3 GB. Measured on silver.sessions at 10M orders
 * (30M events): 2 slices (16M rows each) 28.3 s at 3,434 MiB, 4 slices 28.6 s at 2,534 MiB, 6 slices 31.3 s.
 */
const SLICE_ROWS_PER_BYTE = 8_000_000 / 3e9;

/** The model's SELECT as one statement per slice (just `model.sql` when it is not sliced). */
export async function sliceModel(db: DuckDbSession, model: Model): Promise<string[]> {
  if (!model.slice) return [model.sql];
  const { cte: name, column } = model.slice;
  const cte = topLevelCtes(model.sql).find((c) => c.name === name);
  if (!cte)
    throw new Error(
      `${model.path}: @slice ${name}.${column}: ${name} is not a CTE of the model's top-level WITH`,
    );
  const rows = await db.count(`${model.sql.slice(0, cte.close + 1)} SELECT * FROM ${name}`);
  const slices = Math.ceil(rows / sliceRows());
  if (slices <= 1) return [model.sql];
  const body = model.sql.slice(cte.open + 1, cte.close);
  return Array.from(
    { length: slices },
    (_, i) =>
      `${model.sql.slice(0, cte.open + 1)}SELECT * FROM (${body}\n) AS __slice WHERE hash(__slice.${column}) % ${slices} = ${i}${model.sql.slice(cte.close)}`,
  );
}

function sliceRows(): number {
  const set = process.env.C360_DUCKDB_SLICE_ROWS;
  if (set === undefined) return Math.max(1, Math.floor(memoryLimitBytes() * SLICE_ROWS_PER_BYTE));
  const v = Number(set);
  if (!Number.isInteger(v) || v < 1)
    throw new Error(
      `C360_DUCKDB_SLICE_ROWS must be a positive whole number of rows, got ${process.env.C360_DUCKDB_SLICE_ROWS}`,
    );
  return v;
}
