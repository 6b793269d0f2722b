/**
 * Pipeline benchmark: generated landing data → bronze → silver → gold on the embedded DuckDB engine.
 * Candidate: the full medallion run (runPipeline). Baseline, same input, same process: DuckDB reading the raw
 * landing JSONL directly (read_json, bad lines skipped) and computing one gold-like aggregate (spend per
 * customer) in a single statement — the floor of "just query the files", without validation, dedup, quarantine,
 * identity, SCD2 or the 20 tables. The ratio is the cost of the medallion's guarantees.
 *
 * Scale points: 0.1M orders and 1M orders (with 3× behavioural events and 100k customers, the target);
 * 10M only with --with-10m or C360_BENCH_PIPELINE_10M=1 (~10× the time: about an hour here, ~40 GB of disk).
 * Run alone: `npx tsx bench/pipeline.ts [--scale s] [--with-10m]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";

import { generate } from "../generator";
import { runPipeline } from "../pipeline";
import type { BenchOptions, BenchResult } from "./types";
import { runStandalone } from "./types";

interface Point {
  label: string;
  orders: number;
}

async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; peakRssMb: number; value: T }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    return {
      ms: performance.now() - t0,
      peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
      value,
    };
  } finally {
    clearInterval(timer);
  }
}

async function baseline(lake: string): Promise<number> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(`
      SELECT count(*) AS customers FROM (
        SELECT customerId, sum(TRY_CAST(payload.totalAmount AS DECIMAL(18, 2))) AS spent
        FROM read_json('${join(lake, "landing", "*", "order", "*", "*.jsonl")}', format = 'newline_delimited',
                       ignore_errors = true, columns = {customerId: 'VARCHAR', payload: 'STRUCT(totalAmount VARCHAR)'})
        GROUP BY customerId)`);
    return Number(r.getRowObjectsJson()[0]!.customers);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function point(p: Point, log: (l: string) => void): Promise<BenchResult> {
  const lake = mkdtempSync(join(tmpdir(), "c360-bench-pipeline-"));
  try {
    const customers = Math.max(1000, Math.round(p.orders / 10));
    const counts = {
      order: p.orders,
      behavioral_event: p.orders * 3,
      customer_profile: Math.round(customers * 1.3),
      support_interaction: Math.round(p.orders * 0.05),
    };
    const events = Object.values(counts).reduce((a, b) => a + b, 0);
    log(
      `pipeline ${p.label}: generating ${events.toLocaleString("en-US")} events for ${customers.toLocaleString("en-US")} customers`,
    );
    const g0 = performance.now();
    await generate({
      out: join(lake, "_gen"),
      lakeDir: lake,
      customers,
      counts,
      days: 90,
      startDate: "2025-01-01",
      landingAll: true,
    });
    log(
      `pipeline ${p.label}: generated in ${((performance.now() - g0) / 1000).toFixed(1)} s; running bronze → gold`,
    );
    const run = await measure(() => runPipeline({ lakeDir: lake, loadId: "bench", windowEnd: "2025-04-15" }));
    if (run.value.status !== "succeeded")
      throw new Error(`pipeline failed: ${run.value.layers.map((l) => l.error).join("; ")}`);
    const layers = Object.fromEntries(
      run.value.layers.map((l) => [`${l.layer}_s`, +(l.durationMs / 1000).toFixed(1)]),
    );
    log(
      `pipeline ${p.label}: ${(run.ms / 1000).toFixed(1)} s, peak RSS ${run.peakRssMb} MiB ${JSON.stringify(layers)}`,
    );
    const base = await measure(() => baseline(lake));
    log(`pipeline ${p.label}: baseline ${(base.ms / 1000).toFixed(1)} s`);
    return {
      area: "pipeline",
      name: `bronze→gold, ${p.label}`,
      input: `${events.toLocaleString("en-US")} generated events (${p.orders.toLocaleString("en-US")} orders, ${counts.behavioral_event.toLocaleString("en-US")} behavioural, ${customers.toLocaleString("en-US")} customers), default defect rates`,
      candidate: {
        label: "medallion run (21 models, expectations, quarantine, MERGE, SCD2) on DuckDB",
        medianMs: Math.round(run.ms),
        runs: 1,
        units: events,
        unitName: "events",
        extra: { peak_rss_mib: run.peakRssMb, ...layers, goal: "≤ 60 s and ≤ 4 GiB at 1M orders" },
      },
      baseline: {
        label: "DuckDB read_json over landing orders + one aggregate (no medallion)",
        medianMs: Math.round(base.ms),
        runs: 1,
        units: counts.order,
        unitName: "orders",
        extra: { peak_rss_mib: base.peakRssMb, customers_found: base.value },
      },
      note: "Single runs (each point takes minutes); the baseline is the raw-scan floor, so the ratio is the price of validation, dedup, identity and 20 tables.",
    };
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
}

export async function bench(options: BenchOptions): Promise<BenchResult[]> {
  const scale = options.scale;
  const orders = [
    100_000,
    1_000_000,
    ...(process.argv.includes("--with-10m") || process.env.C360_BENCH_PIPELINE_10M === "1"
      ? [10_000_000]
      : []),
  ].map((n) => Math.max(1000, Math.round(n * scale)));
  const points: Point[] = orders.map((n) => ({ label: `${n.toLocaleString("en-US")} orders`, orders: n }));
  const results: BenchResult[] = [];
  for (const p of points) results.push(await point(p, options.log));
  return results;
}

if (require.main === module) runStandalone(bench);
