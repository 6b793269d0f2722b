/**
 * Spark engine adapter: runs a layer with the Databricks runtime itself (notebooks/c360/, the code the notebooks
 * call) on a local SparkSession with Delta Lake. One long-lived Python process (pipeline/spark/server.py) holds the
 * session; every run in this Node process reuses it, so Spark starts once. The widgets a Databricks job passes
 * (environment, window_start, window_end, load_id) are passed as they are; the lake is given as one root per zone,
 * as the Azure lake has one container per zone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

import { ZONES } from "../../contracts";
import type { LayerRun } from "../core/adapter";
import type { LayerSummary, ModelSummary, ProgressEvent } from "../core/summary";

export const REPO = resolve(__dirname, "..", "..");
export const VENV_PYTHON = join(REPO, ".venv", "bin", "python");
export type ZoneRoots = Record<(typeof ZONES)[number], string>;

/** The local lake's layout (one folder per zone under the lake directory) as zone roots. */
export const zonesOf = (lakeDir: string): ZoneRoots =>
  Object.fromEntries(ZONES.map((z) => [z, join(resolve(lakeDir), z)])) as ZoneRoots;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (e: ProgressEvent) => void;
}

/** The Python process serving one SparkSession (see server.py): requests on stdin, answers on fd 3. */
export class SparkServer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The last lines Spark and the JVM printed: shown when the process dies. */
  private readonly log: string[] = [];
  private exited: string | undefined;
  readonly ready: Promise<{ startupMs: number; sparkVersion: string }>;

  /** Milliseconds from spawning the process to a ready SparkSession (Python, JVM and session start-up). */
  startupMs: number | undefined;

  constructor(private readonly child: ChildProcess) {
    const spawned = Date.now();
    const channel = child.stdio[3] as Readable;
    let onReady: (v: { startupMs: number; sparkVersion: string }) => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    this.ready = new Promise((res, rej) => {
      onReady = res;
      onFail = rej;
    });
    this.ready.catch(() => undefined);
    createInterface({ input: channel }).on("line", (line) => {
      const msg = JSON.parse(line) as {
        ready?: boolean;
        startupMs: number;
        sparkVersion: string;
        id?: number;
        ok?: boolean;
        result?: unknown;
        error?: string;
        progress?: ProgressEvent;
      };
      if (msg.ready) {
        this.startupMs = Date.now() - spawned;
        return onReady({ startupMs: msg.startupMs, sparkVersion: msg.sparkVersion });
      }
      const p = this.pending.get(msg.id!);
      if (!p) return;
      if (msg.progress) return p.onProgress?.(msg.progress);
      this.pending.delete(msg.id!);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    const keep = (chunk: Buffer) => {
      if (process.env.C360_SPARK_LOG === "1") process.stderr.write(chunk);
      this.log.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      this.log.splice(0, Math.max(0, this.log.length - 40));
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.on("exit", (code, signal) => {
      this.exited = `the Spark process exited (${signal ?? code}): ${this.log.slice(-15).join("\n")}`;
      const err = new Error(this.exited);
      onFail(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  /** The Python process's id (the JVM is its child). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static start(): SparkServer {
    if (!existsSync(VENV_PYTHON))
      throw new Error(
        `the Spark engine needs the Python environment: run \`npm run py:setup\` (${VENV_PYTHON})`,
      );
    const child = spawn(VENV_PYTHON, [join(__dirname, "server.py")], {
      cwd: REPO,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
    });
    return new SparkServer(child);
  }

  async request<T>(
    op: string,
    args: Record<string, unknown>,
    onProgress?: Pending["onProgress"],
  ): Promise<T> {
    await this.ready;
    if (this.exited) throw new Error(this.exited);
    const id = this.nextId++;
    const answer = new Promise<T>((res, rej) =>
      this.pending.set(id, { resolve: res as (v: unknown) => void, reject: rej, onProgress }),
    );
    (this.child.stdin as Writable).write(JSON.stringify({ id, op, ...args }) + "\n");
    return answer;
  }

  /** Ends the session and the process. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((res) => this.child.once("exit", () => res()));
    (this.child.stdin as Writable).end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 30_000);
    await gone;
    clearTimeout(timer);
  }
}

let shared: SparkServer | undefined;

/** The process's one Spark server, started on first use. */
export function sparkServer(): SparkServer {
  shared ??= SparkServer.start();
  return shared;
}

/** Stops the shared Spark server (the CLI and the tests call it when done). */
export async function stopSpark(): Promise<void> {
  const s = shared;
  shared = undefined;
  await s?.stop();
}

interface PySummary {
  status: "succeeded" | "failed";
  dataQuality?: LayerSummary["dataQuality"];
  error?: string;
  models: ModelSummary[];
  erasedLandingLines?: number;
  erasedQuarantineRecords?: number;
}

/** Runs one layer through the notebooks' entry point (c360.notebook.run_notebook) on the shared Spark session. */
export async function runSparkLayer(
  run: LayerRun & { zones?: ZoneRoots; continuesRun?: boolean },
  summary: LayerSummary,
): Promise<void> {
  const { rc } = run;
  const result = await sparkServer().request<PySummary>(
    "run_layer",
    {
      layer: run.layer,
      zones: run.zones ?? zonesOf(run.lakeDir),
      modelsDir: run.modelsDir,
      keepDeltaCache: run.continuesRun === true,
      // The widget values a Databricks job passes (base parameters).
      widgets: {
        environment: rc.environment,
        window_start: summary.windowStart ?? "",
        window_end: summary.windowEnd ?? "",
        load_id: rc.loadId,
      },
    },
    run.onProgress,
  );
  summary.models = result.models;
  summary.status = result.status;
  if (result.error) summary.error = result.error;
  if (result.erasedLandingLines !== undefined) summary.erasedLandingLines = result.erasedLandingLines;
  if (result.erasedQuarantineRecords !== undefined)
    summary.erasedQuarantineRecords = result.erasedQuarantineRecords;
}
