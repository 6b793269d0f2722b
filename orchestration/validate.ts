/**
 * Structural validation of the Data Factory definitions: every reference resolves (pipelines, linked
 * services, datasets, notebooks), activity graphs are acyclic, every parameter used is declared and every
 * required one is given, triggers target existing pipelines, and every expression is in the subset the
 * local executor runs. Each problem names its file and activity.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

import type { Activity, Factory, ParameterSpec, Pipeline, Reference } from "./definitions";
import { nestedActivityLists, parseTimeSpan } from "./definitions";
import type { Node } from "./expressions";
import { collectExpressions, unsupportedFunctions, walkNode } from "./expressions";

/** Activity types the local executor implements. */
export const SUPPORTED_ACTIVITY_TYPES = [
  "ExecutePipeline",
  "DatabricksNotebook",
  "WebActivity",
  "Validation",
  "IfCondition",
  "Fail",
  "SetVariable",
  "Wait",
] as const;

const CONDITIONS = ["Succeeded", "Failed", "Skipped", "Completed"];
const PIPELINE_SYSTEM_VARIABLES = [
  "DataFactory",
  "Pipeline",
  "RunId",
  "TriggerType",
  "TriggerId",
  "TriggerName",
  "TriggerTime",
  "GroupId",
  "parameters",
  "globalParameters",
];

/** Databricks workspace folder the infra uploads `notebooks/*.py` to. */
export const NOTEBOOK_WORKSPACE_PREFIX = "/c360/notebooks/";

/** `/c360/notebooks/bronze` → `notebooks/bronze.py` (relative to the repository root), or undefined. */
export function notebookFileFor(workspacePath: string): string | undefined {
  if (!workspacePath.startsWith(NOTEBOOK_WORKSPACE_PREFIX)) return undefined;
  const name = workspacePath.slice(NOTEBOOK_WORKSPACE_PREFIX.length);
  return /^[a-z0-9_]+$/.test(name) ? `notebooks/${name}.py` : undefined;
}

export interface ValidateOptions {
  /** Repository root holding `notebooks/`; default this repository. */
  repoRoot?: string;
}

export function validateFactory(f: Factory, options: ValidateOptions = {}): string[] {
  const repoRoot = options.repoRoot ?? join(__dirname, "..");
  const problems: string[] = [...f.loadErrors];
  const globals = f.globalParameters;

  for (const p of f.pipelines.values()) validatePipeline(p, f, repoRoot, problems);
  problems.push(...executePipelineCycles(f));

  for (const ls of f.linkedServices.values()) {
    const file = `linkedService/${ls.name}.json`;
    checkExpressions(ls.properties.typeProperties, `${file}`, problems, {
      allowed: ["linkedService"],
      onNode: (n, where) => {
        const prop = contextProperty(n, "linkedService");
        if (prop && !(prop in (ls.properties.parameters ?? {})))
          problems.push(`${where}: linkedService().${prop} is not a declared parameter of ${ls.name}`);
      },
    });
  }

  for (const ds of f.datasets.values()) {
    const file = `dataset/${ds.name}.json`;
    checkReference(ds.properties.linkedServiceName, "linked service", f.linkedServices, file, problems);
    checkExpressions(
      { tp: ds.properties.typeProperties, ls: ds.properties.linkedServiceName?.parameters },
      file,
      problems,
      {
        allowed: ["dataset"],
        onNode: (n, where) => {
          const prop = contextProperty(n, "dataset");
          if (prop && !(prop in (ds.properties.parameters ?? {})))
            problems.push(`${where}: dataset().${prop} is not a declared parameter of ${ds.name}`);
        },
      },
    );
  }

  for (const t of f.triggers.values()) {
    const file = `trigger/${t.name}.json`;
    const type = t.properties.type;
    const targets = t.properties.pipelines ?? (t.properties.pipeline ? [t.properties.pipeline] : []);
    if (targets.length === 0) problems.push(`${file}: trigger targets no pipeline`);
    if (type === "TumblingWindowTrigger") {
      if (t.properties.pipelines)
        problems.push(`${file}: a TumblingWindowTrigger has exactly one "pipeline", not "pipelines"`);
      const tp = t.properties.typeProperties ?? {};
      if (!["Minute", "Hour", "Month"].includes(String(tp.frequency)))
        problems.push(`${file}: tumbling window frequency must be Minute, Hour or Month`);
      if (!(Number(tp.interval) > 0))
        problems.push(`${file}: tumbling window interval must be a positive number`);
      if (tp.startTime !== undefined)
        problems.push(
          `${file}: a committed tumbling window startTime backfills every window since it once started; the start time is stack configuration (c360:dataFactoryWindowStartTime)`,
        );
    } else if (type === "ScheduleTrigger") {
      const rec = (t.properties.typeProperties?.recurrence ?? {}) as Record<string, unknown>;
      if (!rec.frequency || !rec.interval || !rec.startTime)
        problems.push(`${file}: schedule trigger recurrence needs frequency, interval and startTime`);
    } else {
      problems.push(`${file}: trigger type "${type}" is not supported by the local executor`);
    }
    for (const target of targets) {
      const name = target.pipelineReference?.referenceName;
      const pipeline = f.pipelines.get(name);
      if (!pipeline) {
        problems.push(`${file}: targets pipeline "${name}", which does not exist`);
        continue;
      }
      checkArguments(
        pipeline.properties.parameters,
        target.parameters,
        `${file}: pipeline ${name}`,
        problems,
      );
      checkExpressions(target.parameters, file, problems, {
        allowed: ["trigger"],
        onNode: (n, where) => {
          if (type !== "TumblingWindowTrigger" && mentionsProperty(n, "outputs"))
            problems.push(`${where}: trigger().outputs is only available in a TumblingWindowTrigger`);
        },
      });
    }
  }

  for (const [k, g] of Object.entries(globals))
    if (!["String", "Int", "Float", "Bool", "Array", "Object"].includes(g.type))
      problems.push(`factory: global parameter "${k}" has unknown type "${g.type}"`);
  return problems;
}

