/**
 * A DuckDB layer run in a process of its own (RunParams.isolate), as Databricks runs each layer notebook as its
 * own job task. The parent forks this file's `layer-process-main.ts`, sends it the run's parameters, forwards its
 * progress events and returns its layer summary.
 *
 * Why a process per layer: the memory a layer's queries freed stays resident in the process (glibc keeps freed
 * chunks in its arenas; DuckDB's own accounting drops to ~0 between models while RSS stays 1–2.5 GiB at 10M
 * orders), and the next layer's peak comes on top of it. A layer process returns it all when it exits.
 *
 * The gold process runs with one libuv thread (LAYER_ENV): its DuckDB calls then all run on the same thread and
 * allocate from one glibc arena instead of up to four. At 10M orders gold peaked at 3,532 and 3,548 MiB that way
 * against 3,730 and 3,742 MiB, in the same time (67.3–67.5 s against 68.0–70.4 s). Not bronze: its landing prefetch
 * runs on a second connection beside the batch, and with one thread it queued behind it (246 s instead of 164 s at
 * 10M). Not silver: 220 s against 204–216 s at 10M, no gain worth it.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { type LayerSummary, type ProgressEvent, startLayerSummary } from "../core/summary";
import type { Layer } from "../models";

/** What the parent sends the layer process: the layer and its serializable run parameters. */
export interface LayerRequest {
  layer: Layer;
  params: {
    lakeDir?: string;
    /** Resolved by the parent (runLayer), so both processes stamp the same load. */
    loadId: string;
    windowStart?: string;
    windowEnd?: string;
    environment?: string;
    modelsDir?: string;
  };
}

/** What the layer process sends back: that it runs, progress events, then its summary, peak RSS and CPU time. */
export type LayerMessage =
  { ready: true } | { progress: ProgressEvent } | { summary: LayerSummary; peakRssMb: number; cpuMs: number };

/** Environment a layer's process gets on top of the parent's (see above). */
export const LAYER_ENV: Partial<Record<Layer, Record<string, string>>> = {
  gold: { UV_THREADPOOL_SIZE: "1" },
};

const STDERR_TAIL = 4000;

/** The layer process's entry, and the Node options that load it (TypeScript, through tsx's loader). */
export const LAYER_PROCESS_MAIN = join(__dirname, "layer-process-main.ts");
export const TSX_EXEC_ARGV = ["--import", pathToFileURL(require.resolve("tsx")).href];

/**
 * Runs `request` in a forked layer process. Resolves with its summary; `process.startupMs` is the time from the
 * fork until the process had loaded the pipeline and was ready. A process that dies before its summary gives a
 * failed summary with its exit code or signal and the end of its stderr.
 */
export function runLayerProcess(
  request: LayerRequest,
  onProgress?: (e: ProgressEvent) => void,
  entry = LAYER_PROCESS_MAIN,
): Promise<LayerSummary> {
  const started = Date.now();
  const child = fork(entry, [], {
    execArgv: TSX_EXEC_ARGV,
    env: { ...process.env, ...LAYER_ENV[request.layer] },
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  let startupMs = 0;
  let summary: LayerSummary | undefined;
  child.on("message", (m: LayerMessage) => {
    if ("ready" in m) startupMs = Date.now() - started;
    else if ("progress" in m) onProgress?.(m.progress);
    else summary = { ...m.summary, process: { startupMs, peakRssMb: m.peakRssMb, cpuMs: m.cpuMs } };
  });
  child.send(request);
  return new Promise((resolve) => {
    const failed = (error: string): LayerSummary => ({
      ...startLayerSummary(request.layer, request.params),
      status: "failed",
      error,
      durationMs: Date.now() - started,
    });
    child.on("error", (e) => resolve(failed(`layer process could not start: ${e.message}`)));
    child.on("close", (code, signal) => {
      if (summary) resolve(summary);
      else
        resolve(
          failed(
            `layer process exited (${signal ? `signal ${signal}` : `code ${code}`}) before its summary${stderr.trim() ? `: ${stderr.trim()}` : ""}`,
          ),
        );
    });
  });
}
