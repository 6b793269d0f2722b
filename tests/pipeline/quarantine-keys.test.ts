/**
 * The quarantine writes a record once (pipeline/duckdb/expectations.ts): a row whose key an earlier quarantine file of
 * its table holds is not written again. Within one session the earlier files' keys are read once and kept (with the
 * files this session wrote); a file rewritten since (an erasure) makes them read again. These tests pin what a
 * reader sees: every record once, across writes in one session, and a record erased from the quarantine can come back.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunContext } from "../../pipeline/core/types";
import { runModel } from "../../pipeline/duckdb/materialize";
import { DuckDbSession } from "../../pipeline/duckdb/session";
import { parseModel } from "../../pipeline/models";

/** silver.widgets over widget_input's `columns` and its lineage; a widget with a price ≤ 0 is quarantined. */
const widgetsModel = (columns: string) =>
  parseModel(
    "silver",
    "widgets",
    "widgets.sql",
    `-- @materialized full
-- @expect drop invalid_value positive_price: price > 0
SELECT ${columns}, source_file, line_no FROM widget_input`,
  );
const model = widgetsModel("widget_id, price");

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

describe("a silver row's record", () => {
  const stamped = widgetsModel("widget_id, price, seen_at");
  const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
  const keyOf = (line: number, record: string) => sha256(`silver|widgets|landing/f.jsonl|${line}|${record}`);

  async function runStamped(db: DuckDbSession, n: number, rows: [string, number, string, number][]) {
    const values = rows
      .map(([id, price, at, line]) => `('${id}', ${price}, TIMESTAMPTZ '${at}', 'landing/f.jsonl', ${line})`)
      .join(", ");
    await db.exec(`CREATE OR REPLACE TABLE widget_input AS
        SELECT * FROM (VALUES ${values}) AS t(widget_id, price, seen_at, source_file, line_no)`);
    return (await runModel(db, stamped, rc(n))).quarantined;
  }

  test("spells timestamps as ISO instants in UTC with milliseconds (as Spark does), keyed by that text", async () => {
    const db = await DuckDbSession.open(lake);
    try {
      await runStamped(db, 1, [["w1", -1, "2026-12-01 10:00:00.5+00", 1]]);
    } finally {
      db.close();
    }
    const [rec] = lines(files()[0]!).map((l) => JSON.parse(l) as { record: string; record_key: string });
    const record =
      '{"widget_id":"w1","price":-1,"seen_at":"2026-12-01T10:00:00.500Z","source_file":"landing/f.jsonl","line_no":1}';
    expect(rec).toMatchObject({ record, record_key: keyOf(1, record) });
  });

  test("a record written before timestamps were ISO instants is matched by its old key, not written again", async () => {
    // As this adapter wrote it before 2026-12-07: DuckDB's own timestamp text, and the key of that text.
    const old =
      '{"widget_id":"w1","price":-1,"seen_at":"2026-12-01 10:00:00.5+00","source_file":"landing/f.jsonl","line_no":1}';
    mkdirSync(quarantineDir(), { recursive: true });
    const earlier = {
      stage: "silver",
      table: "widgets",
      reason: "invalid_value",
      rule: "positive_price",
      codes: null,
    };
    const lineage = { load_id: "load-0", source_file: "landing/f.jsonl", line_no: 1, record: old };
    const stamp = { quarantined_at: "2026-12-01T00:00:00.000Z", record_key: keyOf(1, old) };
    writeFileSync(
      join(quarantineDir(), "load-0.jsonl"),
      JSON.stringify({ ...earlier, ...lineage, ...stamp }) + "\n",
    );

    const db = await DuckDbSession.open(lake);
    try {
      // w1 is the record above; w2 is new.
      await runStamped(db, 1, [
        ["w1", -1, "2026-12-01 10:00:00.5+00", 1],
        ["w2", -2, "2026-12-01 10:00:01+00", 2],
      ]);
      // A rerun of the same rows writes nothing.
      await runStamped(db, 2, [
        ["w1", -1, "2026-12-01 10:00:00.5+00", 1],
        ["w2", -2, "2026-12-01 10:00:01+00", 2],
      ]);
    } finally {
      db.close();
    }
    expect(files().map(widgets)).toEqual([[1], [2]]);
  });
});
