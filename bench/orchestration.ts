/**
 * Orchestration and report overheads.
 * 1. Local ADF executor: the medallion run through the committed master pipeline (executor + DuckDB
 *    layers) against runPipeline() called directly on the same landing data; plus the executor's pure
 *    interpretation cost with no-op notebooks.
 * 2. Report: rendering the HTML page (charts, tables, escaping) for a large report, against serializing
 *    the same report to JSON (the other output of the same step).
 * Run alone: `npx tsx bench/orchestration.ts`.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { generate } from "../generator";
import { loadFactory } from "../orchestration/definitions";
import { LocalDataFactory } from "../orchestration/executor";
import type { Json } from "../orchestration/expressions";
import { runAdfLocally } from "../orchestration/local-wiring";
import { runPipeline } from "../pipeline";
import { buildRunReport, renderReportHtml } from "../report";
import type { BenchOptions, BenchResult } from "./types";
import { median, runStandalone, timeMedian } from "./types";

const GLOBALS: Record<string, Json> = {
  environment: "bench",
  databricksWorkspaceUrl: "https://adb.example",
  databricksWorkspaceResourceId: "/ws",
  lakeBlobEndpoint: "https://lake.blob/",
  lakeDfsEndpoint: "https://lake.dfs/",
  alertWebhookUrl: "https://alerts/hook",
};

/** Pure interpretation cost: the master graph with no-op notebooks, web calls and dataset checks. */
async function executorOverheadMs(runs: number): Promise<{ ms: number; activities: number }> {
  const adf = new LocalDataFactory({
    factory: loadFactory(),
    globalParameters: GLOBALS,
    timeScale: 0,
    notebookRunner: async () => ({ rows: 1 }),
    webHandler: async () => ({ status: 201, body: {} }),
    datasetProbe: async () => ({ exists: true, childItems: 1 }),
  });
  let activities = 0;
  const ms = await timeMedian(
    async () => {
      const run = await adf.runPipeline("P_C360_Master", {
        windowStart: "2026-01-01",
        windowEnd: "2026-01-02",
      });
      if (run.status !== "Succeeded") throw new Error("master pipeline failed in the benchmark");
      activities = countActivities(run.activityRuns);
    },
    runs,
    20,
  );
  return { ms, activities };
}

/**
 * The medallion run through the ADF master pipeline (executor + DuckDB layers) against the same three layers
 * called directly with runPipeline, each on a fresh copy of the same landing data.
 */
