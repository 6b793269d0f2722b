/**
 * A local Data Factory executor: runs the pipeline graphs stored in `adf/` the way the service does.
 *
 * Semantics (Data Factory documentation, "conditional execution" and "how pipeline failure is determined"):
 * - An activity runs when every entry of its `dependsOn` reached one of that entry's conditions
 *   (entries are AND-ed, conditions within one entry are OR-ed). Completed = Succeeded or Failed.
 *   Otherwise the activity is Skipped (so a failed activity skips its Succeeded dependents and runs
 *   its Failed dependents). Independent activities run concurrently.
 * - A pipeline (or an IfCondition branch) fails iff one of its leaf activities fails, where a skipped
 *   leaf is replaced by the activities it depends on. So a failure handled by an "upon failure" path
 *   yields a succeeded run (try-catch) unless that path ends in a Fail activity.
 * - Retries (`policy.retry`, `retryIntervalInSeconds`) and timeouts (`policy.timeout`) per activity.
 *
 * The outside world is injected: DatabricksNotebook → `notebookRunner`, WebActivity → `webHandler`,
 * Validation → `datasetProbe`. Production wiring (local-wiring.ts) maps them to the DuckDB pipeline,
 * the local lake directory and a recorded alert log.
 */
import { randomUUID } from "node:crypto";

import type {
  Activity,
  ActivityDependency,
  Dataset,
  Factory,
  ParameterSpec,
  Pipeline,
  Reference,
  Trigger,
} from "./definitions";
import { parseTimeSpan } from "./definitions";
import type { ExpressionContext, Json } from "./expressions";
import { evaluateValue, ExpressionError, toText, UnsupportedExpressionError } from "./expressions";

export type ActivityStatus = "Succeeded" | "Failed" | "Skipped";
export type PipelineStatus = "Succeeded" | "Failed";

export interface ActivityError {
  errorCode: string;
  message: string;
  failureType: "UserError" | "SystemError";
  target: string;
}

export interface ActivityRun {
  activityName: string;
  activityType: string;
  pipelineName: string;
  pipelineRunId: string;
  status: ActivityStatus;
  /** Attempts made (1 + retries used); 0 when skipped. */
  attempts: number;
  /** The evaluated inputs (type properties after expression evaluation), when it ran. */
  input?: Json;
  output: Json;
  error?: ActivityError;
  startedAt?: string;
  endedAt?: string;
  durationMs: number;
  /** ExecutePipeline: the child pipeline's run. */
  childRun?: PipelineRun;
  /** IfCondition: the runs of the branch that was taken. */
  nested?: ActivityRun[];
}

export interface PipelineRun {
  runId: string;
  pipelineName: string;
  parameters: Record<string, Json>;
  status: PipelineStatus;
  error?: ActivityError;
  invokedBy: { type: string; name: string; parentRunId?: string };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  activityRuns: ActivityRun[];
}

export interface NotebookRequest {
  notebookPath: string;
  /** Widgets: ADF passes every base parameter as a string. */
  baseParameters: Record<string, string>;
  linkedService: { name: string; type: string; typeProperties: Json };
  pipelineName: string;
  pipelineRunId: string;
  activityName: string;
  attempt: number;
}
/** Runs a notebook; resolves with its exit value (`runOutput`), throws to fail the activity. */
export type NotebookRunner = (request: NotebookRequest) => Promise<Json | void>;

export interface WebRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  authentication?: Json;
  pipelineName: string;
  pipelineRunId: string;
  activityName: string;
}
export type WebHandler = (request: WebRequest) => Promise<{ status: number; body?: Json }>;

export interface DatasetProbeRequest {
  dataset: string;
  datasetType: string;
  /** `typeProperties.location` (or the whole typeProperties) after evaluation with the dataset's parameters. */
  location: Json;
  linkedService: { name: string; type: string; typeProperties: Json };
}
export type DatasetProbe = (
  request: DatasetProbeRequest,
) => Promise<{ exists: boolean; childItems?: number; size?: number }>;

export type ExecutorEvent =
  | { type: "pipeline-start"; pipelineName: string; runId: string; depth: number }
  | { type: "pipeline-end"; run: PipelineRun; depth: number }
  | {
      type: "activity-start";
      pipelineName: string;
      activityName: string;
      activityType: string;
      attempt: number;
      depth: number;
    }
  | { type: "activity-end"; run: ActivityRun; depth: number };

