/**
 * Pipeline benchmark: generated landing data → bronze → silver → gold on the embedded DuckDB engine.
 * Candidate: the full medallion run (runPipeline). Baseline, same input, same process: DuckDB reading the raw
 * landing JSONL directly (read_json, bad lines skipped) and computing one gold-like aggregate (spend per
 * customer) in a single statement — the floor of "just query the files", without validation, dedup, quarantine,
 * identity, SCD2 or the 20 tables. The ratio is the cost of the medallion's guarantees.
 *
 * Scale points: 0.1M orders and 1M orders (with 3× behavioural events and 100k customers, the issue's target);
 * 10M only with --with-10m or C360_BENCH_PIPELINE_10M=1 (~10 minutes to generate and ~14 to run here, ~40 GB of disk).
 * The 0.1M and 1M points run C360_BENCH_PIPELINE_RUNS times (default 3) over the same landing files, each on a
 * fresh lake, and report the median with the spread: on this shared 2-core machine the same run varies by ±15%
 * from minute to minute, more than most code changes are worth. The 10M point runs once, layer by layer, each layer
 * between two runs of the same layer over the 1M point's files (its lake is kept until then; interleavedRun): its
 * growth (growth_vs_peer) is its time over theirs, measured at the same time, where the 1M point's median was
 * measured 20 minutes earlier; cpu_growth_vs_peer is the same ratio for the layers' CPU time, the work without the
 * waits. Each DuckDB run runs its layers in
 * processes of their own, as `c360 pipeline run` does (duckRun): its time is the layers' own, their start-up is
 * reported apart, and its peak RSS is the largest layer process's plus the bench process's.
 * Spark: the same landing files, bronze → gold, with the Databricks runtime on local Spark (local[2], Delta; see
 * pipeline/spark/), once per point after the DuckDB runs, on a fresh lake; reported as its own result against the
 * DuckDB median, with the Spark session's start-up (a session per point, stopped after its run) measured apart and
 * peak RSS of the Python + JVM processes. Off with C360_BENCH_PIPELINE_SPARK=0; not at the 10M point.
 * Run alone: `npx tsx bench/pipeline.ts [--scale s] [--with-10m]`.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";

import { type Layer, LAYERS, type LayerSummary, runLayer, runPipeline } from "../pipeline";
import { TSX_EXEC_ARGV } from "../pipeline/duckdb/layer-process";
import { sparkServer, stopSpark } from "../pipeline/spark/engine";
import { treePssMb } from "./process-memory";
import type { BenchOptions, BenchResult } from "./types";
import { measure, type Measured, median, runStandalone, WITH_10M_ENV } from "./types";

/** A smaller point whose lake a larger point's growth is measured against. */
interface Peer {
  label: string;
  lake: string;
  orders: number;
}

interface Point {
  label: string;
  orders: number;
  /** Measured repetitions of the bronze → gold run. */
  runs: number;
  /** Also run once on Spark (local[2]). */
  spark: boolean;
  /** Keep the point's lake for a later point's peer runs (the caller removes it). */
  keep?: boolean;
  /** A smaller point's lake, each layer run again right before and right after this point's run of that layer: the
   * growth against it is measured within minutes, not 20 minutes apart (the host drifts ±15% in that time). */
  peer?: Peer;
}

/**
 * Spark's side of a point: one bronze → gold run on a local session of its own, over the same landing files, stopped
 * afterwards. A failure (start-up or run) is reported as this result's error: the DuckDB results and later points
 * still count.
 */
