/** `c360 generate`: the synthetic data generator on the command line. */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";

import { localLakeDir } from "../contracts";
import { DEFECT_KINDS } from "./defects";
import { generate, type GenerateOptions, type StreamEventType } from "./generate";
import type { Manifest } from "./manifest";

export const DEFAULT_OUT_DIR = ".local/generated";

/** Accepts 1000000, 1_000_000, 1e6 and 1M / 3k. */
export function parseCount(value: string): number {
  const m = /^([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)([kKmM]?)$/.exec(value.trim());
  const n = m ? Number(m[1].replace(/_/g, "")) * (m[2] ? (/k/i.test(m[2]) ? 1e3 : 1e6) : 1) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a count: ${value}`);
  return n;
}

/** Runs generate() with a progress bar on an interactive terminal only (no noise in CI or tests). */
export async function generateWithProgress(options: GenerateOptions, showProgress = true): Promise<Manifest> {
  if (!showProgress || !process.stderr.isTTY) return generate(options);
  const bar = new SingleBar({
    format: "generate [{bar}] {percentage}% | {value}/{total} events | {duration}s",
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  try {
    return await generate({
      ...options,
      onProgress: (done, total) => {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(done);
      },
    });
  } finally {
    if (started) bar.stop();
  }
}

export function describeManifest(m: Manifest, out: string, lakeDir: string): string {
  const defects = DEFECT_KINDS.filter((k) => m.defects[k] > 0).map((k) => `${k}=${m.defects[k]}`);
  return [
    `generated ${m.counts.events} events (${m.counts.lines} lines) for ${m.customers} customers and ${m.products} products, seed ${m.seed}`,
    `  by type: ${Object.entries(m.counts.byType)
      .map(([t, n]) => `${t}=${n}`)
      .join(", ")}`,
    `  defects: ${defects.length ? defects.join(", ") : "none"}`,
    `  expected: ${m.expected.validEvents} valid events, ${m.expected.uniqueValidEvents} unique`,
    m.files.stream.length
      ? `  stream:   ${out}/stream/ (${m.files.stream.length} part(s))`
      : `  landing:  ${lakeDir}/landing/ (${m.files.landing.length} file(s))`,
    `  catalog:  ${m.files.catalog.map((f) => `${lakeDir}/${f}`).join(", ")}`,
    `  manifest: ${out}/manifest.json`,
  ].join("\n");
}

interface CliOptions {
  seed: string;
  customers?: string;
  products?: string;
  events?: string;
  profiles?: string;
  orders?: string;
  behavioralEvents?: string;
  support?: string;
  days: string;
  startDate: string;
  defects: string;
  out: string;
  lake?: string;
  landingAll?: boolean;
  partLines?: string;
  progress: boolean;
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description(
      "generate a seeded synthetic retail data set (event stream or landing files, catalog, manifest)",
    )
    .option("--seed <n>", "random seed; the same options and seed give byte-identical files", "42")
    .option("--customers <n>", "number of customers (default: events/50, or 1000)")
    .option("--products <n>", "number of catalog products (default: customers/20, 50..5000)")
    .option("--events <n>", "total events in the default mix (profiles, orders, behaviour, support)")
    .option("--profiles <n>", "customer_profile events (initial profiles plus updates; at least --customers)")
    .option("--orders <n>", "order events")
    .option("--behavioral-events <n>", "behavioral_event events")
    .option("--support <n>", "support_interaction events")
    .option("--days <n>", "length of the time window in days", "365")
    .option("--start-date <date>", "first day of the window (YYYY-MM-DD, UTC)", "2025-01-01")
    .option(
      "--defects <spec>",
      `off | default | kind=rate,... (kinds: ${DEFECT_KINDS.join(", ")})`,
      "default",
    )
    .option("--out <dir>", "output directory for the stream, manifest and reference files", DEFAULT_OUT_DIR)
    .option("--lake <dir>", "lake root for landing files (default: C360_LAKE_DIR or ./lake)")
    .option("--landing-all", "write all events as landing JSONL files in the lake instead of the stream")
    .option("--part-lines <n>", "lines per stream part / landing file", "250000")
    .option("--no-progress", "no progress bar")
    .action(async (opts: CliOptions) => {
      const count = (v: string | undefined) => (v === undefined ? undefined : parseCount(v));
      const counts: Partial<Record<StreamEventType, number>> = {};
      if (opts.profiles) counts.customer_profile = count(opts.profiles);
      if (opts.orders) counts.order = count(opts.orders);
      if (opts.behavioralEvents) counts.behavioral_event = count(opts.behavioralEvents);
      if (opts.support) counts.support_interaction = count(opts.support);
      const lakeDir = opts.lake ?? localLakeDir();
      // If an output stream ever stalled, Node would exit quietly with status 0 while the run is unfinished.
      let finished = false;
      const stalled = () => {
        if (finished) return;
        console.error("generate: the run stopped before it finished (an output stream stalled)");
        process.exitCode = 1;
      };
      process.once("beforeExit", stalled);
      const manifest = await generateWithProgress(
        {
          out: opts.out,
          lakeDir,
          seed: count(opts.seed),
          customers: count(opts.customers),
          products: count(opts.products),
          events: count(opts.events),
          counts,
          days: count(opts.days),
          startDate: opts.startDate,
          defects: opts.defects,
          landingAll: opts.landingAll ?? false,
          partLines: count(opts.partLines),
        },
        opts.progress,
      ).finally(() => {
        // Settled (resolved or failed): whatever happens next is not a stall.
        finished = true;
        process.off("beforeExit", stalled);
      });
      console.log(describeManifest(manifest, opts.out, lakeDir));
    });
}
