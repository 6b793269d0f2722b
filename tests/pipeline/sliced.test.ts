/**
 * `@slice <cte>.<column>` (pipeline/duckdb/sliced.ts): above C360_DUCKDB_SLICE_ROWS rows in the CTE (by default
 * 8M per 3 GB of memory limit), DuckDB computes the model one hash slice of the column at a time. The union of the slices is the unsliced result, each row in
 * exactly one slice, through both materialization paths; a wrong annotation or setting fails with what is wrong.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunContext } from "../../pipeline/core/types";
import { runModel } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { sliceModel } from "../../pipeline/duckdb/sliced";
import { topLevelCtes } from "../../pipeline/duckdb/staged-cte";
import { loadModels, parseModel } from "../../pipeline/models";

// Per visitor: each event's rank and the visitor's running total, then one row per visitor and rank bucket.
const SQL = `-- Visits per visitor.
-- @materialized full
-- @slice visits.visitor
-- @erase_by visitor
WITH visits AS (
  SELECT v.visitor, v.at, v.amount FROM visit_input AS v -- the input
),

ranked AS (
  SELECT r.*, sum(r.amount) OVER (PARTITION BY r.visitor ORDER BY r.at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
  FROM visits AS r
)

SELECT k.visitor, max(k.running) AS total, count(*) AS visits FROM ranked AS k GROUP BY k.visitor`;

const model = (text = SQL) => parseModel("silver", "visits", "visits.sql", text);
const rc: RunContext = {
  loadId: "L",
  runAt: "2026-12-06T10:00:00.000Z",
  asOfDate: "2026-12-06",
  environment: "local",
};

let lake: string;
let db: DuckDbSession;
beforeEach(async () => {
  lake = mkdtempSync(join(tmpdir(), "c360-sliced-"));
  db = await DuckDbSession.open(lake);
  await db.exec(`CREATE TABLE visit_input AS
    SELECT 'v' || (i % 37) AS visitor, i AS at, CAST(i % 11 AS BIGINT) AS amount FROM range(2000) AS t(i)`);
  await db.exec(`CREATE OR REPLACE TABLE control_erasure (customer_id VARCHAR)`);
});
afterEach(() => {
  db.close();
  rmSync(lake, { recursive: true, force: true });
  delete process.env.C360_DUCKDB_SLICE_ROWS;
  delete process.env.C360_DUCKDB_MEMORY;
});

const rows = (sql: string) => db.query(`SELECT * FROM (${sql}\n) ORDER BY visitor`);

describe("@slice", () => {
  test("below the threshold the model runs whole; above it, in slices whose union is the whole result", async () => {
    expect(await sliceModel(db, model())).toEqual([model().sql]);
    const whole = await rows(model().sql);
    process.env.C360_DUCKDB_SLICE_ROWS = "600";
    const slices = await sliceModel(db, model());
    expect(slices).toHaveLength(4);
    const parts = await Promise.all(slices.map((s) => rows(s)));
    // every visitor in exactly one slice, with its whole history
    expect(parts.every((p) => p.length > 0)).toBe(true);
    expect(parts.flat().sort((a, b) => String(a.visitor).localeCompare(String(b.visitor)))).toEqual(whole);
  });

  test("by default a slice's rows follow DuckDB's memory limit: 8M per 3 GB", async () => {
    process.env.C360_DUCKDB_MEMORY = "3GB";
    expect(await sliceModel(db, model())).toHaveLength(1);
    // 8M × 600 kB / 3 GB = 1,600 rows a slice: the 2,000 visits take two.
    process.env.C360_DUCKDB_MEMORY = "600KB";
    expect(await sliceModel(db, model())).toHaveLength(2);
    process.env.C360_DUCKDB_MEMORY = "0.29 MiB"; // 304,087 bytes: 810 rows
    expect(await sliceModel(db, model())).toHaveLength(3);
    process.env.C360_DUCKDB_MEMORY = "100KB"; // 266 rows
    expect(await sliceModel(db, model())).toHaveLength(8);
    process.env.C360_DUCKDB_SLICE_ROWS = "2000"; // the setting wins
    expect(await sliceModel(db, model())).toHaveLength(1);
    process.env.C360_DUCKDB_MEMORY = "lots";
    delete process.env.C360_DUCKDB_SLICE_ROWS;
    await expect(sliceModel(db, model())).rejects.toThrow(
      "C360_DUCKDB_MEMORY must be a size such as 3GB, 500MB or 2GiB, got lots",
    );
  });

  test("the streamed and the in-memory (erasure) paths write the same table sliced as whole", async () => {
    const table = () => db.query(`SELECT * FROM silver.visits ORDER BY visitor`);
    await runModel(db, model(), rc);
    const whole = await table();
    process.env.C360_DUCKDB_SLICE_ROWS = "500";
    expect((await runModel(db, model(), rc)).rowsOut).toBe(37);
    expect(await table()).toEqual(whole);
    // An erasure run keeps its stage in memory: the slices are inserted one after the other.
    await db.exec(`INSERT INTO control_erasure VALUES ('v3')`);
    db.erasures = 1;
    expect((await runModel(db, model(), rc)).rowsOut).toBe(36);
    expect(await table()).toEqual(whole.filter((r) => r.visitor !== "v3"));
  });

  test("without the annotation a model runs whole; each of the project's @slice names a CTE of its model", async () => {
    process.env.C360_DUCKDB_SLICE_ROWS = "1";
    const plain = parseModel("silver", "p", "p.sql", "SELECT 1 AS x");
    expect(await sliceModel(db, plain)).toEqual([plain.sql]);
    const sliced = [...loadModels("silver"), ...loadModels("gold")].filter((m) => m.slice);
    expect(sliced.map((m) => m.id)).toEqual(["silver.sessions"]);
    for (const m of sliced) expect(topLevelCtes(m.sql).map((c) => c.name)).toContain(m.slice!.cte);
  });

  test("a wrong annotation or setting says what is wrong", async () => {
    expect(() => model(SQL.replace("@slice visits.visitor", "@slice visitor"))).toThrow(
      "visits.sql: @slice takes <cte>.<column>, got visitor",
    );
    await expect(sliceModel(db, model(SQL.replace("@slice visits.", "@slice visitz.")))).rejects.toThrow(
      "visits.sql: @slice visitz.visitor: visitz is not a CTE of the model's top-level WITH",
    );
    process.env.C360_DUCKDB_SLICE_ROWS = "lots";
    await expect(sliceModel(db, model())).rejects.toThrow(
      "C360_DUCKDB_SLICE_ROWS must be a positive whole number of rows, got lots",
    );
  });
});
