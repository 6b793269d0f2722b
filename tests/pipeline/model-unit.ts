/**
 * Runs one SQL model on DuckDB (with the engine's shims and settings) over input relations given as SQL, so a
 * model's formulas can be pinned with given/expected rows without building a whole lake.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DuckDbSession } from "../../pipeline/duckdb/session";
import { loadAllModels } from "../../pipeline/models";

export type Row = Record<string, unknown>;

/** `inputs`: relation name (e.g. `silver.sessions`, `run_context`) → a SELECT that gives its rows. */
export async function runModelOn(
  modelId: string,
  inputs: Record<string, string>,
  orderBy: string,
): Promise<Row[]> {
  const model = loadAllModels().find((m) => m.id === modelId);
  if (!model) throw new Error(`no model ${modelId}`);
  const dir = mkdtempSync(join(tmpdir(), "c360-model-unit-"));
  const engine = await DuckDbSession.open(dir);
  try {
    for (const [name, select] of Object.entries(inputs))
      await engine.exec(`CREATE OR REPLACE TABLE ${name} AS ${select}`);
    return await engine.query<Row>(`SELECT * FROM (${model.sql}) AS m ORDER BY ${orderBy}`);
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `VALUES` rows as a SELECT with named columns. */
export function valuesOf(columns: string[], rows: (string | number | boolean | null)[][]): string {
  const lit = (v: string | number | boolean | null): string =>
    v === null ? "NULL" : typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : String(v);
  return `SELECT * FROM (VALUES ${rows.map((r) => `(${r.map(lit).join(", ")})`).join(", ")}) AS t(${columns.join(", ")})`;
}