async function sparkRun(
  p: Point,
  lake: string,
  duckMs: number,
  events: number,
  log: (l: string) => void,
): Promise<BenchResult> {
  const result: BenchResult = {
    area: "pipeline",
    name: `bronze→gold on Spark local[2] vs DuckDB, ${p.label}`,
    input: `the same ${events.toLocaleString("en-US")} generated events as the DuckDB point above`,
    candidate: {
      label: "the Databricks runtime (notebooks/c360) on local Spark 3.5 + Delta 3.2, local[2]",
      medianMs: Number.NaN,
      runs: 1,
      units: events,
      unitName: "events",
    },
    baseline: {
      label: "the same run on DuckDB (median of the point's runs)",
      medianMs: Math.round(duckMs),
      runs: p.runs,
      units: events,
      unitName: "events",
    },
    note: "One Spark run: the session start-up (JVM, Spark, Delta; paid by each point's run, before it) is reported apart (spark_startup_s) and not in the run time; the ratio is Spark's time over DuckDB's on this 2-core machine. The session is stopped after the run, so no DuckDB run shares the machine with an idle JVM. peak_pss_mib: the Spark process tree (Python driver, JVM, Python workers) as the sum of their proportional set sizes (PSS), so pages the forked workers share count once, sampled every 200 ms.",
  };
  const server = sparkServer();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treePssMb(server.pid!))), 200);
  try {
    await server.ready;
    resetLake(lake);
    const t0 = performance.now();
    const summary = await runPipeline({
      engine: "spark",
      lakeDir: lake,
      loadId: "bench",
      windowEnd: "2025-04-15",
    });
    const ms = performance.now() - t0;
    if (summary.status !== "succeeded")
      throw new Error(`Spark pipeline failed: ${summary.layers.map((l) => l.error).join("; ")}`);
    const startup = `Spark start-up ${seconds(server.startupMs!)} s, paid before the run`;
    log(
      `pipeline ${p.label}: Spark local[2] ${seconds(ms)} s (${startup}), peak PSS ${peak} MiB ${JSON.stringify(layerSeconds(summary))}`,
    );
    result.name += ` (+ ${startup})`;
    result.candidate.medianMs = Math.round(ms);
    result.candidate.extra = {
      peak_pss_mib: peak,
      spark_startup_s: seconds(server.startupMs!),
      ...layerSeconds(summary),
      slowest_models: slowestModels(summary),
    };
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`pipeline ${p.label}: Spark failed: ${result.error}`);
  } finally {
    clearInterval(timer);
    // The session ends with the point's Spark run: an idle JVM holding its heap (GiBs after the 1M run) would take
    // that memory from the page cache under the next point's DuckDB runs, the 10M point's 35 GB of reads and writes
    // most of all.
    await stopSpark();
  }
  return result;
}

/** The run's `n` slowest models with their seconds: where a point's time goes. */
export function slowestModels(summary: PipelineSummary, n = 5): string {
  return summary.layers
    .flatMap((l) => l.models)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, n)
    .map((m) => `${m.model} ${seconds(m.durationMs)} s`)
    .join("; ");
}

/** Writes the page cache's dirty pages back to disk (sync(1)); a no-op where there is no `sync` command. */
function flushToDisk(): void {
  try {
    execFileSync("sync", { stdio: "ignore" });
  } catch {
    // no sync(1) here (Windows): nothing to wait for
  }
}

/**
 * The point's landing files (90 days of generator data) from `c360 generate` in a process of its own: generated in
 * the bench process, the 41.8M events of the 10M point left it holding ~430 MiB after a full collection (V8 keeps
 * the pages), counted in every later run's peak RSS, where `c360 pipeline run`'s own parent holds ~100 MiB.
 */
function generateLanding(lake: string, customers: number, counts: Record<EventCount, number>): void {
  const options: [string, number | string][] = [
    ["--customers", customers],
    ["--orders", counts.order],
    ["--behavioral-events", counts.behavioral_event],
    ["--profiles", counts.customer_profile],
    ["--support", counts.support_interaction],
    ["--days", 90],
    ["--start-date", "2025-01-01"],
    ["--out", join(lake, "_gen")],
    ["--lake", lake],
  ];
  const cli = join(__dirname, "..", "cli", "main.ts");
  const args = [
    cli,
    "generate",
    "--no-progress",
    "--landing-all",
    ...options.flatMap(([k, v]) => [k, String(v)]),
  ];
  execFileSync(process.execPath, [...TSX_EXEC_ARGV, ...args], { stdio: ["ignore", "ignore", "inherit"] });
}

type EventCount = "order" | "behavioral_event" | "customer_profile" | "support_interaction";

/** Everything a run wrote (bronze, silver, gold, control, quarantine) removed; the landing files stay. */
export function resetLake(lake: string): void {
  for (const entry of readdirSync(lake))
    if (entry !== "landing" && entry !== "_gen") rmSync(join(lake, entry), { recursive: true, force: true });
}

const seconds = (ms: number): number => +(ms / 1000).toFixed(1);

type PipelineSummary = Awaited<ReturnType<typeof runPipeline>>;

/** `{ bronze_s, silver_s, gold_s }` of one run, and each layer's CPU seconds (`bronze_cpu_s`, …) when it ran in a
 * process of its own. */