export interface ExecutorOptions {
  factory: Factory;
  notebookRunner: NotebookRunner;
  webHandler?: WebHandler;
  datasetProbe?: DatasetProbe;
  /** Values of the factory's global parameters (override the committed values). */
  globalParameters?: Record<string, Json>;
  /** Multiplies retry intervals, Validation sleeps and Wait times (0 in tests, small locally). Timeouts are not scaled. */
  timeScale?: number;
  now?: () => Date;
  newRunId?: () => string;
  onEvent?: (event: ExecutorEvent) => void;
  /** Data factory name reported by pipeline().DataFactory. */
  factoryName?: string;
}

/** A pipeline cannot start: unknown pipeline, undeclared or missing parameter, wrong parameter type. */
export class PipelineStartError extends Error {
  override name = "PipelineStartError";
}

interface Scope {
  pipeline: Pipeline;
  runId: string;
  parameters: Record<string, Json>;
  variables: Record<string, Json>;
  invokedBy: PipelineRun["invokedBy"];
  trigger: Json;
  depth: number;
  /** Activity runs visible to activity('x'): this scope's and the enclosing scopes'. */
  lookup: (name: string) => ActivityRun | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LocalDataFactory {
  private readonly timeScale: number;
  private readonly now: () => Date;
  private readonly newRunId: () => string;
  /** Runs in progress and runs queued behind a pipeline's `concurrency` limit, per pipeline. */
  private readonly inProgress = new Map<string, number>();
  private readonly queued = new Map<string, (() => void)[]>();

  constructor(private readonly options: ExecutorOptions) {
    this.timeScale = options.timeScale ?? 1;
    this.now = options.now ?? (() => new Date());
    this.newRunId = options.newRunId ?? randomUUID;
  }

  /** Runs a pipeline by name, like "Trigger now" with these parameters. Throws PipelineStartError if it cannot start. */
  async runPipeline(
    name: string,
    parameters: Record<string, unknown> = {},
    invokedBy: PipelineRun["invokedBy"] = { type: "Manual", name: "Manual" },
    trigger: Json = null,
    depth = 0,
  ): Promise<PipelineRun> {
    const pipeline = this.options.factory.pipelines.get(name);
    if (!pipeline) throw new PipelineStartError(`pipeline "${name}" does not exist`);
    const resolved = resolveParameters(pipeline, parameters);
    const variables: Record<string, Json> = {};
    for (const [k, spec] of Object.entries(pipeline.properties.variables ?? {}))
      variables[k] = (spec.defaultValue ?? null) as Json;
    const runId = this.newRunId();
    const release = await this.admit(pipeline);
    try {
      return await this.runAdmitted(pipeline, runId, resolved, variables, invokedBy, trigger, depth);
    } finally {
      release();
    }
  }

  /**
   * Data Factory's pipeline `concurrency`: at most that many runs of the pipeline at once; further
   * runs wait in a queue (first in, first out) and start when one ends. No limit when unset.
   */
  private async admit(pipeline: Pipeline): Promise<() => void> {
    const name = pipeline.name;
    const limit = pipeline.properties.concurrency;
    if (limit === undefined || limit <= 0) return () => undefined;
    while ((this.inProgress.get(name) ?? 0) >= limit) {
      const waiting = this.queued.get(name) ?? [];
      this.queued.set(name, waiting);
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    this.inProgress.set(name, (this.inProgress.get(name) ?? 0) + 1);
    return () => {
      this.inProgress.set(name, (this.inProgress.get(name) ?? 1) - 1);
      this.queued.get(name)?.shift()?.();
    };
  }

  private async runAdmitted(
    pipeline: Pipeline,
    runId: string,
    resolved: Record<string, Json>,
    variables: Record<string, Json>,
    invokedBy: PipelineRun["invokedBy"],
    trigger: Json,
    depth: number,
  ): Promise<PipelineRun> {
    const name = pipeline.name;
    const started = this.now();
    const t0 = performance.now();
    this.options.onEvent?.({ type: "pipeline-start", pipelineName: name, runId, depth });
    const scope: Scope = {
      pipeline,
      runId,
      parameters: resolved,
      variables,
      invokedBy,
      trigger,
      depth,
      lookup: () => undefined,
    };
    const outcome = await this.runScope(pipeline.properties.activities, scope);
    const run: PipelineRun = {
      runId,
      pipelineName: name,
      parameters: resolved,
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error } : {}),
      invokedBy,
      startedAt: started.toISOString(),
      endedAt: this.now().toISOString(),
      durationMs: performance.now() - t0,
      activityRuns: outcome.runs,
    };
    this.options.onEvent?.({ type: "pipeline-end", run, depth });
    return run;
  }