function validatePipeline(p: Pipeline, f: Factory, repoRoot: string, problems: string[]): void {
  const file = `pipeline/${p.name}.json`;
  const params = p.properties.parameters ?? {};
  const variables = p.properties.variables ?? {};
  const all = new Map<string, Activity>();
  const scopes: Activity[][] = [];
  /** The control activity (IfCondition) an activity is nested in, if any. */
  const containerOf = new Map<string, Activity>();
  const collect = (list: Activity[], container?: Activity) => {
    scopes.push(list);
    for (const a of list) {
      if (all.has(a.name)) problems.push(`${file}: activity name "${a.name}" is used twice`);
      all.set(a.name, a);
      if (container) containerOf.set(a.name, container);
      for (const n of nestedActivityLists(a)) collect(n.activities, a);
    }
  };
  if (!Array.isArray(p.properties?.activities)) {
    problems.push(`${file}: properties.activities is missing`);
    return;
  }
  collect(p.properties.activities);

  for (const scope of scopes) {
    const names = new Set(scope.map((a) => a.name));
    for (const a of scope)
      for (const d of a.dependsOn ?? []) {
        if (!names.has(d.activity))
          problems.push(
            `${file}: activity "${a.name}" depends on "${d.activity}", which is not an activity of the same scope`,
          );
        for (const c of d.dependencyConditions ?? [])
          if (!CONDITIONS.includes(c))
            problems.push(
              `${file}: activity "${a.name}": unknown dependency condition "${c}" (use ${CONDITIONS.join(", ")})`,
            );
        if (!d.dependencyConditions?.length)
          problems.push(`${file}: activity "${a.name}": dependency on "${d.activity}" has no condition`);
      }
    const cycle = findCycle(scope);
    if (cycle) problems.push(`${file}: dependency cycle: ${cycle.join(" → ")}`);
  }

  const upstream = upstreamActivities(scopes, containerOf);
  for (const a of all.values()) {
    const at = `${file}: activity "${a.name}"`;
    if (!(SUPPORTED_ACTIVITY_TYPES as readonly string[]).includes(a.type))
      problems.push(`${at}: type "${a.type}" is not supported by the local executor`);
    if (a.policy?.timeout) {
      try {
        parseTimeSpan(a.policy.timeout);
      } catch (err) {
        problems.push(`${at}: ${(err as Error).message}`);
      }
    }
    const tp = a.typeProperties ?? {};
    if (a.type === "ExecutePipeline") {
      const ref = tp.pipeline as Reference | undefined;
      const target = ref && f.pipelines.get(ref.referenceName);
      if (!target) problems.push(`${at}: executes pipeline "${ref?.referenceName}", which does not exist`);
      else
        checkArguments(
          target.properties.parameters,
          tp.parameters as Record<string, unknown>,
          `${at}: pipeline ${target.name}`,
          problems,
        );
    }
    if (a.type === "DatabricksNotebook") {
      const ls = checkReference(a.linkedServiceName, "linked service", f.linkedServices, at, problems);
      if (ls && ls.properties.type !== "AzureDatabricks")
        problems.push(`${at}: linked service "${ls.name}" is ${ls.properties.type}, not AzureDatabricks`);
      const path = tp.notebookPath;
      if (typeof path !== "string" || path.startsWith("@"))
        problems.push(`${at}: notebookPath must be a literal workspace path`);
      else {
        const repoFile = notebookFileFor(path);
        if (!repoFile)
          problems.push(
            `${at}: notebookPath "${path}" is not under ${NOTEBOOK_WORKSPACE_PREFIX}<name> (the folder the infra uploads notebooks/ to)`,
          );
        else if (!existsSync(join(repoRoot, repoFile)))
          problems.push(`${at}: notebookPath "${path}" maps to ${repoFile}, which does not exist`);
      }
    }
    if (a.type === "Validation") {
      const ref = tp.dataset as Reference | undefined;
      const ds = checkReference(ref, "dataset", f.datasets, at, problems);
      if (ds && ref)
        checkArguments(ds.properties.parameters, ref.parameters, `${at}: dataset ${ds.name}`, problems);
    }
    if (a.type === "WebActivity") {
      if (!tp.url) problems.push(`${at}: WebActivity needs a url`);
      if (!["GET", "POST", "PUT", "DELETE"].includes(String(tp.method).toUpperCase()))
        problems.push(`${at}: WebActivity method "${String(tp.method)}" is not GET, POST, PUT or DELETE`);
    }
    if (a.type === "IfCondition" && tp.expression === undefined)
      problems.push(`${at}: IfCondition needs an expression`);
    if (a.type === "Fail" && (tp.message === undefined || tp.errorCode === undefined))
      problems.push(`${at}: Fail needs a message and an errorCode`);
    if (a.type === "SetVariable" && !(String(tp.variableName) in variables))
      problems.push(`${at}: sets variable "${String(tp.variableName)}", which is not declared`);
    if (a.linkedServiceName && a.type === "DatabricksNotebook") {
      const ls = f.linkedServices.get(a.linkedServiceName.referenceName);
      if (ls)
        checkArguments(
          ls.properties.parameters,
          a.linkedServiceName.parameters,
          `${at}: linked service ${ls.name}`,
          problems,
        );
    }

    // Expressions: own properties only (nested activities are checked on their own).
    const own: Record<string, unknown> = { ...tp, __ls: a.linkedServiceName?.parameters };
    for (const n of nestedActivityLists(a)) delete own[n.branch];
    checkExpressions(own, at, problems, {
      allowed: ["pipeline", "activity", "variables"],
      onNode: (n, where) => {
        if (n.kind === "call" && n.name === "activity") {
          const arg = n.args[0];
          const name = arg?.kind === "lit" ? arg.value : undefined;
          if (typeof name !== "string" || !all.has(name))
            problems.push(`${where}: activity('${String(name)}') refers to an activity that does not exist`);
          else if (!upstream.get(a.name)?.has(name))
            problems.push(
              `${where}: activity('${name}') is not upstream of "${a.name}" (only activities it depends on, directly or through others, or that its container depends on, can be referenced)`,
            );
        }
        if (n.kind === "call" && n.name === "variables") {
          const arg = n.args[0];
          const name = arg?.kind === "lit" ? arg.value : undefined;
          if (typeof name !== "string" || !(name in variables))
            problems.push(`${where}: variables('${String(name)}') is not a declared variable`);
        }
        if (
          n.kind === "prop" &&
          n.target.kind === "call" &&
          n.target.name === "pipeline" &&
          !PIPELINE_SYSTEM_VARIABLES.includes(n.name)
        )
          problems.push(`${where}: pipeline().${n.name} is not a system variable`);
        if (
          n.kind === "prop" &&
          n.target.kind === "prop" &&
          n.target.target.kind === "call" &&
          n.target.target.name === "pipeline"
        ) {
          if (n.target.name === "parameters" && !(n.name in params))
            problems.push(
              `${where}: pipeline().parameters.${n.name} is not a declared parameter of ${p.name}`,
            );
          if (n.target.name === "globalParameters" && !(n.name in f.globalParameters))
            problems.push(
              `${where}: pipeline().globalParameters.${n.name} is not a declared global parameter`,
            );
        }
      },
    });
  }
}

