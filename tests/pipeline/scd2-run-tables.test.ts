/**
 * An SCD2 model's run (pipeline/duckdb/materialize.ts) keeps the versions as they were in a temporary table while it
 * rebuilds them; the table is dropped when the model is done, so a layer's later models do not run beside it (at
 * 10M orders silver.customers' versions are hundreds of MB of DuckDB's 3 GB).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunContext } from "../../pipeline/core/types";
import { runModel } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { parseModel } from "../../pipeline/models";

const model = parseModel(
  "silver",
  "people",
  "people.sql",
  `-- @materialized scd2
-- @unique_key id
-- @valid_from seen_at
-- @compare name
SELECT p.id, p.name, p.seen_at FROM people_input AS p`,
);
const rc = (loadId: string): RunContext => ({
  loadId,
  runAt: "2026-12-07T10:00:00.000Z",
  asOfDate: "2026-12-07",
  environment: "local",
});

test("an SCD2 run over existing versions leaves no temporary table behind, and its versions are right", async () => {
  const lake = mkdtempSync(join(tmpdir(), "c360-scd2-run-"));
  const db = await DuckDbSession.open(lake);
  try {
    await db.exec(`CREATE OR REPLACE TABLE control_erasure (customer_id VARCHAR)`);
    await db.exec(`CREATE TABLE people_input AS SELECT * FROM (VALUES
      ('p1', 'Ann', TIMESTAMPTZ '2026-12-01 00:00:00+00'), ('p2', 'Bo', TIMESTAMPTZ '2026-12-01 00:00:00+00')) AS t(id, name, seen_at)`);
    await runModel(db, model, rc("L1"));
    await db.exec(`INSERT INTO people_input VALUES ('p1', 'Anna', TIMESTAMPTZ '2026-12-05 00:00:00+00')`);
    const second = await runModel(db, model, rc("L2"));
    expect(second.rowsWritten).toBe(2); // p1's closed first version and its new one
    expect(await db.query(`SELECT id, name, is_current FROM silver.people ORDER BY id, seen_at`)).toEqual([
      { id: "p1", name: "Ann", is_current: false },
      { id: "p1", name: "Anna", is_current: true },
      { id: "p2", name: "Bo", is_current: true },
    ]);
    expect(
      await db.query(
        `SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '\\_\\_%' ESCAPE '\\'`,
      ),
    ).toEqual([]);
  } finally {
    db.close();
    rmSync(lake, { recursive: true, force: true });
  }
});