  /**
   * Fires a trigger once: a schedule trigger at `scheduledTime`, a tumbling-window trigger for the
   * window [windowStartTime, windowEndTime). Returns one run per pipeline the trigger starts.
   */
  async runTrigger(
    name: string,
    at: { scheduledTime?: string; windowStartTime?: string; windowEndTime?: string } = {},
  ): Promise<PipelineRun[]> {
    const trigger = this.options.factory.triggers.get(name);
    if (!trigger) throw new PipelineStartError(`trigger "${name}" does not exist`);
    const startTime = this.now().toISOString();
    const scheduledTime = at.scheduledTime ?? at.windowEndTime ?? startTime;
    const triggerValue: Json =
      trigger.properties.type === "TumblingWindowTrigger"
        ? {
            name,
            startTime,
            scheduledTime,
            outputs: {
              windowStartTime: requireWindow(at.windowStartTime, name, "windowStartTime"),
              windowEndTime: requireWindow(at.windowEndTime, name, "windowEndTime"),
            },
          }
        : { name, startTime, scheduledTime };
    const ctx: ExpressionContext = { trigger: () => triggerValue, now: this.now };
    const runs: PipelineRun[] = [];
    for (const target of triggerPipelines(trigger)) {
      const params = evaluateValue(target.parameters ?? {}, ctx) as Record<string, Json>;
      runs.push(
        await this.runPipeline(
          target.pipelineReference.referenceName,
          params,
          { type: trigger.properties.type, name },
          triggerValue,
        ),
      );
    }
    return runs;
  }

  private async runScope(
    activities: Activity[],
    scope: Scope,
  ): Promise<{ status: PipelineStatus; error?: ActivityError; runs: ActivityRun[] }> {
    const byName = new Map(activities.map((a) => [a.name, a]));
    for (const a of activities)
      for (const d of a.dependsOn ?? [])
        if (!byName.has(d.activity))
          throw new PipelineStartError(
            `pipeline "${scope.pipeline.name}": activity "${a.name}" depends on "${d.activity}", which is not in the same scope`,
          );
    const results = new Map<string, ActivityRun>();
    const order: string[] = [];
    const finish = (run: ActivityRun) => {
      results.set(run.activityName, run);
      order.push(run.activityName);
    };
    const parentLookup = scope.lookup;
    const inner: Scope = { ...scope, lookup: (n) => results.get(n) ?? parentLookup(n) };
    const pending = new Set(activities.map((a) => a.name));
    const running = new Map<string, Promise<void>>();
    let fatal: unknown;
    while (pending.size > 0 || running.size > 0) {
      let progressed = false;
      for (const name of [...pending]) {
        const a = byName.get(name)!;
        const deps = a.dependsOn ?? [];
        if (!deps.every((d) => results.has(d.activity))) continue;
        pending.delete(name);
        progressed = true;
        if (fatal !== undefined || !deps.every((d) => conditionMet(results.get(d.activity)!.status, d))) {
          finish(this.skipped(a, scope));
          continue;
        }
        running.set(
          name,
          this.runActivity(a, inner).then(
            (run) => {
              running.delete(name);
              finish(run);
            },
            (err: unknown) => {
              running.delete(name);
              fatal ??= err;
              finish(this.skipped(a, scope));
            },
          ),
        );
      }
      if (progressed) continue;
      if (running.size > 0) await Promise.race(running.values());
      else if (pending.size > 0)
        throw new PipelineStartError(
          `pipeline "${scope.pipeline.name}": dependency cycle among ${[...pending].map((n) => `"${n}"`).join(", ")}`,
        );
    }
    if (fatal !== undefined) throw fatal;
    const runs = order.map((n) => results.get(n)!);
    // The run's error: an explicit Fail activity's when there is one (it states the intent), else the first failure.
    const failed = failedLeaves(activities, results);
    return failed.length === 0
      ? { status: "Succeeded", runs }
      : { status: "Failed", error: (failed.find((r) => r.activityType === "Fail") ?? failed[0]).error, runs };
  }

