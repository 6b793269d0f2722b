/**
 * Production wiring of the local executor: what the outside world of Data Factory is on one machine.
 * - DatabricksNotebook `/c360/notebooks/<layer>` → the batch pipeline's `runLayer(layer, …)` on DuckDB,
 *   with the notebook's widgets (window_start, window_end, load_id, environment) as its parameters;
 *   `/c360/notebooks/export` → the person export step (`runExports`) on DuckDB;
 * - WebActivity PUT to the lake's blob endpoint → a file in the local lake directory
 *   (`<container>/<path>`, e.g. control/runs/P_C360_Master/<runId>.json);
 * - WebActivity to the alert webhook → recorded (returned, and appended to control/alerts/alerts.jsonl);
 * - Validation on a lake folder dataset → the folder in the local lake directory.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

import type { LayerSummary, ProgressEvent } from "../pipeline";
import type { Factory } from "./definitions";
import { loadFactory } from "./definitions";
import type {
  DatasetProbe,
  ExecutorEvent,
  NotebookRequest,
  NotebookRunner,
  PipelineRun,
  WebHandler,
} from "./executor";
import { LocalDataFactory } from "./executor";
import type { Json } from "./expressions";
import { notebookFileFor } from "./validate";

/**
 * Global parameter values for a local run (the stack values in Azure). The lake endpoints stand for the
 * local lake directory; the alert webhook is empty unless one is given, as the infra deploys it
 * (infra/program.ts: alerting goes through Azure Monitor), so local runs take the deployed path.
 */
export function localGlobals(environment = "local", alertWebhookUrl = ""): Record<string, Json> {
  return {
    environment,
    databricksWorkspaceUrl: "local",
    databricksWorkspaceResourceId: "local",
    lakeBlobEndpoint: "local-lake://blob/",
    lakeDfsEndpoint: "local-lake://dfs/",
    alertWebhookUrl,
    traitsSyncQueueUrl: LOCAL_TRAITS_SYNC_QUEUE,
  };
}

/** The traits-sync queue's Put Message URL locally (in Azure `https://<account>.queue.core.windows.net/traits-sync/messages`). */
export const LOCAL_TRAITS_SYNC_QUEUE = "local-queue://traits-sync/messages";

/** Runs the consumer of a traits-sync queue message (the message text); its answer is the activity's output. */
export type TraitsSyncConsumer = (messageText: string) => Promise<Json>;

/** The MessageText of a Put Message body (`<QueueMessage><MessageText>…</MessageText></QueueMessage>`), unescaped. */
export function queueMessageText(body: string | null | undefined): string | undefined {
  const m = /<MessageText>([\s\S]*)<\/MessageText>/.exec(body ?? "");
  if (!m) return undefined;
  return m[1]!
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

export interface RecordedAlert {
  at: string;
  pipelineName: string;
  activityName: string;
  body: Json;
}

export interface LayerNotebookOptions {
  /** Called with each layer's summary, failed ones included. */
  onLayer?: (summary: LayerSummary) => void;
  /** The layer runs' progress events. */
  onProgress?: (e: ProgressEvent) => void;
  /** Each layer in a process of its own (RunParams.isolate), as a Databricks job task runs its notebook. */
  isolate?: boolean;
}

/**
 * Maps `/c360/notebooks/bronze|silver|gold` to runLayer (a failed layer summary fails the activity) and
 * `/c360/notebooks/export` to the person export step (runExports, with the notebook's load_id); a job the step fails
 * is recorded in its manifest, as the notebook does, and does not fail the activity.
 */
export function layerNotebookRunner(
  lakeDir: string,
  { onLayer, onProgress, isolate = false }: LayerNotebookOptions = {},
): NotebookRunner {
  return async (req) => {
    const file = notebookFileFor(req.notebookPath);
    if (file === "notebooks/export.py") {
      const { runExports } = await import("../pipeline");
      return (await runExports({
        lakeDir,
        loadId: req.baseParameters.load_id || undefined,
      })) as unknown as Json;
    }
    const layer = file?.match(/^notebooks\/(bronze|silver|gold)\.py$/)?.[1] as
      "bronze" | "silver" | "gold" | undefined;
    if (!layer) throw new Error(`no local runner for notebook ${req.notebookPath}`);
    // Loaded lazily so that the executor and its tests do not load DuckDB.
    const { runLayer } = await import("../pipeline");
    const p = req.baseParameters;
    const summary = await runLayer(layer, {
      lakeDir,
      loadId: p.load_id || undefined,
      windowStart: p.window_start || undefined,
      windowEnd: p.window_end || undefined,
      environment: p.environment || undefined,
      onProgress,
      isolate,
    });
    onLayer?.(summary);
    if (summary.status === "failed") throw new Error(summary.error ?? `${layer} layer failed`);
    return summary as unknown as Json;
  };
}

/** Blob PUTs under the lake endpoint become files in lakeDir; alerts are recorded. */
export function localWebHandler(
  lakeDir: string,
  globals: Record<string, Json>,
  alerts: RecordedAlert[],
  traitsSync?: TraitsSyncConsumer,
): WebHandler {
  const blob = String(globals.lakeBlobEndpoint);
  const webhook = String(globals.alertWebhookUrl);
  const queue = String(globals.traitsSyncQueueUrl);
  return async (req): Promise<{ status: number; body?: Json }> => {
    if (req.url === queue) {
      // Put Message: the message is kept in control/traits-sync/queue/ (what was enqueued); with a consumer wired
      // (npm start), it runs now, as the queue trigger would, and a failure fails the activity.
      if (req.method !== "POST") return { status: 405 };
      const text = queueMessageText(req.body);
      if (text === undefined) return { status: 400 };
      const dir = join(lakeDir, "control", "traits-sync", "queue");
      mkdirSync(dir, { recursive: true });
      appendFileSync(join(dir, "messages.jsonl"), text.replace(/\n/g, " ") + "\n");
      if (!traitsSync) return { status: 201, body: { enqueued: true } };
      return { status: 201, body: await traitsSync(text) };
    }
    if (req.url.startsWith(blob)) {
      if (req.method !== "PUT") return { status: 405 };
      const path = safeLakePath(lakeDir, req.url.slice(blob.length));
      if (!path) return { status: 400 };
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, req.body ?? "");
      return { status: 201, body: { path: relative(lakeDir, path) } };
    }
    if (webhook !== "" && req.url === webhook) {
      let body: Json;
      try {
        body = JSON.parse(req.body ?? "null") as Json;
      } catch {
        body = req.body;
      }
      const alert = {
        at: new Date().toISOString(),
        pipelineName: req.pipelineName,
        activityName: req.activityName,
        body,
      };
      alerts.push(alert);
      mkdirSync(join(lakeDir, "control", "alerts"), { recursive: true });
      appendFileSync(join(lakeDir, "control", "alerts", "alerts.jsonl"), JSON.stringify(alert) + "\n");
      return { status: 202, body: { accepted: true } };
    }
    return { status: 404 };
  };
}