async function executorBench(runs: number, scale: number, log: (l: string) => void): Promise<BenchResult> {
  const events = Math.max(1000, Math.round(20_000 * scale));
  const root = mkdtempSync(join(tmpdir(), "c360-bench-adf-"));
  try {
    const source = join(root, "source");
    await generate({
      out: join(root, "gen"),
      lakeDir: source,
      seed: 3,
      events,
      days: 60,
      startDate: "2026-01-01",
      landingAll: true,
    });
    const fresh = (name: string) => {
      const dir = join(root, name);
      rmSync(dir, { recursive: true, force: true });
      cpSync(join(source, "landing"), join(dir, "landing"), { recursive: true });
      return dir;
    };
    const adfTimes: number[] = [];
    const directTimes: number[] = [];
    let goldRowsAdf = 0;
    let goldRowsDirect = 0;
    for (let i = 0; i < runs; i++) {
      log(`orchestration: medallion run ${i + 1}/${runs} via ADF and directly (${events} events)`);
      const viaAdf = async () => {
        const a = fresh(`adf-${i}`);
        const t = performance.now();
        const r = await runAdfLocally({
          lakeDir: a,
          parameters: { windowStart: "", windowEnd: "" },
          timeScale: 0,
        });
        adfTimes.push(performance.now() - t);
        if (r.run.status !== "Succeeded") throw new Error(`master pipeline failed: ${r.run.error?.message}`);
        goldRowsAdf = r.layers.find((l) => l.layer === "gold")!.models.reduce((n, m) => n + m.rowsOut, 0);
        rmSync(a, { recursive: true, force: true });
      };
      const direct = async () => {
        const d = fresh(`direct-${i}`);
        const t = performance.now();
        const p = await runPipeline({ lakeDir: d, windowStart: "", windowEnd: "" });
        directTimes.push(performance.now() - t);
        if (p.status !== "succeeded") throw new Error("runPipeline failed");
        goldRowsDirect = p.layers.find((l) => l.layer === "gold")!.models.reduce((n, m) => n + m.rowsOut, 0);
        rmSync(d, { recursive: true, force: true });
      };
      // Alternate which side goes first, so warm caches favour neither.
      if (i % 2 === 0) {
        await viaAdf();
        await direct();
      } else {
        await direct();
        await viaAdf();
      }
    }
    if (goldRowsAdf !== goldRowsDirect)
      throw new Error(`gold rows differ: ${goldRowsAdf} via ADF, ${goldRowsDirect} direct`);
    const overhead = await executorOverheadMs(50);
    return {
      area: "orchestration",
      name: "medallion run through the local ADF executor",
      input: `${events.toLocaleString("en-US")} generated events landed, bronze → silver → gold on DuckDB, ${runs} runs each, alternating`,
      candidate: {
        label: "P_C360_Master via the executor (runLayer per DatabricksNotebook activity)",
        medianMs: median(adfTimes),
        runs,
        extra: {
          "pure executor overhead per run (no-op notebooks)": `${overhead.ms.toFixed(2)} ms for ${overhead.activities} activity runs`,
          "gold rows": goldRowsAdf,
        },
      },
      baseline: {
        label: "runPipeline() called directly",
        medianMs: median(directTimes),
        runs,
        extra: { "gold rows": goldRowsDirect },
      },
      note: "Same input, same gold rows; the difference is the cost of interpreting the ADF definitions (expressions, 21 activity runs, run records) plus noise.",
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function countActivities(runs: { childRun?: { activityRuns: unknown[] }; nested?: unknown[] }[]): number {
  let n = 0;
  for (const r of runs) {
    n++;
    if (r.nested) n += countActivities(r.nested as never);
    if (r.childRun) n += countActivities(r.childRun.activityRuns as never);
  }
  return n;
}

async function reportBench(runs: number, scale: number): Promise<BenchResult> {
  const customers = Math.round(10_000 * scale);
  const clvValues = Array.from({ length: customers }, (_, i) => ((i * 7919) % 100_000) / 3);
  const report = buildRunReport({
    generatedAt: new Date(0).toISOString(),
    run: { size: "bench", seed: 1, customers, events: customers * 20, lakeDir: "/tmp" },
    steps: Array.from({ length: 6 }, (_, i) => ({
      name: `step ${i}`,
      status: "succeeded" as const,
      startMs: i * 1000,
      durationMs: 900,
    })),
    layers: [],
    gold: {
      customers,
      bronzeRedeliveries: 0,
      distinctResolvedCustomers: customers,
      mergedSourceIds: 0,
      identity: { linksMade: 0, refused: [], largestCluster: 1 },
      valueTiers: ["VIP", "Premium", "Regular", "New"].map((label, i) => ({ label, count: 100 * (i + 1) })),
      rfm: Array.from({ length: 9 }, (_, i) => ({ label: `segment ${i}`, count: i * 10 })),
      clvValues,
      topCustomers: Array.from({ length: 15 }, (_, i) => ({
        rank: i + 1,
        customerKey: `CUST-${i}`,
        name: `Name <${i}> & co`,
        valueSegment: "VIP",
        rfmSegment: "Champions",
        orders: 10,
        totalSpent: 1000 - i,
        clv: 2000 - i,
      })),
      quality: Array.from({ length: 60 }, (_, i) => ({
        layer: "silver",
        table: `silver.t${i % 10}`,
        metric: `completeness:c${i}`,
        value: 0.9,
      })),
    },
  });
  const html = await timeMedian(() => renderReportHtml(report), runs, 5);
  const json = await timeMedian(() => JSON.stringify(report, null, 2), runs, 5);
  return {
    area: "orchestration",
    name: "run report: render HTML",
    input: `report of ${customers.toLocaleString("en-US")} customers (CLV histogram), 15 top customers, 60 quality metrics, ${runs} runs`,
    candidate: {
      label: "renderReportHtml (SVG charts + tables)",
      medianMs: html,
      runs,
      extra: { bytes: renderReportHtml(report).length },
    },
    baseline: {
      label: "JSON.stringify of the same report",
      medianMs: json,
      runs,
      extra: { bytes: JSON.stringify(report, null, 2).length },
    },
    note: "The CLV values are bucketed when the report is built, so rendering cost does not grow with the number of customers.",
  };
}

export async function bench(options: BenchOptions): Promise<BenchResult[]> {
  const runs = Math.max(5, Math.round(50 * options.scale));
  const a = await executorBench(4, options.scale, options.log);
  options.log(`orchestration: report rendering`);
  const b = await reportBench(runs, options.scale);
  return [a, b];
}

if (require.main === module) runStandalone(bench);