  private skipped(a: Activity, scope: Scope): ActivityRun {
    const run: ActivityRun = {
      activityName: a.name,
      activityType: a.type,
      pipelineName: scope.pipeline.name,
      pipelineRunId: scope.runId,
      status: "Skipped",
      attempts: 0,
      output: null,
      durationMs: 0,
    };
    this.options.onEvent?.({ type: "activity-end", run, depth: scope.depth });
    return run;
  }

  private expressionContext(scope: Scope): ExpressionContext {
    const globals = this.globals();
    return {
      now: this.now,
      pipeline: () => ({
        DataFactory: this.options.factoryName ?? "local",
        Pipeline: scope.pipeline.name,
        RunId: scope.runId,
        TriggerType: scope.invokedBy.type,
        TriggerName: scope.invokedBy.name,
        TriggerId: scope.invokedBy.parentRunId ?? scope.runId,
        TriggerTime: this.now().toISOString(),
        GroupId: scope.runId,
        parameters: scope.parameters,
        globalParameters: globals,
      }),
      activity: (name) => {
        const run = scope.lookup(name);
        if (!run)
          throw new ExpressionError(`activity '${name}' has not run in this scope`, `activity('${name}')`);
        return { output: run.output, error: (run.error ?? null) as Json, status: run.status };
      },
      trigger: () => {
        if (scope.trigger === null)
          throw new ExpressionError("the run was not started by a trigger", "trigger()");
        return scope.trigger;
      },
      variables: (name) => {
        if (!(name in scope.variables))
          throw new ExpressionError(`variable '${name}' is not declared`, `variables('${name}')`);
        return scope.variables[name];
      },
    };
  }

