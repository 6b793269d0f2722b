/**
 * The straight-write path streams a model's stage to Parquet (pipeline/duckdb/stage.ts) instead of holding it in a
 * temp table. These tests pin that it is the same materialization: the same table rows and quarantine records as the
 * in-memory path (which erasure runs keep), the table's own columns only, an empty typed table when nothing passes,
 * nothing installed when a fail rule breaks, and no stage folder left behind.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunContext } from "../../pipeline/core/types";
import { runModel } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { type Model, parseModel } from "../../pipeline/models";

const MODEL = `-- Widgets, one row per widget id.
-- @materialized incremental
-- @unique_key widget_id
-- @update_when s.version > t.version
-- @erase_by customer_id
-- @expect drop invalid_value positive_price: price > 0
-- @expect warn unexpected_field named: name IS NOT NULL
SELECT widget_id, customer_id, name, price, version, source_file, line_no FROM widget_input`;

const rc: RunContext = {
  loadId: "load-1",
  runAt: "2026-12-06T10:00:00.000Z",
  asOfDate: "2026-12-06",
  environment: "local",
};

/** widget_input rows: id, customer, name, price, version (line_no = position). */
type Widget = [string, string, string | null, number, number];

const lakes: string[] = [];
afterAll(() => lakes.forEach((l) => rmSync(l, { recursive: true, force: true })));

async function session(rows: Widget[], erasedIds: string[] = []): Promise<DuckDbSession> {
  const lake = mkdtempSync(join(tmpdir(), "c360-streamed-"));
  lakes.push(lake);
  const db = await DuckDbSession.open(lake);
  await setInput(db, rows);
  await db.exec(`CREATE OR REPLACE TABLE control_erasure (customer_id VARCHAR)`);
  for (const id of erasedIds) await db.exec(`INSERT INTO control_erasure VALUES ('${id}')`);
  db.erasures = erasedIds.length;
  return db;
}

async function setInput(db: DuckDbSession, rows: Widget[]): Promise<void> {
  const values = rows
    .map(
      ([id, customer, name, price, version], i) =>
        `('${id}', '${customer}', ${name === null ? "NULL" : `'${name}'`}, CAST(${price} AS DECIMAL(18, 2)), ${version}, 'landing/f.jsonl', ${i + 1})`,
    )
    .join(", ");
  await db.exec(
    rows.length > 0
      ? `CREATE OR REPLACE TABLE widget_input AS SELECT * FROM (VALUES ${values}) AS t(widget_id, customer_id, name, price, version, source_file, line_no)`
      : `CREATE OR REPLACE TABLE widget_input (widget_id VARCHAR, customer_id VARCHAR, name VARCHAR, price DECIMAL(18, 2), version INTEGER, source_file VARCHAR, line_no INTEGER)`,
  );
}

const model = (text = MODEL): Model => parseModel("silver", "widgets", "widgets.sql", text);

const tableRows = (db: DuckDbSession) => db.query(`SELECT * FROM silver.widgets ORDER BY widget_id`);

function quarantined(lake: string): Record<string, unknown>[] {
  const dir = join(lake, "quarantine", "silver", "widgets", "ingest_date=2026-12-06");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ reason, rule, line_no, record }) => ({ reason, rule, line_no, record }));
}

const ROWS: Widget[] = [
  ["w1", "c1", "one", 5, 1],
  ["w2", "c2", null, 7, 1],
  ["w3", "c3", "three", -1, 1],
  ["w4", "c4", "four", 0, 2],
];