const layerSeconds = (summary: PipelineSummary): Record<string, number> =>
  Object.fromEntries(
    summary.layers.flatMap((l) => [
      [`${l.layer}_s`, seconds(l.durationMs)],
      ...(l.process ? [[`${l.layer}_cpu_s`, seconds(l.process.cpuMs)]] : []),
    ]),
  );

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

/** A DuckDB run of the bench: its time, start-up and memory (see duckRun). */
interface DuckRun {
  /** The layers' own time (their durationMs, summed). */
  ms: number;
  /** The layer processes' CPU time on their layers (all threads), summed. */
  cpuMs: number;
  /** The layer processes' start-up, summed: the same at every scale, so not in `ms`. */
  startupMs: number;
  /** The largest layer process's peak plus this process's peak meanwhile. */
  peakRssMb: number;
  /** Each layer process's peak, e.g. "bronze 2,651 / silver 3,329 / gold 3,500". */
  layerPeaks: string;
  /** This (the bench's) process's peak RSS during the run (it waits on the layer processes meanwhile). */
  benchRssMb: number;
  value: PipelineSummary;
}

/**
 * One bronze → gold run on DuckDB over `lake`'s landing files, on a fresh lake, each layer in a process of its own
 * as `c360 pipeline run` and the local Data Factory run it (RunParams.isolate). The run's time is its layers' own:
 * the layer processes' start-up (Node, tsx, the modules: about 0.3 s each, at every scale) is reported apart, so
 * it neither weighs on the small points nor flattens the growth between points. Its peak RSS counts the largest
 * layer process and this process (idle meanwhile, but holding the earlier points' leftovers) together.
 */
async function duckRun(lake: string): Promise<DuckRun> {
  resetLake(lake);
  const run = await measure(() => runPipeline(BENCH_RUN(lake)), 50);
  if (run.value.status !== "succeeded")
    throw new Error(`pipeline failed: ${run.value.layers.map((l) => l.error).join("; ")}`);
  return duckRunOf(run.value.layers, run.peakRssMb);
}

/** The bench's run parameters over `lake`: one load, the generator's 90 days, each layer in a process of its own. */
const BENCH_RUN = (lake: string) => ({
  lakeDir: lake,
  loadId: "bench",
  windowEnd: "2025-04-15",
  isolate: true,
});

/** A DuckDB run from its layers (run in processes of their own) and this process's peak RSS meanwhile. */
function duckRunOf(layers: LayerSummary[], benchRssMb: number): DuckRun {
  const peaks = layers.map((l) => l.process!.peakRssMb);
  return {
    ms: layers.reduce((t, l) => t + l.durationMs, 0),
    cpuMs: layers.reduce((t, l) => t + l.process!.cpuMs, 0),
    startupMs: layers.reduce((t, l) => t + l.process!.startupMs, 0),
    peakRssMb: benchRssMb + Math.max(...peaks),
    layerPeaks: layers.map((l, i) => `${l.layer} ${peaks[i]!.toLocaleString("en-US")}`).join(" / "),
    benchRssMb,
    value: {
      loadId: "bench",
      status: "succeeded",
      layers,
      durationMs: layers.reduce((t, l) => t + l.durationMs, 0),
    },
  };
}

/** One layer of a bench run over `lake` (as it stands), in a process of its own; with this process's peak RSS. */
async function layerRun(lake: string, layer: Layer): Promise<{ layer: LayerSummary; benchRssMb: number }> {
  const run = await measure(() => runLayer(layer, BENCH_RUN(lake)), 50);
  if (run.value.status !== "succeeded") throw new Error(`pipeline ${layer} failed: ${run.value.error}`);
  return { layer: run.value, benchRssMb: run.peakRssMb };
}

/** What a run wrote to `from` (everything but the landing files and generator output) becomes `to`'s. */
export function copyRunState(from: string, to: string): void {
  resetLake(to);
  for (const entry of readdirSync(from))
    if (entry !== "landing" && entry !== "_gen")
      cpSync(join(from, entry), join(to, entry), { recursive: true });
  // The copy's pages written back now, not inside the next timed layer.
  flushToDisk();
}