  private globals(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const [k, g] of Object.entries(this.options.factory.globalParameters)) out[k] = g.value as Json;
    return { ...out, ...(this.options.globalParameters ?? {}) };
  }

  private async runActivity(a: Activity, scope: Scope): Promise<ActivityRun> {
    const retries = Number(a.policy?.retry ?? 0);
    const intervalMs = (a.policy?.retryIntervalInSeconds ?? 30) * 1000 * this.timeScale;
    const timeoutMs = a.policy?.timeout ? parseTimeSpan(a.policy.timeout) : 12 * 3600 * 1000;
    const started = this.now();
    const t0 = performance.now();
    let attempt = 0;
    let last: Omit<ActivityRun, "durationMs" | "attempts"> | undefined;
    while (attempt <= retries) {
      attempt++;
      this.options.onEvent?.({
        type: "activity-start",
        pipelineName: scope.pipeline.name,
        activityName: a.name,
        activityType: a.type,
        attempt,
        depth: scope.depth,
      });
      const base = {
        activityName: a.name,
        activityType: a.type,
        pipelineName: scope.pipeline.name,
        pipelineRunId: scope.runId,
        startedAt: started.toISOString(),
      };
      let retryable = true;
      try {
        const result = await withTimeout(this.execute(a, scope, attempt), timeoutMs, a.name);
        last = { ...base, ...result, endedAt: this.now().toISOString() };
        if (result.status === "Succeeded") break;
        retryable = result.retryable ?? true;
      } catch (err) {
        if (err instanceof UnsupportedExpressionError || err instanceof PipelineStartError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        retryable = !(err instanceof ExpressionError);
        last = {
          ...base,
          status: "Failed",
          output: null,
          error: {
            errorCode: err instanceof ExpressionError ? "InvalidTemplate" : "ActivityFailed",
            message,
            failureType: "UserError",
            target: a.name,
          },
          endedAt: this.now().toISOString(),
        };
      }
      if (!retryable || attempt > retries) break;
      await sleep(intervalMs);
    }
    const { retryable: _r, ...clean } = last as typeof last & { retryable?: boolean };
    const run: ActivityRun = { ...clean, attempts: attempt, durationMs: performance.now() - t0 };
    this.options.onEvent?.({ type: "activity-end", run, depth: scope.depth });
    return run;
  }

  /** One attempt of one activity. */
  private async execute(
    a: Activity,
    scope: Scope,
    attempt: number,
  ): Promise<
    Pick<ActivityRun, "status" | "output" | "error" | "input" | "childRun" | "nested"> & {
      retryable?: boolean;
    }
  > {
    const ctx = this.expressionContext(scope);
    const tp = a.typeProperties ?? {};
    const fail = (message: string, errorCode = "ActivityFailed", retryable = true) => ({
      status: "Failed" as const,
      output: null,
      error: { errorCode, message, failureType: "UserError" as const, target: a.name },
      retryable,
    });
    switch (a.type) {
      case "ExecutePipeline": {
        const ref = tp.pipeline as Reference;
        const params = evaluateValue(tp.parameters ?? {}, ctx) as Record<string, Json>;
        let child: PipelineRun;
        try {
          child = await this.runPipeline(
            ref.referenceName,
            params,
            { type: "PipelineActivity", name: scope.pipeline.name, parentRunId: scope.runId },
            scope.trigger,
            scope.depth + 1,
          );
        } catch (err) {
          if (err instanceof PipelineStartError) return fail(err.message, "BadRequest", false);
          throw err;
        }
        const output = { pipelineName: ref.referenceName, pipelineRunId: child.runId };
        if (child.status === "Failed" && tp.waitOnCompletion !== false)
          return {
            ...fail(
              `Operation on target ${child.error?.target ?? "?"} failed: ${child.error?.message ?? "child pipeline failed"}`,
              child.error?.errorCode ?? "ActivityFailed",
              false,
            ),
            output,
            childRun: child,
            input: { pipeline: ref.referenceName, parameters: params },
          };
        return {
          status: "Succeeded",
          output,
          childRun: child,
          input: { pipeline: ref.referenceName, parameters: params },
        };
      }
      case "DatabricksNotebook": {
        const notebookPath = evaluateValue(tp.notebookPath, ctx);
        if (typeof notebookPath !== "string")
          return fail("notebookPath must be a string", "BadRequest", false);
        const raw = evaluateValue(tp.baseParameters ?? {}, ctx) as Record<string, Json>;
        const baseParameters: Record<string, string> = {};
        for (const [k, v] of Object.entries(raw)) baseParameters[k] = toText(v);
        const linkedService = this.resolveLinkedService(a.linkedServiceName, ctx);
        const runOutput = await this.options.notebookRunner({
          notebookPath,
          baseParameters,
          linkedService,
          pipelineName: scope.pipeline.name,
          pipelineRunId: scope.runId,
          activityName: a.name,
          attempt,
        });
        return {
          status: "Succeeded",
          input: { notebookPath, baseParameters },
          output: {
            runPageUrl: `local://${notebookPath}/${scope.runId}`,
            effectiveIntegrationRuntime: "local",
            runOutput: runOutput ?? null,
          },
        };
      }
      case "WebActivity": {
        const ev = evaluateValue(tp, ctx) as Record<string, Json>;
        const url = ev.url;
        if (typeof url !== "string" || url === "")
          return fail(`url evaluated to ${JSON.stringify(url)}; a URL is required`, "BadRequest", false);
        const method = String(ev.method ?? "GET").toUpperCase();
        const body = ev.body === undefined || ev.body === null ? null : toText(ev.body);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries((ev.headers as Record<string, Json>) ?? {}))
          headers[k] = toText(v);
        if (!this.options.webHandler)
          return fail("no web handler configured for WebActivity", "BadRequest", false);
        const res = await this.options.webHandler({
          method,
          url,
          headers,
          body,
          authentication: ev.authentication ?? null,
          pipelineName: scope.pipeline.name,
          pipelineRunId: scope.runId,
          activityName: a.name,
        });
        const input = { method, url, headers, body };
        if (res.status < 200 || res.status >= 300)
          return { ...fail(`${method} ${url} answered ${res.status}`, String(res.status)), input };
        return { status: "Succeeded", output: res.body ?? {}, input };
      }
      case "Validation": {
        const ref = tp.dataset as Reference;
        const probeReq = this.resolveDataset(ref, ctx);
        if (!this.options.datasetProbe)
          return fail("no dataset probe configured for Validation", "BadRequest", false);
        const timeoutMs = parseTimeSpan(String(tp.timeout ?? "7.00:00:00"));
        const sleepSec = Number(tp.sleep ?? 10);
        const checks = Math.max(1, Math.ceil(timeoutMs / 1000 / sleepSec));
        const wantChildren = tp.childItems as boolean | undefined;
        const minimumSize = Number(tp.minimumSize ?? 0);
        for (let i = 0; i < checks; i++) {
          const p = await this.options.datasetProbe(probeReq);
          const ok =
            p.exists &&
            (wantChildren === undefined ||
              (wantChildren ? (p.childItems ?? 0) > 0 : (p.childItems ?? 0) === 0)) &&
            (p.size ?? 0) >= minimumSize;
          if (ok)
            return {
              status: "Succeeded",
              output: { exists: true, childItems: p.childItems ?? null },
              input: probeReq.location,
            };
          if (i < checks - 1) await sleep(sleepSec * 1000 * this.timeScale);
        }
        return {
          ...fail(
            `Validation timed out: dataset ${ref.referenceName} at ${JSON.stringify(probeReq.location)} ${wantChildren ? "has no child items" : "does not exist"}`,
            "ValidationTimeout",
            false,
          ),
          input: probeReq.location,
        };
      }
      case "IfCondition": {
        const cond = evaluateValue(tp.expression, ctx);
        if (typeof cond !== "boolean")
          return fail(
            `IfCondition expression evaluated to ${JSON.stringify(cond)}, not a boolean`,
            "InvalidTemplate",
            false,
          );
        const branch = ((cond ? tp.ifTrueActivities : tp.ifFalseActivities) ?? []) as Activity[];
        const out = await this.runScope(branch, { ...scope });
        return out.status === "Succeeded"
          ? { status: "Succeeded", output: { expression: cond }, nested: out.runs }
          : { ...fail(out.error?.message ?? "branch failed", out.error?.errorCode, false), nested: out.runs };
      }
      case "Fail": {
        const message = toText(evaluateValue(tp.message, ctx));
        const errorCode = toText(evaluateValue(tp.errorCode, ctx));
        return { ...fail(message, errorCode, false), input: { message, errorCode } };
      }
      case "SetVariable": {
        const name = String(tp.variableName);
        if (!(name in scope.variables))
          return fail(`variable '${name}' is not declared`, "BadRequest", false);
        const value = evaluateValue(tp.value, ctx);
        scope.variables[name] = value;
        return { status: "Succeeded", output: { name, value }, input: { name, value } };
      }
      case "Wait": {
        const seconds = Number(evaluateValue(tp.waitTimeInSeconds, ctx));
        await sleep(seconds * 1000 * this.timeScale);
        return { status: "Succeeded", output: {}, input: { waitTimeInSeconds: seconds } };
      }
      default:
        throw new PipelineStartError(
          `pipeline "${scope.pipeline.name}": activity "${a.name}" has type "${a.type}", which the local executor does not support`,
        );
    }
  }

  private resolveLinkedService(
    ref: Reference | undefined,
    ctx: ExpressionContext,
  ): NotebookRequest["linkedService"] {
    if (!ref) throw new PipelineStartError("activity has no linkedServiceName");
    const ls = this.options.factory.linkedServices.get(ref.referenceName);
    if (!ls) throw new PipelineStartError(`linked service "${ref.referenceName}" does not exist`);
    const params = resolveRefParameters(
      ls.properties.parameters,
      evaluateValue(ref.parameters ?? {}, ctx),
      `linked service ${ls.name}`,
    );
    const typeProperties = evaluateValue(ls.properties.typeProperties ?? {}, {
      now: ctx.now,
      linkedService: () => params,
    });
    return { name: ls.name, type: ls.properties.type, typeProperties };
  }

  private resolveDataset(ref: Reference, ctx: ExpressionContext): DatasetProbeRequest {
    const ds: Dataset | undefined = this.options.factory.datasets.get(ref.referenceName);
    if (!ds) throw new PipelineStartError(`dataset "${ref.referenceName}" does not exist`);
    const params = resolveRefParameters(
      ds.properties.parameters,
      evaluateValue(ref.parameters ?? {}, ctx),
      `dataset ${ds.name}`,
    );
    const dsCtx: ExpressionContext = { now: ctx.now, dataset: () => params };
    const tp = evaluateValue(ds.properties.typeProperties ?? {}, dsCtx) as Record<string, Json>;
    const linkedService = this.resolveLinkedService(ds.properties.linkedServiceName, dsCtx);
    return { dataset: ds.name, datasetType: ds.properties.type, location: tp.location ?? tp, linkedService };
  }
}

