/**
 * The end-to-end local run behind `npm start`, as a list of named steps:
 * start local services → generate → real-time path → ADF master pipeline (locally) → report.
 * Every step is timed; a failed step stops the run but the report is still written, saying what failed.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { localLakeDir, ZONES } from "../contracts";
import type { Manifest } from "../generator";
import type { LocalServices } from "../local/services";
import type { LayerSummary } from "../pipeline";
import type { GoldFacts, RealtimeCounts, RunReport } from "../report";
import type { StepTiming, TraitsSyncReport } from "../report/types";
import type { PipelineRun } from "./executor";

export const SIZES = {
  small: { events: 3_000, days: 30 },
  medium: { events: 20_000, days: 90 },
  large: { events: 100_000, days: 180 },
} as const;
export type SizeName = keyof typeof SIZES;

export interface EndToEndOptions {
  /** small | medium | large, or a number of events. Default medium (≈1 minute here). */
  size?: SizeName | number;
  seed?: number;
  /** Lake directory; its zone folders are emptied first. Default localLakeDir(). */
  lakeDir?: string;
  /** Where the generated stream and the report go. Default `.local/run`. */
  outDir?: string;
  /** First day of generated data (YYYY-MM-DD); default: so that the data ends today. */
  startDate?: string;
  /** Always start fresh Azurite and Cosmos servers, ignoring configured endpoints (isolated runs, tests). */
  forceLocalServices?: boolean;
  /** Each layer notebook in a process of its own (`npm start` does; RunParams.isolate). */
  isolateLayers?: boolean;
  log?: (line: string) => void;
  /** Progress of long steps (fraction 0..1). */
  onProgress?: (step: string, fraction: number, detail: string) => void;
}

export interface EndToEndResult {
  report: RunReport;
  paths: { html: string; json: string };
  manifest?: Manifest;
  realtime?: RealtimeCounts;
  adfRun?: PipelineRun;
  layers: LayerSummary[];
  gold?: GoldFacts;
  traitsSync?: TraitsSyncReport;
}

export function resolveSize(size: EndToEndOptions["size"]): { name: string; events: number; days: number } {
  if (size === undefined) return { name: "medium", ...SIZES.medium };
  if (typeof size === "number") {
    if (!Number.isSafeInteger(size) || size < 500)
      throw new Error(`--size as a number is an event count of at least 500, got ${size}`);
    return {
      name: `${size} events`,
      events: size,
      days: Math.min(365, Math.max(30, Math.round(size / 200))),
    };
  }
  if (!(size in SIZES))
    throw new Error(`unknown size "${size}" (use small, medium, large or a number of events)`);
  return { name: size, ...SIZES[size] };
}