describe("streamed stage (straight-write path)", () => {
  test("same table rows, quarantine records and counts as the in-memory path; only the model's columns", async () => {
    const streamed = await session(ROWS);
    // An erasure request for an id no row has: the run keeps its stage in memory (the erasure path).
    const inMemory = await session(ROWS, ["nobody"]);
    try {
      const a = await runModel(streamed, model(), rc);
      const b = await runModel(inMemory, model(), rc);
      expect(a).toEqual(b);
      expect(a).toMatchObject({ rowsIn: 4, rowsOut: 2, rowsWritten: 2, quarantined: 2 });
      expect(a.expectations.map((e) => [e.name, e.failed])).toEqual([
        ["positive_price", 2],
        ["named", 1],
      ]);
      expect(await tableRows(streamed)).toEqual(await tableRows(inMemory));
      expect((await tableRows(streamed)).map((r) => r.widget_id)).toEqual(["w1", "w2"]);
      expect([...(await streamed.columnTypes("silver.widgets")).keys()]).toEqual([
        "widget_id",
        "customer_id",
        "name",
        "price",
        "version",
        "source_file",
        "line_no",
      ]);
      expect(quarantined(streamed.lakeDir)).toEqual(quarantined(inMemory.lakeDir));
      expect(quarantined(streamed.lakeDir).map((q) => q.line_no)).toEqual([3, 4]);
      expect(existsSync(join(streamed.lakeDir, "control", "_stage", "silver.widgets"))).toBe(false);
      expect(readdirSync(join(streamed.lakeDir, "silver", "widgets"))).toEqual(["part-00000.parquet"]);
    } finally {
      streamed.close();
      inMemory.close();
    }
  });

  test("a model whose text ends in a comment line streams too", async () => {
    const db = await session(ROWS);
    try {
      const r = await runModel(db, model(`${MODEL}\n-- the end`), rc);
      expect(r).toMatchObject({ rowsIn: 4, rowsOut: 2, quarantined: 2 });
    } finally {
      db.close();
    }
  });

  test("a second run merges into the streamed table (update when newer, insert new keys)", async () => {
    const db = await session(ROWS);
    try {
      await runModel(db, model(), rc);
      await setInput(db, [
        ["w1", "c1", "one v2", 6, 2],
        ["w2", "c2", "two old", 1, 0],
        ["w5", "c5", "five", 9, 1],
      ]);
      const r = await runModel(db, model(), { ...rc, loadId: "load-2" });
      expect(r).toMatchObject({ rowsIn: 3, rowsOut: 3, rowsWritten: 2 });
      expect((await tableRows(db)).map((x) => [x.widget_id, x.name])).toEqual([
        ["w1", "one v2"],
        ["w2", null],
        ["w5", "five"],
      ]);
    } finally {
      db.close();
    }
  });

  test("an insert-only landing batch of new keys appends its passing rows as more files, as the in-memory path", async () => {
    const insertOnly = model(MODEL.replace("-- @update_when s.version > t.version\n", ""));
    const results = [];
    const tables = [];
    for (const erased of [[], ["nobody"]]) {
      const db = await session(ROWS, erased);
      try {
        await runModel(db, insertOnly, rc, { part: 0, keysNew: true, last: false });
        await setInput(db, [
          ["w7", "c7", "seven", 3, 1],
          ["w8", "c8", "eight", -3, 1],
        ]);
        results.push(await runModel(db, insertOnly, rc, { part: 1, keysNew: true, last: true }));
        tables.push(await tableRows(db));
        expect(readdirSync(join(db.lakeDir, "silver", "widgets"))).toHaveLength(2);
        expect(
          quarantined(db.lakeDir)
            .map((q) => q.line_no)
            .sort(),
        ).toEqual([2, 3, 4]);
      } finally {
        db.close();
      }
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ rowsIn: 2, rowsOut: 3, rowsWritten: 1, quarantined: 1 });
    expect(tables[0]).toEqual(tables[1]);
    expect(tables[0]!.map((r) => r.widget_id)).toEqual(["w1", "w2", "w7"]);
  });

  test("nothing passes, or no rows at all: an empty table with the model's columns", async () => {
    for (const rows of [[["w3", "c3", "three", -1, 1]] as Widget[], [] as Widget[]]) {
      const db = await session(rows);
      try {
        const r = await runModel(db, model(), rc);
        expect(r).toMatchObject({
          rowsIn: rows.length,
          rowsOut: 0,
          rowsWritten: 0,
          quarantined: rows.length,
        });
        expect(await db.count("SELECT * FROM silver.widgets")).toBe(0);
        expect((await db.columnTypes("silver.widgets")).get("price")).toBe("DECIMAL(18,2)");
        expect(existsSync(join(db.lakeDir, "control", "_stage", "silver.widgets"))).toBe(false);
      } finally {
        db.close();
      }
    }
  });

  test("a broken fail rule installs nothing and leaves no stage behind", async () => {
    const db = await session(ROWS);
    try {
      const failing = model(MODEL.replace("-- @expect warn", "-- @expect fail"));
      const r = await runModel(db, failing, rc);
      expect(r.failedExpectations).toEqual(["named"]);
      expect(await db.relationExists("silver.widgets")).toBe(false);
      expect(existsSync(join(db.lakeDir, "silver", "widgets"))).toBe(false);
      expect(existsSync(join(db.lakeDir, "control", "_stage", "silver.widgets"))).toBe(false);
      expect(quarantined(db.lakeDir)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
