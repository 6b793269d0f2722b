/**
 * The quarantine writes a record once (pipeline/duckdb/expectations.ts): a row whose key an earlier quarantine file of
 * its table holds is not written again. Within one session the earlier files' keys are read once and kept (with the
 * files this session wrote); a file rewritten since (an erasure) makes them read again. These tests pin what a
 * reader sees: every record once, across writes in one session, and a record erased from the quarantine can come back.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunContext } from "../../pipeline/core/types";
import { runModel } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { parseModel } from "../../pipeline/models";

const model = parseModel(
  "silver",
  "widgets",
  "widgets.sql",
  `-- @materialized full
-- @expect drop invalid_value positive_price: price > 0
SELECT widget_id, price, source_file, line_no FROM widget_input`,
);

/** [widget id, price, line number] */
type Row = [string, number, number];

const rc = (n: number): RunContext => ({
  loadId: `load-${n}`,
  runAt: "2026-12-06T10:00:00.000Z",
  asOfDate: "2026-12-06",
  environment: "local",
});

let lake: string;
beforeEach(() => (lake = mkdtempSync(join(tmpdir(), "c360-qkeys-"))));
afterEach(() => rmSync(lake, { recursive: true, force: true }));

const quarantineDir = () => join(lake, "quarantine", "silver", "widgets", "ingest_date=2026-12-06");
const files = () => (existsSync(quarantineDir()) ? readdirSync(quarantineDir()).sort() : []);
const lines = (file: string) =>
  readFileSync(join(quarantineDir(), file), "utf8").trim().split("\n").filter(Boolean);
const widgets = (file: string) => lines(file).map((l) => (JSON.parse(l) as { line_no: number }).line_no);

async function run(db: DuckDbSession, n: number, rows: Row[]): Promise<number> {
  const values = rows
    .map(([id, price, line]) => `('${id}', ${price}, 'landing/f.jsonl', ${line})`)
    .join(", ");
  await db.exec(
    `CREATE OR REPLACE TABLE widget_input AS SELECT * FROM (VALUES ${values}) AS t(widget_id, price, source_file, line_no)`,
  );
  return (await runModel(db, model, rc(n))).quarantined;
}

describe("quarantine keys within one session", () => {
  test("a record already quarantined (before the session, or by it) is not written again", async () => {
    // One file from an earlier session.
    const before = await DuckDbSession.open(lake);
    await run(before, 1, [
      ["w1", -1, 1],
      ["w2", -2, 2],
      ["ok", 5, 9],
    ]);
    before.close();
    expect(files().map(widgets)).toEqual([[1, 2]]);

    const db = await DuckDbSession.open(lake);
    try {
      // w2 is in the earlier session's file; w3 is new.
      expect(
        await run(db, 2, [
          ["w2", -2, 2],
          ["w3", -3, 3],
        ]),
      ).toBe(2);
      // w1 from the earlier session, w3 from this one: only w4 is new.
      expect(
        await run(db, 3, [
          ["w1", -1, 1],
          ["w3", -3, 3],
          ["w4", -4, 4],
        ]),
      ).toBe(3);
      // Nothing new: no file.
      expect(
        await run(db, 4, [
          ["w4", -4, 4],
          ["w2", -2, 2],
        ]),
      ).toBe(2);
      expect(files().map(widgets)).toEqual([[1, 2], [3], [4]]);
    } finally {
      db.close();
    }
  });

  test("a quarantine file rewritten during the session (an erasure) is read again", async () => {
    const db = await DuckDbSession.open(lake);
    try {
      await run(db, 1, [
        ["w1", -1, 1],
        ["w2", -2, 2],
      ]);
      await run(db, 2, [["w3", -3, 3]]);
      // w1 is taken out of the first file, as an erasure does.
      const [first] = files();
      const kept = lines(first!).filter((l) => (JSON.parse(l) as { line_no: number }).line_no !== 1);
      writeFileSync(join(quarantineDir(), first!), kept.join("\n") + "\n");
      await run(db, 3, [
        ["w1", -1, 1],
        ["w2", -2, 2],
        ["w3", -3, 3],
      ]);
      expect(files().map(widgets)).toEqual([[2], [3], [1]]);
    } finally {
      db.close();
    }
  });
});
