/**
 * `npm start` (`c360 start`): the whole platform end to end on this machine, as named steps
 * (orchestration/end-to-end.ts): start local services → generate data → real-time path →
 * ADF master pipeline run locally → run report (HTML + JSON).
 */
import type { Command } from "commander";

import { runEndToEnd, type SizeName } from "../orchestration/end-to-end";

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run everything end to end locally and write the run report")
    .option("--size <size>", "small | medium | large, or a number of events", "medium")
    .option("--seed <n>", "generator seed", "42")
    .option(
      "--lake <dir>",
      "local lake directory (its zone folders are emptied first); default C360_LAKE_DIR or lake",
    )
    .option("--out <dir>", "where the generated stream and the report go", ".local/run")
    .action(async (opts: { size: string; seed: string; lake?: string; out: string }) => {
      const size = /^\d+$/.test(opts.size) ? Number(opts.size) : (opts.size as SizeName);
      const tty = process.stdout.isTTY;
      let lastLine = 0;
      const result = await runEndToEnd({
        size,
        seed: Number(opts.seed),
        lakeDir: opts.lake,
        outDir: opts.out,
        isolateLayers: true,
        log: (line) => {
          if (tty) process.stdout.write("\r\x1b[K");
          console.log(line);
        },
        onProgress: (step, fraction, detail) => {
          const now = Date.now();
          if (!tty || now - lastLine < 100) return;
          lastLine = now;
          process.stdout.write(`\r\x1b[K  ${step}: ${Math.round(fraction * 100)}% ${detail}`);
        },
      });
      if (tty) process.stdout.write("\r\x1b[K");
      const r = result.report;
      console.log("");
      for (const c of r.reconciliation)
        console.log(`  ${c.ok ? "✔" : "✖"} ${c.check}: expected ${c.expected}, got ${c.actual}`);
      console.log(`\nrun ${r.status}. Report: ${result.paths.html}\n            JSON: ${result.paths.json}`);
      if (r.status !== "succeeded") process.exitCode = 1;
    });
}
