/**
 * The interface every area's benchmark follows. Each area writes `bench/<area>.ts` exporting
 * `bench(options)`; `bench/run.ts` calls them all in one process and writes BENCHMARKS.md.
 *
 * One BenchResult compares a candidate with its baseline, both measured in the same run on the
 * same input, so the ratio is meaningful on any machine.
 */
import { Command, InvalidArgumentError } from "commander";

/** One measured side: a median of `runs` repetitions. */
export interface BenchMeasure {
  /** What ran, e.g. "coalesced patch per customer" or "one upsert per event". */
  label: string;
  /** Median wall-clock milliseconds per repetition. */
  medianMs: number;
  /** Repetitions measured (after warm-up). */
  runs: number;
  /** Optional throughput: units processed per repetition (events, rows, activities...). */
  units?: number;
  /** Name of the unit, e.g. "events", "rows". */
  unitName?: string;
  /** Any other figure worth reporting (RU charged, bytes written...). */
  extra?: Record<string, number | string>;
}

export interface BenchResult {
  /** Area that owns it: "functions", "pipeline", "orchestration", ... */
  area: string;
  /** Short name of the scenario. */
  name: string;
  /** The input, described so a reader can reproduce it, e.g. "10,000 events over 500 customers". */
  input: string;
  candidate: BenchMeasure;
  baseline: BenchMeasure;
  /** Which way is better; default "lower" (time). */
  better?: "lower" | "higher";
  /** One sentence on what the comparison shows or why this baseline. */
  note?: string;
  /** The candidate side failed (with this message); the baseline is still reported and the area goes on. */
  error?: string;
}

export interface BenchOptions {
  /** Scale factor: 1 = the default size; the harness passes smaller values with --quick. */
  scale: number;
  /** Progress lines for the console. */
  log: (line: string) => void;
  /**
   * Each result as soon as it is measured: the harness rewrites its output file after each one, so a long run
   * cut short keeps what it measured so far.
   */
  onResult?: (result: BenchResult) => void;
}

/** What `bench/<area>.ts` exports. */
export type AreaBench = (options: BenchOptions) => Promise<BenchResult[]>;

/** Median of a list of numbers (empty list → NaN). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the median milliseconds. */
export async function timeMedian(fn: () => unknown, runs: number, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** One measured call: wall time, CPU seconds (user + system, robust when the machine is shared), sampled peak RSS. */
export interface Measured<T> {
  ms: number;
  cpuS: number;
  peakRssMb: number;
  /** The process's RSS when the measurement began: what earlier work (other points, generated data) left held. */
  startRssMb: number;
  value: T;
}

/** Runs `fn` once and measures it (`Measured`); RSS is sampled every `sampleMs`. */
export async function measure<T>(fn: () => Promise<T>, sampleMs = 25): Promise<Measured<T>> {
  // Earlier work's garbage collected first (`npm run bench` runs with --expose-gc): the peak is what `fn` needs on
  // top of what the process still holds, not on top of a heap V8 has not swept yet.
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), sampleMs);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await fn();
    const cpu = process.cpuUsage(cpu0);
    return {
      ms: performance.now() - t0,
      cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1),
      peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20),
      startRssMb: Math.round(start / 2 ** 20),
      value,
    };
  } finally {
    clearInterval(timer);
  }
}

/** `--scale <x>`: a positive number (commander argument parser, shared by `npm run bench` and the areas). */
export function parseScale(value: string): number {
  const scale = Number(value);
  if (!(scale > 0)) throw new InvalidArgumentError("must be a positive number");
  return scale;
}

/** `--with-10m`: the 10M-order pipeline point (bench/pipeline.ts reads it as C360_BENCH_PIPELINE_10M=1). */
export const WITH_10M_ENV = "C360_BENCH_PIPELINE_10M";

/** `npx tsx bench/<area>.ts [--scale N] [--with-10m]`: runs one area's benchmarks alone and prints their results. */
export function runStandalone(bench: AreaBench): void {
  const command = new Command("bench-area")
    .option("--scale <x>", "input scale (1 = the documented sizes)", parseScale, 1)
    .option("--with-10m", "also the 10M-order pipeline point", false)
    .showHelpAfterError();
  command.parse(process.argv);
  const { scale, with10m } = command.opts<{ scale: number; with10m: boolean }>();
  if (with10m) process.env[WITH_10M_ENV] = "1";
  bench({ scale, log: (line) => console.log(line) })
    .then((results) => console.log(JSON.stringify(results, null, 2)))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
