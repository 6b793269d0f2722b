/** `@export jsonl`: the model header and the JSON-lines export the traits sync reads (gold.profile_traits). */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { exportPath } from "../../contracts";
import { loadModels } from "../../pipeline";
import { runModel } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { parseModel } from "../../pipeline/models";

const header = (extra: string) => `-- @materialized full\n${extra}\nSELECT 1 AS customer_key`;

test("@export jsonl is parsed; any other format, or an exported view, is an error", () => {
  expect(parseModel("gold", "t", "t.sql", header("-- @export jsonl")).exportFormat).toBe("jsonl");
  expect(parseModel("gold", "t", "t.sql", header("")).exportFormat).toBeUndefined();
  expect(() => parseModel("gold", "t", "t.sql", header("-- @export csv"))).toThrow(
    "t.sql: unknown @export csv (only jsonl)",
  );
  expect(() =>
    parseModel("gold", "t", "t.sql", "-- @materialized view\n-- @export jsonl\nSELECT 1 AS x"),
  ).toThrow("a view cannot be exported");
  expect(
    loadModels("gold")
      .filter((m) => m.exportFormat)
      .map((m) => m.name),
  ).toEqual(["profile_traits"]);
});

test("the export is the table as JSON lines per load, replaced when the load is rerun; lists stay lists", async () => {
  const lake = mkdtempSync(join(tmpdir(), "c360-export-"));
  const db = await DuckDbSession.open(lake);
  try {
    const model = parseModel(
      "gold",
      "t",
      "t.sql",
      "-- @materialized full\n-- @export jsonl\nSELECT * FROM (VALUES ('C1', ['a', 'b'], NULL), ('C2', [], 1.5)) AS v(customer_key, ids, score)",
    );
    const rc = { loadId: "L1", runAt: "2026-03-10T02:00:00Z", asOfDate: "2026-03-10", environment: "test" };
    await db.registerRunContext(rc);
    await runModel(db, model, rc);
    await runModel(db, model, rc);
    const text = readFileSync(join(lake, "gold", exportPath("t", "L1"), "part-00000.json"), "utf8");
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { customer_key: "C1", ids: ["a", "b"], score: null },
      { customer_key: "C2", ids: [], score: 1.5 },
    ]);
  } finally {
    db.close();
    rmSync(lake, { recursive: true, force: true });
  }
});