/**
 * For every activity, the activities whose output it may read with activity('x'), as Data Factory
 * allows: those it depends on in its own scope, directly or transitively, and, inside a control
 * activity's branch, everything upstream of that control activity.
 */
function upstreamActivities(
  scopes: Activity[][],
  containerOf: Map<string, Activity>,
): Map<string, Set<string>> {
  const byName = new Map(scopes.flat().map((a) => [a.name, a]));
  const result = new Map<string, Set<string>>();
  const visit = (name: string, trail: Set<string>): Set<string> => {
    const known = result.get(name);
    if (known) return known;
    const a = byName.get(name);
    const out = new Set<string>();
    if (!a || trail.has(name)) return out; // unknown or cyclic: reported elsewhere
    trail.add(name);
    for (const d of a.dependsOn ?? []) {
      if (!byName.has(d.activity)) continue;
      out.add(d.activity);
      for (const x of visit(d.activity, trail)) out.add(x);
    }
    const container = containerOf.get(name);
    if (container) for (const x of visit(container.name, trail)) out.add(x);
    trail.delete(name);
    result.set(name, out);
    return out;
  };
  for (const a of byName.values()) visit(a.name, new Set());
  return result;
}

/** Reports arguments that are not declared and required parameters that are not given. */
function checkArguments(
  declared: Record<string, ParameterSpec> | undefined,
  given: Record<string, unknown> | undefined,
  at: string,
  problems: string[],
): void {
  const specs = declared ?? {};
  const args = given ?? {};
  for (const k of Object.keys(args))
    if (!(k in specs)) problems.push(`${at}: passes parameter "${k}", which is not declared`);
  for (const [k, s] of Object.entries(specs))
    if (s.defaultValue === undefined && !(k in args))
      problems.push(`${at}: required parameter "${k}" is not given`);
}

