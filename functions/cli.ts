/**
 * `c360 realtime`: the real-time path alone on a generated stream (local services, the registered
 * Event Hub handlers, Cosmos profiles, lake files mirrored into the lake directory).
 * `c360 functions-settings`: writes functions/local.settings.json from the template.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { Command } from "commander";

import { localLakeDir } from "../contracts";
import { renderLocalSettings } from "./settings";

/** Where `c360 generate` writes the stream by default (its --out is .local/generated). */
const DEFAULT_STREAM_DIR = join(".local", "generated", "stream");

interface RealtimeCliOptions {
  stream: string;
  lake?: string;
  partitions: string;
  batchSize: string;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

export function registerFunctions(program: Command): void {
  program
    .command("realtime")
    .description("drive a generated event stream through the Event Hub handlers (local Cosmos DB + Azurite)")
    .option("--stream <dir>", "directory with events-*.jsonl", DEFAULT_STREAM_DIR)
    .option(
      "--lake <dir>",
      "local lake directory to mirror landing/quarantine/control into (default: C360_LAKE_DIR or ./lake)",
    )
    .option("--partitions <n>", "Event Hubs partitions to simulate", "4")
    .option("--batch-size <n>", "events per trigger invocation", "500")
    .action(async (opts: RealtimeCliOptions) => {
      const { startLocalServices } = await import("../local/services");
      const { runRealtimeLocally } = await import("./src/local/driver");
      const services = await startLocalServices();
      try {
        const summary = await runRealtimeLocally({
          streamDir: opts.stream,
          services,
          lakeDir: opts.lake ?? localLakeDir(),
          partitions: positive("partitions", opts.partitions),
          batchSize: positive("batch-size", opts.batchSize),
          onProgress: (p) => {
            if (p.batchesDone === p.batchesTotal || p.batchesDone % 10 === 0) {
              process.stderr.write(`\r${p.eventsDone}/${p.eventsTotal} events`);
            }
          },
        });
        process.stderr.write("\n");
        console.log(JSON.stringify(summary, null, 2));
      } finally {
        await services.stop();
      }
    });

  program
    .command("functions-settings")
    .description(
      "write functions/local.settings.json from the template (emulators by default, C360_* overrides)",
    )
    .action(() => {
      const dir = __dirname;
      const rendered = renderLocalSettings(readFileSync(join(dir, "local.settings.template.json"), "utf8"));
      JSON.parse(rendered);
      writeFileSync(join(dir, "local.settings.json"), rendered);
      console.log(`wrote ${join(dir, "local.settings.json")}`);
    });
}
