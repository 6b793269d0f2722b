/**
 * `@stage_cte` (pipeline/duckdb/staged-cte.ts): the CTE list is found past comments and strings that hold quotes or
 * parentheses, and a model whose CTE is staged to Parquet returns the same rows as the model as written.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DuckDbSession } from "../../pipeline/duckdb/session";
import { dropStagedCtes, stageCtes, topLevelCtes } from "../../pipeline/duckdb/staged-cte";
import { loadAllModels, parseModel } from "../../pipeline/models";

const SQL = `-- A model's header: it's got a quote ( and a parenthesis.
-- @materialized full
-- @stage_cte wide
WITH base AS (
  -- this CTE's comment: ) '
  SELECT x, 'a)b''c(' AS s FROM range(10) AS t(x)
),

wide AS (SELECT b.x, b.s, (b.x * (b.x + 1)) AS y FROM base AS b),

dupes AS (SELECT w.x FROM wide AS w WHERE w.x % 2 = 0)

SELECT w.x, w.s, w.y, d.x IS NOT NULL AS even FROM wide AS w LEFT JOIN dupes AS d ON d.x = w.x`;

describe("@stage_cte", () => {
  const lake = mkdtempSync(join(tmpdir(), "c360-staged-cte-"));
  let db: DuckDbSession;
  beforeAll(async () => (db = await DuckDbSession.open(lake)));
  afterAll(() => {
    db.close();
    rmSync(lake, { recursive: true, force: true });
  });

  test("the top-level CTEs, past comments and strings with quotes and parentheses", () => {
    const ctes = topLevelCtes(SQL);
    expect(ctes.map((c) => c.name)).toEqual(["base", "wide", "dupes"]);
    expect(SQL.slice(ctes[1]!.open, ctes[1]!.close + 1)).toBe(
      "(SELECT b.x, b.s, (b.x * (b.x + 1)) AS y FROM base AS b)",
    );
    expect(topLevelCtes("SELECT 1 AS x")).toEqual([]);
  });

  test("a staged CTE gives the same rows, read from its Parquet file; its folder is removed after", async () => {
    const model = parseModel("silver", "staged", "staged.sql", SQL);
    expect(model.stageCtes).toEqual(["wide"]);
    const dir = join(lake, "ctes");
    const staged = await stageCtes(db, model, dir);
    expect(staged.sql).toContain("wide AS NOT MATERIALIZED (SELECT * FROM read_parquet(");
    expect(existsSync(join(dir, "wide.parquet"))).toBe(true);
    const rows = (sql: string) => db.query(`SELECT * FROM (${sql}) ORDER BY x`);
    expect(await rows(staged.sql)).toEqual(await rows(model.sql));
    expect((await rows(staged.sql)).map((r) => r.s)).toEqual(Array(10).fill("a)b'c("));
    dropStagedCtes(dir);
    expect(existsSync(dir)).toBe(false);
  });

  test("a name that is not a CTE of the model is an error naming the model", async () => {
    const model = parseModel(
      "silver",
      "staged",
      "staged.sql",
      SQL.replace("@stage_cte wide", "@stage_cte wider"),
    );
    await expect(stageCtes(db, model, join(lake, "x"))).rejects.toThrow(
      "staged.sql: @stage_cte wider is not a CTE of the model's top-level WITH",
    );
  });

  test("every @stage_cte of the project's models names one of its CTEs", () => {
    for (const m of loadAllModels())
      for (const name of m.stageCtes) expect(topLevelCtes(m.sql).map((c) => c.name)).toContain(name);
    expect(loadAllModels().find((m) => m.id === "silver.orders")!.stageCtes).toEqual(["renamed"]);
  });
});