function requireWindow(v: string | undefined, trigger: string, what: string): string {
  if (!v) throw new PipelineStartError(`tumbling-window trigger "${trigger}" needs ${what}`);
  return v;
}

export function triggerPipelines(
  t: Trigger,
): { pipelineReference: Reference; parameters?: Record<string, unknown> }[] {
  return t.properties.pipelines ?? (t.properties.pipeline ? [t.properties.pipeline] : []);
}

function conditionMet(status: ActivityStatus, dep: ActivityDependency): boolean {
  return dep.dependencyConditions.some(
    (c) => c === status || (c === "Completed" && (status === "Succeeded" || status === "Failed")),
  );
}

/** ADF's rule: evaluate every leaf; a skipped one is replaced by the activities it depends on. */
function failedLeaves(activities: Activity[], results: Map<string, ActivityRun>): ActivityRun[] {
  const hasDependents = new Set(activities.flatMap((a) => (a.dependsOn ?? []).map((d) => d.activity)));
  const byName = new Map(activities.map((a) => [a.name, a]));
  const failed: ActivityRun[] = [];
  const seen = new Set<string>();
  const evaluate = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const run = results.get(name)!;
    if (run.status === "Failed") failed.push(run);
    else if (run.status === "Skipped")
      for (const d of byName.get(name)!.dependsOn ?? []) evaluate(d.activity);
  };
  for (const a of activities) if (!hasDependents.has(a.name)) evaluate(a.name);
  return failed;
}