export async function runEndToEnd(options: EndToEndOptions = {}): Promise<EndToEndResult> {
  const log = options.log ?? (() => {});
  const size = resolveSize(options.size);
  const seed = options.seed ?? 42;
  const lakeDir = resolve(options.lakeDir ?? localLakeDir());
  const outDir = resolve(options.outDir ?? join(".local", "run"));
  const startDate =
    options.startDate ?? new Date(Date.now() - size.days * 86_400_000).toISOString().slice(0, 10);
  const t0 = performance.now();
  const steps: StepTiming[] = [];
  const notes: string[] = [];
  let failed = false;

  /** Runs one named step unless an earlier one failed; records its timing and status. */
  const step = async <T>(
    name: string,
    fn: () => Promise<T>,
    detail?: (v: T) => string,
  ): Promise<T | undefined> => {
    if (failed) {
      steps.push({ name, status: "skipped", startMs: performance.now() - t0, durationMs: 0 });
      return undefined;
    }
    const start = performance.now();
    log(`▶ ${name}`);
    try {
      const v = await fn();
      const d = detail?.(v);
      steps.push({
        name,
        status: "succeeded",
        startMs: start - t0,
        durationMs: performance.now() - start,
        ...(d ? { detail: d } : {}),
      });
      log(`✔ ${name} (${((performance.now() - start) / 1000).toFixed(1)} s)${d ? ` — ${d}` : ""}`);
      return v;
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? err.message : String(err);
      steps.push({
        name,
        status: "failed",
        startMs: start - t0,
        durationMs: performance.now() - start,
        detail: message,
      });
      notes.push(`Step "${name}" failed: ${message}`);
      log(`✖ ${name}: ${message}`);
      return undefined;
    }
  };

  let services: LocalServices | undefined;
  let manifest: Manifest | undefined;
  let realtime: RealtimeCounts | undefined;
  let adfRun: PipelineRun | undefined;
  const layers: LayerSummary[] = [];
  let gold: GoldFacts | undefined;
  let landed: number | undefined;
  let lastRun: PipelineRun | undefined;
  /** Where the real-time leg put its profiles and files: the traits sync writes beside them. */
  let realtimeStore: { databaseName: string; lakePrefix: string } | undefined;
  let traitsSync: TraitsSyncReport | undefined;
  try {
    for (const zone of ZONES) rmSync(join(lakeDir, zone), { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });

    services = await step(
      "local services",
      async () =>
        (await import("../local/services")).startLocalServices({
          forceLocal: options.forceLocalServices ?? false,
        }),
      (s) => `Azurite ${s.storage.blobEndpoint}, Cosmos ${s.cosmos.endpoint}`,
    );

    manifest = await step(
      "generate",
      async () =>
        (await import("../generator")).generate({
          out: join(outDir, "generated"),
          lakeDir,
          seed,
          events: size.events,
          days: size.days,
          startDate,
          onProgress: (done, total) =>
            options.onProgress?.("generate", done / Math.max(1, total), `${done}/${total} events`),
        }),
      (m) => `${m.counts.lines} lines, ${m.customers} customers, ${m.products} products`,
    );

    realtime = await step(
      "real-time path",
      async () => {
        const { runRealtimeLocally } = await import("../functions/src/local/driver");
        const summary = await runRealtimeLocally({
          streamDir: join(outDir, "generated", "stream"),
          services: services!,
          lakeDir,
          onProgress: (p) =>
            options.onProgress?.(
              "real-time path",
              p.eventsDone / Math.max(1, p.eventsTotal),
              `${p.eventsDone}/${p.eventsTotal} events`,
            ),
        });
        realtimeStore = { databaseName: summary.databaseName, lakePrefix: summary.lakePrefix };
        return summary;
      },
      (r) => `${r.accepted} accepted, ${r.quarantined} quarantined, ${r.profilesInStore} profiles`,
    );

    if (!failed) landed = (await import("../report")).countLanding(lakeDir);

    adfRun = await step(
      "ADF master pipeline",
      async () => {
        const { runAdfLocally } = await import("./local-wiring");
        const { runTraitsSyncLocally } = await import("../functions/src/local/traits-sync");
        const r = await runAdfLocally({
          lakeDir,
          pipeline: "P_C360_Master",
          parameters: { windowStart: "", windowEnd: "" },
          isolateLayers: options.isolateLayers,
          // The queue message of Sync_Profile_Traits runs the sync here, as its queue trigger does in Azure.
          traitsSync: async (message) => {
            const { summary } = await runTraitsSyncLocally(
              { services: services!, lakeDir, ...realtimeStore! },
              message,
            );
            traitsSync = summary;
            log(
              `  traits sync: ${summary.synced} synced, ${summary.skippedUnchanged} unchanged, ${summary.changeEvents} change events`,
            );
            return { ...summary, changesByKind: { ...summary.changesByKind } };
          },
          onProgress: (e) =>
            e.phase === "done" && options.onProgress?.(`${e.layer} layer`, e.index / e.total, e.model),
          onEvent: (e) => {
            if (e.type === "activity-end" && e.run.status !== "Skipped")
              log(`  ${"  ".repeat(e.depth)}${e.run.pipelineName} › ${e.run.activityName}: ${e.run.status}`);
          },
        });
        layers.push(...r.layers);
        lastRun = r.run;
        if (r.run.status !== "Succeeded")
          throw new Error(`${r.run.pipelineName} failed: ${r.run.error?.message ?? "?"}`);
        return r.run;
      },
      (r) => `run ${r.runId}`,
    );
    adfRun ??= lastRun;

    gold = await step(
      "read gold tables",
      async () => (await import("../report")).readGold(lakeDir, adfRun?.runId),
      (g) => `${g.customers} customers`,
    );
  } finally {
    if (services) await services.stop();
  }

  const reportStart = performance.now();
  const { buildRunReport, writeReport } = await import("../report");
  const input = {
    generatedAt: new Date().toISOString(),
    run: {
      size: size.name,
      seed,
      customers: manifest?.customers ?? 0,
      events: manifest?.counts.events ?? 0,
      lakeDir,
      ...(adfRun ? { loadId: adfRun.runId } : {}),
    },
    steps,
    ...(manifest ? { manifest } : {}),
    ...(realtime ? { realtime } : {}),
    ...(landed !== undefined ? { landed } : {}),
    layers,
    ...(adfRun ? { adfRun } : {}),
    ...(gold ? { gold } : {}),
    ...(traitsSync ? { traitsSync } : {}),
    notes,
  };
  steps.push({
    name: "write report",
    status: "succeeded",
    startMs: reportStart - t0,
    durationMs: performance.now() - reportStart,
  });
  const report = buildRunReport(input);
  const paths = writeReport(report, outDir);
  log(`report: ${paths.html}`);
  return { report, paths, manifest, realtime, adfRun, layers, gold, traitsSync };
}