/**
 * A point's run layer by layer, each layer between two runs of the same layer over its peer's lake: bronze on the
 * peer, bronze here, bronze on the peer again; then silver, then gold. The host's speed drifts (±15% in minutes; a
 * 10M run takes 14): with the whole run between the peer's two, a drift during it leaves the growth unknown; here
 * each comparison spans one layer. The peer's second run of a layer starts from the state its first started from (a
 * copy of the peer's lake taken before the layer), so both do the same work. Returns the point's run, the peer's runs
 * before and after (each the sum of its layers), and the growth per layer.
 */
async function interleavedRun(
  lake: string,
  peer: Peer,
  point: { label: string; orders: number },
  log: (l: string) => void,
): Promise<{ run: DuckRun; peers: [DuckRun, DuckRun]; layerGrowth: Record<string, string> }> {
  const { label } = point;
  resetLake(lake);
  resetLake(peer.lake);
  const state = mkdtempSync(join(tmpdir(), "c360-bench-peer-state-"));
  const [own, before, after] = [[], [], []] as { layer: LayerSummary; benchRssMb: number }[][];
  try {
    for (const layer of LAYERS) {
      copyRunState(peer.lake, state);
      before.push(await layerRun(peer.lake, layer));
      own.push(await layerRun(lake, layer));
      copyRunState(state, peer.lake);
      after.push(await layerRun(peer.lake, layer));
      const [b, o, a] = [before, own, after].map((runs) => runs.at(-1)!.layer);
      const rows = (l: LayerSummary) =>
        l.models.reduce((n, m) => n + m.rowsWritten, 0).toLocaleString("en-US");
      log(
        `pipeline ${label}: ${layer} ${seconds(o!.durationMs)} s (CPU ${seconds(o!.process!.cpuMs)} s) between peer ${peer.label} runs of ${seconds(b!.durationMs)} s and ${seconds(a!.durationMs)} s (CPU ${seconds(b!.process!.cpuMs)} s and ${seconds(a!.process!.cpuMs)} s; rows written ${rows(b!)} and ${rows(a!)})`,
      );
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
  const runOf = (runs: { layer: LayerSummary; benchRssMb: number }[]) =>
    duckRunOf(
      runs.map((r) => r.layer),
      Math.max(...runs.map((r) => r.benchRssMb)),
    );
  const ratio = (of: (l: LayerSummary) => number) =>
    LAYERS.map((layer, i) => {
      const peerMean = (of(before[i]!.layer) + of(after[i]!.layer)) / 2;
      return `${layer} ${(of(own[i]!.layer) / peerMean).toFixed(2)}`;
    }).join(" / ");
  return {
    run: runOf(own),
    peers: [runOf(before), runOf(after)],
    layerGrowth: {
      layer_growth_vs_peer: ratio((l) => l.durationMs),
      layer_cpu_growth_vs_peer: ratio((l) => l.process!.cpuMs),
      models_growing_fastest: modelsGrowingFastest(
        own.map((r) => r.layer),
        [before, after].map((runs) => runs.map((r) => r.layer)),
        point.orders / peer.orders,
      ),
    },
  };
}

/**
 * The models whose time at a point exceeds `sizeRatio` times their mean time in the peer's runs by the most seconds,
 * most first, e.g. "silver.sessions 12.7× (+10.1 s)": where a point grows faster than its data. A model that grew
 * less than the data is not listed.
 */
export function modelsGrowingFastest(
  own: LayerSummary[],
  peerRuns: LayerSummary[][],
  sizeRatio: number,
  n = 6,
): string {
  const peerMs = new Map<string, number[]>();
  for (const run of peerRuns)
    for (const m of run.flatMap((l) => l.models))
      peerMs.set(m.model, [...(peerMs.get(m.model) ?? []), m.durationMs]);
  return own
    .flatMap((l) => l.models)
    .flatMap((m) => {
      const times = peerMs.get(m.model);
      if (!times) return [];
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      return [{ model: m.model, growth: m.durationMs / mean, excessMs: m.durationMs - sizeRatio * mean }];
    })
    .filter((m) => m.excessMs > 0)
    .sort((a, b) => b.excessMs - a.excessMs)
    .slice(0, n)
    .map((m) => `${m.model} ${m.growth.toFixed(1)}× (+${seconds(m.excessMs)} s)`)
    .join("; ");
}

async function point(
  p: Point,
  log: (l: string) => void,
  report: (r: BenchResult) => void,
): Promise<{ results: BenchResult[]; lake: string }> {
  const lake = mkdtempSync(join(tmpdir(), "c360-bench-pipeline-"));
  // A kept lake is handed to the caller only when the point succeeds; a failed point's lake goes here.
  let handedOver = false;
  const done = (results: BenchResult[]) => {
    handedOver = p.keep === true;
    return { results, lake };
  };
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
    generateLanding(lake, customers, counts);
    // The generator's files written back to disk before any run is timed: the kernel writes them back over the next
    // minutes otherwise (20 GB at 10M orders), inside the first runs' time.
    flushToDisk();
    log(`pipeline ${p.label}: generated in ${seconds(performance.now() - g0)} s; running bronze → gold`);
    const runs: DuckRun[] = [];
    const peers: DuckRun[] = [];
    let layerGrowth: Record<string, string> = {};
    const logRun = (run: DuckRun, i: number, of: number) =>
      log(
        `pipeline ${p.label}: run ${i + 1}/${of} ${seconds(run.ms)} s (CPU ${seconds(run.cpuMs)} s; + ${seconds(run.startupMs)} s layer process start-up), peak RSS ${run.peakRssMb} MiB (layer processes: ${run.layerPeaks}; bench process ${run.benchRssMb} MiB) ${JSON.stringify(layerSeconds(run.value))}`,
      );
    if (p.peer) {
      // One run, interleaved with its peer's layer by layer.
      const interleaved = await interleavedRun(lake, p.peer, p, log);
      runs.push(interleaved.run);
      peers.push(...interleaved.peers);
      layerGrowth = interleaved.layerGrowth;
      logRun(interleaved.run, 0, 1);
      for (const [when, run] of [
        ["before", peers[0]!],
        ["after", peers[1]!],
      ] as const)
        log(
          `pipeline ${p.label}: peer ${p.peer.label} run ${when}: ${seconds(run.ms)} s (CPU ${seconds(run.cpuMs)} s)`,
        );
    } else
      for (let i = 0; i < p.runs; i++) {
        const run = await duckRun(lake);
        runs.push(run);
        logRun(run, i, p.runs);
      }
    // This point's median over the mean of its peers, in wall time and in CPU time (the layers' threads): the CPU
    // growth is the work's, without the waits (a disk that the larger point reads from where the smaller one reads
    // from the page cache).
    const growthOf = (of: (r: DuckRun) => number) =>
      +(median(runs.map(of)) / (peers.reduce((a, r) => a + of(r), 0) / peers.length)).toFixed(2);
    const growth: Record<string, number | string> = p.peer
      ? {
          peer_runs_s: `${p.peer.label}: ${peers.map((r) => seconds(r.ms)).join(" / ")}`,
          growth_vs_peer: growthOf((r) => r.ms),
          peer_runs_cpu_s: `${p.peer.label}: ${peers.map((r) => seconds(r.cpuMs)).join(" / ")}`,
          cpu_growth_vs_peer: growthOf((r) => r.cpuMs),
          ...layerGrowth,
        }
      : {};
    // The median run's layer times (for an even count, the faster of the two middle runs).
    const byTime = [...runs].sort((a, b) => a.ms - b.ms);
    const mid = byTime[Math.floor((byTime.length - 1) / 2)]!;
    // The run with the highest peak RSS: the point's peak, and that run's parts.
    const peak = [...runs].sort((a, b) => b.peakRssMb - a.peakRssMb)[0]!;
    const layers = layerSeconds(mid.value);
    const spread: Record<string, number | string> =
      runs.length > 1
        ? {
            min_s: seconds(byTime[0]!.ms),
            max_s: seconds(byTime[byTime.length - 1]!.ms),
            runs_s: runs.map((r) => seconds(r.ms)).join(" / "),
          }
        : {};
    const bases: Measured<number>[] = [];
    for (let i = 0; i < p.runs; i++) bases.push(await measure(() => baseline(lake), 50));
    const baseTimes = bases.map((b) => b.ms);
    log(`pipeline ${p.label}: baseline ${seconds(median(baseTimes))} s`);
    const duck: BenchResult = {
      area: "pipeline",
      name: `bronze→gold, ${p.label}`,
      input: `${events.toLocaleString("en-US")} generated events (${p.orders.toLocaleString("en-US")} orders, ${counts.behavioral_event.toLocaleString("en-US")} behavioural, ${customers.toLocaleString("en-US")} customers), default defect rates`,
      candidate: {
        label: "medallion run (21 models, expectations, quarantine, MERGE, SCD2) on DuckDB",
        medianMs: Math.round(median(runs.map((r) => r.ms))),
        runs: runs.length,
        units: events,
        unitName: "events",
        extra: {
          peak_rss_mib: peak.peakRssMb,
          // The peak run's parts: each layer process's peak, and what the bench process held meanwhile (earlier
          // points, the generator's data).
          layer_peak_rss_mib: peak.layerPeaks,
          bench_process_rss_mib: peak.benchRssMb,
          layer_startup_s: seconds(median(runs.map((r) => r.startupMs))),
          cpu_s: seconds(median(runs.map((r) => r.cpuMs))),
          ...spread,
          ...growth,
          ...layers,
          slowest_models: slowestModels(mid.value),
          goal: "≤ 60 s and ≤ 4 GiB at 1M orders; 10M ≤ 10× the 1M time at ≤ 4 GiB",
        },
      },
      baseline: {
        label: "DuckDB read_json over landing orders + one aggregate (no medallion)",
        medianMs: Math.round(median(baseTimes)),
        runs: baseTimes.length,
        units: counts.order,
        unitName: "orders",
        extra: { peak_rss_mib: Math.max(...bases.map((b) => b.peakRssMb)), customers_found: bases[0]!.value },
      },
      note: `${runs.length > 1 ? `Median of ${runs.length} runs on fresh lakes over the same landing files (peak RSS: the highest; layer times: the median run)` : "A single run (the point takes many minutes)"}; the baseline is the raw-scan floor, so the ratio is the price of validation, dedup, identity and 20 tables. Each run's layers run in processes of their own (as \`c360 pipeline run\` runs them): the time is the layers' own, their start-up is layer_startup_s; peak_rss_mib is the largest layer process's peak plus the bench process's RSS (layer_peak_rss_mib, bench_process_rss_mib).${p.peer ? ` growth_vs_peer: this run's time over the mean of the ${p.peer.label} runs made right before and right after it (peer_runs_s), on the same host at the same time: layer by layer, each of this run's layers between two runs of that layer over the ${p.peer.label} files (layer_growth_vs_peer), so a comparison spans minutes, not the whole run; models_growing_fastest: the models whose time exceeds ${+(p.orders / p.peer.orders).toFixed(2)}× their time in those runs by the most; cpu_growth_vs_peer: the same for the layers' CPU time (cpu_s, all threads).` : ""}`,
    };
    report(duck);
    if (!p.spark) return done([duck]);
    const spark = await sparkRun(p, lake, median(runs.map((r) => r.ms)), events, log);
    report(spark);
    return done([duck, spark]);
  } finally {
    if (!handedOver) rmSync(lake, { recursive: true, force: true });
  }
}

export async function bench(options: BenchOptions): Promise<BenchResult[]> {
  const repeat = Math.max(1, Number(process.env.C360_BENCH_PIPELINE_RUNS ?? 3));
  const spark = process.env.C360_BENCH_PIPELINE_SPARK !== "0";
  const with10m = process.env[WITH_10M_ENV] === "1";
  const sizes: { orders: number; runs: number; spark: boolean }[] = [
    { orders: 100_000, runs: repeat, spark },
    { orders: 1_000_000, runs: repeat, spark },
    ...(with10m ? [{ orders: 10_000_000, runs: 1, spark: false }] : []),
  ];
  const points: Point[] = sizes.map(({ orders, runs, spark: withSpark }) => {
    const n = Math.max(1000, Math.round(orders * options.scale));
    return { label: `${n.toLocaleString("en-US")} orders`, orders: n, runs, spark: withSpark };
  });
  // The 10M point's growth is measured against the 1M point's landing files, run again next to it.
  if (with10m) points[1]!.keep = true;
  const results: BenchResult[] = [];
  const kept: string[] = [];
  try {
    for (const p of points) {
      const { results: r, lake } = await point(p, options.log, (x) => options.onResult?.(x));
      results.push(...r);
      if (p.keep) {
        kept.push(lake);
        points[points.indexOf(p) + 1]!.peer = { label: p.label, lake, orders: p.orders };
      }
    }
  } finally {
    await stopSpark();
    for (const lake of kept) rmSync(lake, { recursive: true, force: true });
  }
  return results;
}

if (require.main === module) runStandalone(bench);
