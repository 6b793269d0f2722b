/**
 * A MERGE with updates needs one stage row per unique key (pipeline/duckdb/materialize.ts checkOneRowPerKey): keys
 * are grouped by hash first, then by value. A repeated key fails the run with how many keys repeat, NULL keys
 * included (a key of NULLs matches itself in the MERGE); distinct keys pass, however alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { checkOneRowPerKey } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { parseModel } from "../../pipeline/models";

const model = (header: string) =>
  parseModel("silver", "lines", "lines.sql", `${header}\nSELECT 1 AS order_id, 1 AS item_id`);
const merged = model(
  "-- @materialized incremental\n-- @unique_key order_id, item_id\n-- @update_when s.at > t.at",
);

describe("one stage row per key before a MERGE with updates", () => {
  const lake = mkdtempSync(join(tmpdir(), "c360-one-row-per-key-"));
  let db: DuckDbSession;
  beforeAll(async () => (db = await DuckDbSession.open(lake)));
  afterAll(() => {
    db.close();
    rmSync(lake, { recursive: true, force: true });
  });

  const stage = (rows: string) =>
    db.exec(`CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM (VALUES ${rows}) AS t(order_id, item_id)`);

  test("distinct keys pass, including keys that share one column or swap their values", async () => {
    await stage(`('o1', 'i1'), ('o1', 'i2'), ('o2', 'i1'), ('i1', 'o1'), ('o1', NULL), (NULL, 'o1')`);
    await expect(checkOneRowPerKey(db, merged, "stage")).resolves.toBeUndefined();
  });

  test("repeated keys fail with their count, a repeated NULL key among them", async () => {
    await stage(
      `('o1', 'i1'), ('o1', 'i1'), ('o1', 'i1'), ('o2', 'i1'), ('o3', NULL), ('o3', NULL), ('o4', 'i9')`,
    );
    await expect(checkOneRowPerKey(db, merged, "stage")).rejects.toThrow(
      "silver.lines: the model returned 2 duplicate keys (order_id, item_id); MERGE needs one row per key",
    );
  });

  test("full and insert-only models are not checked: their writes do not need one row per key", async () => {
    await stage(`('o1', 'i1'), ('o1', 'i1')`);
    for (const header of [
      "-- @materialized full\n-- @unique_key order_id, item_id",
      "-- @materialized incremental\n-- @unique_key order_id, item_id",
    ])
      await expect(checkOneRowPerKey(db, model(header), "stage")).resolves.toBeUndefined();
  });
});