/** AzureBlobFSLocation {fileSystem, folderPath, fileName} → the same path under lakeDir. */
export function localDatasetProbe(lakeDir: string): DatasetProbe {
  return async (req) => {
    const loc = (req.location ?? {}) as Record<string, Json>;
    const rel = [loc.fileSystem, loc.folderPath, loc.fileName]
      .filter((x) => typeof x === "string" && x !== "")
      .join("/");
    const path = safeLakePath(lakeDir, rel);
    if (!path || !existsSync(path)) return { exists: false };
    const st = statSync(path);
    if (st.isDirectory()) return { exists: true, childItems: readdirSync(path).length };
    return { exists: true, size: st.size };
  };
}

function safeLakePath(lakeDir: string, rel: string): string | undefined {
  const path = normalize(join(lakeDir, rel));
  return relative(lakeDir, path).startsWith("..") ? undefined : path;
}

export interface LocalRunOptions {
  lakeDir: string;
  pipeline?: string;
  parameters?: Record<string, unknown>;
  environment?: string;
  /** An alert webhook to record posts to (default none, as deployed). */
  alertWebhookUrl?: string;
  /**
   * Global parameter values to run with instead of the local ones, e.g. a stack's deployed values
   * (orchestration/deployed.ts): PUTs under its lakeBlobEndpoint still land in `lakeDir`.
   */
  globalParameters?: Record<string, Json>;
  factory?: Factory;
  /** Default 0.01: retry intervals and validation sleeps at 1/100 of their declared length. */
  timeScale?: number;
  onEvent?: (e: ExecutorEvent) => void;
  onProgress?: (e: ProgressEvent) => void;
  /** Each layer notebook in a process of its own, as each is its own job task on Databricks (RunParams.isolate). */
  isolateLayers?: boolean;
  /** Consumer of the traits-sync queue (npm start runs the sync here); without it messages are only kept. */
  traitsSync?: TraitsSyncConsumer;
}

export interface LocalRunResult {
  run: PipelineRun;
  layers: LayerSummary[];
  alerts: RecordedAlert[];
  /** Every notebook request, with the linked service resolved as the activity sent it. */
  notebooks: NotebookRequest[];
}

/** Runs a pipeline of `adf/` (default the master) against the local lake with DuckDB. */
export async function runAdfLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const factory = options.factory ?? loadFactory();
  const globals = options.globalParameters ?? localGlobals(options.environment, options.alertWebhookUrl);
  const layers: LayerSummary[] = [];
  const alerts: RecordedAlert[] = [];
  const notebooks: NotebookRequest[] = [];
  const runLayerNotebook = layerNotebookRunner(options.lakeDir, {
    onLayer: (s) => layers.push(s),
    onProgress: options.onProgress,
    isolate: options.isolateLayers,
  });
  const adf = new LocalDataFactory({
    factory,
    globalParameters: globals,
    notebookRunner: (request) => {
      notebooks.push(request);
      return runLayerNotebook(request);
    },
    webHandler: localWebHandler(options.lakeDir, globals, alerts, options.traitsSync),
    datasetProbe: localDatasetProbe(options.lakeDir),
    timeScale: options.timeScale ?? 0.01,
    onEvent: options.onEvent,
  });
  const run = await adf.runPipeline(options.pipeline ?? "P_C360_Master", options.parameters ?? {});
  return { run, layers, alerts, notebooks };
}
