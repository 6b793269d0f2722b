/**
 * Reruns leave no trace (docs/pipeline.md, "Reruns"): the same window run again — under the same load id (a retried
 * job) or a new one (a new Data Factory run) — leaves every table of the lake as it was, data-quality metrics
 * included, and writes no quarantine record twice.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { runPipeline } from "../../pipeline";
import { lakeTables, readTable, tempLake, writeDay1, writeDay2 } from "./fixture";

jest.setTimeout(120_000);

/** Columns holding the wall clock of the run that computed a row (a rerun computes at another instant). */
const CLOCK = ["computed_at"];
/** ... and the load that computed it (a new load id stamps it on what it recomputes). */
const LOAD = ["load_id"];

/** Every quarantine line of the lake (any layer, table, day and load). */
function quarantineLines(lake: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".jsonl"))
        lines.push(...readFileSync(join(dir, e.name), "utf8").split("\n").filter(Boolean));
  };
  walk(join(lake, "quarantine"));
  return lines;
}
const keyOf = (line: string) => (JSON.parse(line) as { record_key: string }).record_key;
/** What a quarantine record says, without the run that wrote it. */
const content = (line: string) => {
  const { stage, table, reason, rule, source_file, line_no, record, record_key } = JSON.parse(line) as Record<
    string,
    unknown
  >;
  return JSON.stringify({ stage, table, reason, rule, source_file, line_no, record, record_key });
};

describe("reruns on DuckDB", () => {
  const lakes: string[] = [];
  afterAll(() => lakes.forEach((l) => rmSync(l, { recursive: true, force: true })));
  const firstRun = async () => {
    const lake = tempLake();
    lakes.push(lake);
    writeDay1(lake);
    writeDay2(lake);
    const s = await runPipeline({ lakeDir: lake, loadId: "A", windowEnd: "2024-05-01" });
    expect(s.status).toBe("succeeded");
    return lake;
  };

  test("the same window twice under the same load id: every table identical, data-quality metrics included", async () => {
    const lake = await firstRun();
    const before = await lakeTables(lake, CLOCK);
    const lines = quarantineLines(lake);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["gold.data_quality_metrics", "silver.orders"]),
    );
    const again = await runPipeline({ lakeDir: lake, loadId: "A", windowEnd: "2024-05-01" });
    expect(again.status).toBe("succeeded");
    expect(await lakeTables(lake, CLOCK)).toEqual(before);
    expect(quarantineLines(lake).sort()).toEqual(lines.sort());
  });

  test("a new load id over the same files writes no quarantine record twice", async () => {
    const lake = await firstRun();
    const lines = quarantineLines(lake);
    // silver quarantines rows of this window (the fixture's bad orders and profiles): it re-reads them each load
    expect(lines.filter((l) => l.includes('"stage":"silver"')).length).toBeGreaterThanOrEqual(2);
    const again = await runPipeline({ lakeDir: lake, loadId: "B", windowEnd: "2024-05-01" });
    expect(again.status).toBe("succeeded");
    const orders = again.layers[1]!.models.find((m) => m.model === "silver.orders")!;
    expect(orders.quarantined).toBeGreaterThan(0); // rejected again, but not written again
    const after = quarantineLines(lake);
    expect(after.length).toBe(lines.length);
    expect(after.map(content).sort()).toEqual(lines.map(content).sort());
    expect(new Set(after.map(keyOf)).size).toBe(after.length);
  });

  test("the same window under a new load id: every table identical but for the computing load (and its own DQ score)", async () => {
    const lake = await firstRun();
    const before = await lakeTables(lake, [...CLOCK, ...LOAD]);
    const again = await runPipeline({ lakeDir: lake, loadId: "B", windowEnd: "2024-05-01" });
    expect(again.status).toBe("succeeded");
    expect(again.layers[0]!.models[0]!.rowsIn).toBe(0); // every landing file was loaded by A
    const now = await lakeTables(lake, [...CLOCK, ...LOAD]);
    // gold.data_quality_scores scores each load (the batch alert reads the load's own score): the new load adds its
    // own rows; every other table is as it was
    const scores = "gold.data_quality_scores";
    expect({ ...now, [scores]: undefined }).toEqual({ ...before, [scores]: undefined });
    const byLoad = await readTable(lake, scores, "load_id, table_name");
    expect(new Set(byLoad.map((r) => r.load_id))).toEqual(new Set(["A", "B"]));
    expect(byLoad.filter((r) => r.load_id === "A").length).toBe(before[scores]!.length);
  });

  test("a window's metrics: models reading only new input add up the window's runs, the others take its latest; other windows stay", async () => {
    const lake = tempLake();
    lakes.push(lake);
    writeDay1(lake);
    const w1 = { windowStart: "2024-04-10", windowEnd: "2024-04-11" };
    await runPipeline({ lakeDir: lake, loadId: "D1", ...w1 });
    writeDay2(lake);
    const w2 = { windowStart: "2024-04-20", windowEnd: "2024-04-21" };
    await runPipeline({ lakeDir: lake, loadId: "D2", ...w2 });
    const metrics = async () => await readTable(lake, "gold.data_quality_metrics", "ALL");
    const first = await metrics();
    // a rerun of the first window loads no landing file: its bronze figures stay those of the load that did
    const rerun = await runPipeline({ lakeDir: lake, loadId: "D1b", ...w1 });
    expect(rerun.layers[0]!.models[0]!.rowsIn).toBe(0);
    const after = await metrics();
    const figure = (rows: Record<string, unknown>[], start: string, table: string, metric: string) =>
      rows.find((r) => r.window_start_date === start && r.table_name === table && r.metric === metric);
    const bronzeIn = figure(after, "2024-04-10", "bronze.events", "rows_in")!;
    expect(bronzeIn.metric_value).toBe(figure(first, "2024-04-10", "bronze.events", "rows_in")!.metric_value);
    expect(Number(bronzeIn.metric_value)).toBeGreaterThan(0);
    expect(bronzeIn.load_id).toBe("D1b");
    expect(figure(after, "2024-04-20", "bronze.events", "rows_in")!.load_id).toBe("D2");
    // every figure of both windows as before, but the tables' sizes: the first window's are now after the second
    const strip = (rows: Record<string, unknown>[]) =>
      rows.filter((r) => r.metric !== "rows_out").map((r) => ({ ...r, load_id: undefined }));
    expect(strip(after)).toEqual(strip(first));
    const ordersNow = (await readTable(lake, "silver.orders", "order_id")).length;
    expect(figure(after, "2024-04-10", "silver.orders", "rows_out")!.metric_value).toBe(
      `${ordersNow}.000000`,
    );
  });
});