function checkReference<T>(
  ref: Reference | undefined,
  kind: string,
  map: Map<string, T>,
  at: string,
  problems: string[],
): T | undefined {
  if (!ref?.referenceName) {
    problems.push(`${at}: missing ${kind} reference`);
    return undefined;
  }
  const found = map.get(ref.referenceName);
  if (!found) problems.push(`${at}: ${kind} "${ref.referenceName}" does not exist`);
  return found;
}

function checkExpressions(
  value: unknown,
  at: string,
  problems: string[],
  opts: { allowed: string[]; onNode: (n: Node, where: string) => void },
): void {
  let exprs: ReturnType<typeof collectExpressions>;
  try {
    exprs = collectExpressions(value);
  } catch (err) {
    problems.push(`${at}: ${(err as Error).message}`);
    return;
  }
  const contextFns = ["pipeline", "activity", "trigger", "linkedService", "dataset", "variables"];
  for (const { node, source } of exprs) {
    const where = `${at}: "${source.length > 80 ? source.slice(0, 77) + "..." : source}"`;
    for (const fn of unsupportedFunctions(node))
      problems.push(`${where}: function ${fn}() is not supported by the local executor`);
    walkNode(node, (n) => {
      if (n.kind === "call" && contextFns.includes(n.name) && !opts.allowed.includes(n.name))
        problems.push(`${where}: ${n.name}() cannot be used here`);
      opts.onNode(n, where);
    });
  }
}

/** `linkedService().x` / `dataset().x` → "x". */
function contextProperty(n: Node, fn: string): string | undefined {
  return n.kind === "prop" && n.target.kind === "call" && n.target.name === fn ? n.name : undefined;
}

function mentionsProperty(n: Node, name: string): boolean {
  return n.kind === "prop" && n.name === name;
}

function findCycle(activities: Activity[]): string[] | undefined {
  const deps = new Map(activities.map((a) => [a.name, (a.dependsOn ?? []).map((d) => d.activity)]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2 || !deps.has(n)) return undefined;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n)!) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const a of activities) {
    const c = visit(a.name);
    if (c) return c.reverse();
  }
  return undefined;
}

/** Pipelines that execute themselves, directly or through others. */
function executePipelineCycles(f: Factory): string[] {
  const calls = new Map<string, string[]>();
  for (const p of f.pipelines.values()) {
    const out: string[] = [];
    const walk = (list: Activity[]) => {
      for (const a of list) {
        if (a.type === "ExecutePipeline")
          out.push((a.typeProperties?.pipeline as Reference | undefined)?.referenceName ?? "");
        for (const n of nestedActivityLists(a)) walk(n.activities);
      }
    };
    walk(p.properties.activities ?? []);
    calls.set(p.name, out);
  }
  const fake: Activity[] = [...calls].map(([name, targets]) => ({
    name,
    type: "x",
    dependsOn: targets
      .filter((t) => calls.has(t))
      .map((t) => ({ activity: t, dependencyConditions: ["Succeeded"] })),
  }));
  const cycle = findCycle(fake);
  return cycle ? [`pipeline/${cycle[0]}.json: ExecutePipeline cycle: ${cycle.join(" → ")}`] : [];
}