const TYPE_CHECKS: Record<string, (v: Json) => boolean> = {
  String: (v) => typeof v === "string",
  SecureString: (v) => typeof v === "string",
  Int: (v) => typeof v === "number" && Number.isInteger(v),
  Float: (v) => typeof v === "number",
  Bool: (v) => typeof v === "boolean",
  Array: (v) => Array.isArray(v),
  Object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
};

function coerce(spec: ParameterSpec, v: Json): Json {
  if (typeof v !== "string") return v;
  if (spec.type === "Bool" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  if ((spec.type === "Int" || spec.type === "Float") && v.trim() !== "" && !Number.isNaN(Number(v)))
    return Number(v);
  if ((spec.type === "Array" || spec.type === "Object") && /^[[{]/.test(v.trim())) {
    try {
      return JSON.parse(v) as Json;
    } catch {
      return v;
    }
  }
  return v;
}

/** Declared parameters only; defaults fill the gaps; values must match the declared type. */
export function resolveParameters(pipeline: Pipeline, given: Record<string, unknown>): Record<string, Json> {
  return resolveRefParameters(
    pipeline.properties.parameters,
    given as Json,
    `pipeline ${pipeline.name}`,
    PipelineStartError,
  );
}

function resolveRefParameters(
  declared: Record<string, ParameterSpec> | undefined,
  given: Json,
  what: string,
  ErrorType: new (m: string) => Error = PipelineStartError,
): Record<string, Json> {
  const specs = declared ?? {};
  const values = (given ?? {}) as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const k of Object.keys(values))
    if (!(k in specs)) throw new ErrorType(`${what}: parameter "${k}" is not declared`);
  for (const [k, spec] of Object.entries(specs)) {
    let v: Json | undefined = k in values ? values[k] : (spec.defaultValue as Json | undefined);
    if (v === undefined) throw new ErrorType(`${what}: parameter "${k}" has no value and no default`);
    v = coerce(spec, v);
    const check = TYPE_CHECKS[spec.type];
    if (!check) throw new ErrorType(`${what}: parameter "${k}" has unknown type "${spec.type}"`);
    if (!check(v))
      throw new ErrorType(`${what}: parameter "${k}" must be ${spec.type}, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`activity ${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** All activity runs of a pipeline run, depth-first through ExecutePipeline children and If branches. */
export function flattenRuns(run: PipelineRun): ActivityRun[] {
  const out: ActivityRun[] = [];
  const walk = (runs: ActivityRun[]) => {
    for (const r of runs) {
      out.push(r);
      if (r.nested) walk(r.nested);
      if (r.childRun) walk(r.childRun.activityRuns);
    }
  };
  walk(run.activityRuns);
  return out;
}
