/**
 * `c360 pipeline run [--engine duckdb|spark] [--layer bronze|silver|gold] [--window <start>/<end>] [--lake <dir>]
 * [--load-id <id>]`; `c360 pipeline export [--lake <dir>]` (the person export step).
 */
import type { Command } from "commander";

import {
  type Engine,
  ENGINES,
  type Layer,
  LAYERS,
  type LayerSummary,
  runExports,
  runPipeline,
  stopSpark,
} from "./index";

export function formatSummary(layers: LayerSummary[]): string {
  const rows = layers.flatMap((l) =>
    l.models.map((m) => {
      const failed = m.expectations.filter((e) => !e.passed);
      return [
        m.model,
        m.materialization,
        String(m.rowsIn),
        String(m.rowsOut),
        String(m.quarantined),
        failed.length === 0 ? "all passed" : failed.map((e) => `${e.action}:${e.name}=${e.failed}`).join(" "),
        `${(m.durationMs / 1000).toFixed(2)}s`,
      ];
    }),
  );
  const head = ["model", "materialized", "rows in", "rows out", "quarantined", "expectations", "duration"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function registerPipeline(program: Command): void {
  const pipeline = program
    .command("pipeline")
    .description("medallion batch pipeline (bronze → silver → gold) on DuckDB or local Spark");
  pipeline
    .command("run")
    .description("run one layer or all layers over the local lake")
    .option(
      "--engine <engine>",
      "duckdb (embedded) | spark (the notebooks' runtime on local Spark + Delta)",
      "duckdb",
    )
    .option("--layer <layer>", "bronze | silver | gold (default: all, in order)")
    .option("--window <start/end>", "ingest-date window, e.g. 2024-05-01/2024-05-02 (end exclusive)")
    .option("--lake <dir>", "lake directory (default: C360_LAKE_DIR or ./lake)")
    .option("--load-id <id>", "load id stamped on the rows (default: load_<timestamp>)")
    .option(
      "--in-process",
      "duckdb: run the layers in this process instead of one process each (as Databricks runs each layer as its own task)",
    )
    .action(
      async (opts: {
        engine: string;
        layer?: string;
        window?: string;
        lake?: string;
        loadId?: string;
        inProcess?: boolean;
      }) => {
        if (!(ENGINES as readonly string[]).includes(opts.engine))
          throw new Error(`--engine must be one of ${ENGINES.join(", ")}`);
        if (opts.layer && !(LAYERS as readonly string[]).includes(opts.layer))
          throw new Error(`--layer must be one of ${LAYERS.join(", ")}`);
        const [windowStart, windowEnd] = opts.window ? opts.window.split("/") : [];
        const summary = await runPipeline({
          engine: opts.engine as Engine,
          lakeDir: opts.lake,
          loadId: opts.loadId,
          windowStart: windowStart || undefined,
          windowEnd: windowEnd || undefined,
          layers: opts.layer ? [opts.layer as Layer] : undefined,
          isolate: !opts.inProcess,
          onProgress: (e) => {
            if (e.phase === "start")
              process.stderr.write(`[${e.layer} ${e.index}/${e.total}] ${e.model} ...`);
            else
              process.stderr.write(
                ` ${e.summary!.rowsOut} rows, ${e.summary!.quarantined} quarantined (${e.summary!.durationMs} ms)\n`,
              );
          },
        }).finally(() => stopSpark());
        console.log(formatSummary(summary.layers));
        for (const l of summary.layers) if (l.error) console.error(`${l.layer} failed: ${l.error}`);
        for (const l of summary.layers) {
          if (l.erasedLandingLines) console.log(`erasure: ${l.erasedLandingLines} landing line(s) blanked`);
          if (l.erasedQuarantineRecords)
            console.log(`erasure: ${l.layer}: ${l.erasedQuarantineRecords} quarantine record(s) removed`);
        }
        console.log(
          `load ${summary.loadId}: ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s`,
        );
        if (summary.status !== "succeeded") process.exitCode = 1;
      },
    );
  pipeline
    .command("export")
    .description(
      "the export step: write every pending person export job (control/exports/<jobId>/) on DuckDB",
    )
    .option("--lake <dir>", "lake directory (default: C360_LAKE_DIR or ./lake)")
    .option("--load-id <id>", "the batch run the export is as of (recorded in each manifest)")
    .action(async (opts: { lake?: string; loadId?: string }) => {
      const summary = await runExports({ lakeDir: opts.lake, loadId: opts.loadId });
      for (const job of summary.jobs) {
        const rows = Object.values(job.stores).reduce((n, s) => n + s.rows, 0);
        console.log(
          `export ${job.jobId}: ${job.status}${job.error ? ` (${job.error})` : ""}, ${rows} row(s)`,
        );
      }
      if (summary.jobs.length === 0) console.log("export: no pending job");
      if (summary.jobs.some((j) => j.status !== "complete")) process.exitCode = 1;
    });
}
