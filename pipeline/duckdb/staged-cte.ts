/**
 * `@stage_cte <name>`: a model's CTE that DuckDB writes to Parquet once and reads from there wherever the model
 * refers to it. DuckDB keeps a CTE that is read more than once in memory (materialized); a wide one of tens of
 * millions of rows spilled past the memory limit and was read back from the spill once per reference (silver.orders'
 * `renamed` at 10M orders: 22 s of its 53). From Parquet each reference reads only the columns it needs. Spark
 * ignores the annotation. See docs/pipeline.md (2026-12-06).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import type { Model } from "../models";
import { type DuckDbSession, sqlString } from "./session";

export interface Cte {
  name: string;
  /** Offsets in the model's SQL: the name's start, and the body's parentheses (open and close, inclusive). */
  start: number;
  open: number;
  close: number;
}

/**
 * The CTEs of the model's top-level WITH, in order. Comments (`--` to the end of the line) and string literals are
 * skipped, so a parenthesis or quote inside them does not count.
 */
export function topLevelCtes(sql: string): Cte[] {
  const code = blankCommentsAndStrings(sql);
  const withAt = /^\s*WITH\s/i.exec(code);
  if (!withAt) return [];
  const ctes: Cte[] = [];
  let i = withAt[0].length;
  for (;;) {
    const head = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+AS\s*\(/i.exec(code.slice(i));
    if (!head) break;
    const start = i + head[0].indexOf(head[1]!);
    const open = i + head[0].length - 1;
    const close = matchingParen(code, open);
    ctes.push({ name: head[1]!, start, open, close });
    const comma = /^\s*,/.exec(code.slice(close + 1));
    if (!comma) break;
    i = close + 1 + comma[0].length;
  }
  return ctes;
}

/**
 * The model with each `@stage_cte` CTE written to Parquet under `dir` and read from there (NOT MATERIALIZED: every
 * reference is a scan of the file). Returns the rewritten model; the caller removes `dir` when the model is done.
 */
export async function stageCtes(db: DuckDbSession, model: Model, dir: string): Promise<Model> {
  if (model.stageCtes.length === 0) return model;
  let sql = model.sql;
  for (const name of model.stageCtes) {
    const ctes = topLevelCtes(sql);
    const at = ctes.findIndex((c) => c.name === name);
    if (at < 0)
      throw new Error(`${model.path}: @stage_cte ${name} is not a CTE of the model's top-level WITH`);
    const cte = ctes[at]!;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.parquet`);
    // The CTEs up to this one, then its rows.
    await db.exec(
      `COPY (${sql.slice(0, cte.close + 1)} SELECT * FROM ${name}) TO ${sqlString(file)} (FORMAT PARQUET)`,
    );
    sql = `${sql.slice(0, cte.start)}${name} AS NOT MATERIALIZED (SELECT * FROM read_parquet(${sqlString(file)}))${sql.slice(cte.close + 1)}`;
  }
  return { ...model, sql };
}

/** Removes what stageCtes wrote. */
export const dropStagedCtes = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** `sql` with every comment and string literal replaced by spaces of the same length (offsets stay valid). */
function blankCommentsAndStrings(sql: string): string {
  return sql.replace(/--[^\n]*|'(?:[^']|'')*'/g, (m) => " ".repeat(m.length));
}

function matchingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return i;
  }
  throw new Error("unbalanced parentheses in a model's WITH");
}
