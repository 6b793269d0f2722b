/**
 * Data Factory resources as they are stored in ADF's Git layout (`pipeline/`, `linkedService/`,
 * `dataset/`, `trigger/`, `factory/`), loaded from a directory. Only the properties the executor and
 * the validator read are typed; everything else is kept as is.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type DependencyCondition = "Succeeded" | "Failed" | "Skipped" | "Completed";

export interface ActivityDependency {
  activity: string;
  dependencyConditions: DependencyCondition[];
}

export interface ActivityPolicy {
  timeout?: string;
  retry?: number | string;
  retryIntervalInSeconds?: number;
}

export interface Reference {
  referenceName: string;
  type: string;
  parameters?: Record<string, unknown>;
}

export interface Activity {
  name: string;
  type: string;
  description?: string;
  dependsOn?: ActivityDependency[];
  policy?: ActivityPolicy;
  linkedServiceName?: Reference;
  typeProperties?: Record<string, unknown>;
}

export interface ParameterSpec {
  type: string;
  defaultValue?: unknown;
}

export interface Pipeline {
  name: string;
  properties: {
    description?: string;
    activities: Activity[];
    parameters?: Record<string, ParameterSpec>;
    variables?: Record<string, ParameterSpec>;
    concurrency?: number;
  };
}

export interface LinkedService {
  name: string;
  properties: {
    type: string;
    parameters?: Record<string, ParameterSpec>;
    typeProperties?: Record<string, unknown>;
  };
}

export interface Dataset {
  name: string;
  properties: {
    type: string;
    linkedServiceName: Reference;
    parameters?: Record<string, ParameterSpec>;
    typeProperties?: Record<string, unknown>;
  };
}

export interface TriggerPipeline {
  pipelineReference: Reference;
  parameters?: Record<string, unknown>;
}

export interface Trigger {
  name: string;
  properties: {
    type: string;
    /** ScheduleTrigger and BlobEventsTrigger: several pipelines. */
    pipelines?: TriggerPipeline[];
    /** TumblingWindowTrigger: exactly one pipeline. */
    pipeline?: TriggerPipeline;
    typeProperties?: Record<string, unknown>;
  };
}

export interface GlobalParameter {
  type: string;
  value: unknown;
}

/** All resources of one factory. */
export interface Factory {
  dir: string;
  pipelines: Map<string, Pipeline>;
  linkedServices: Map<string, LinkedService>;
  datasets: Map<string, Dataset>;
  triggers: Map<string, Trigger>;
  globalParameters: Record<string, GlobalParameter>;
  /** Problems found while reading (unparseable JSON, file name ≠ resource name). */
  loadErrors: string[];
}

function readFolder<T extends { name: string }>(
  dir: string,
  folder: string,
  errors: string[],
): Map<string, T> {
  const out = new Map<string, T>();
  const path = join(dir, folder);
  if (!existsSync(path)) return out;
  for (const file of readdirSync(path).sort()) {
    if (!file.endsWith(".json")) continue;
    const rel = `${folder}/${file}`;
    let doc: T;
    try {
      doc = JSON.parse(readFileSync(join(path, file), "utf8")) as T;
    } catch (err) {
      errors.push(`${rel}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    if (typeof doc?.name !== "string") {
      errors.push(`${rel}: missing "name"`);
      continue;
    }
    if (`${doc.name}.json` !== file)
      errors.push(`${rel}: resource name "${doc.name}" does not match the file name`);
    if (out.has(doc.name)) errors.push(`${rel}: duplicate resource name "${doc.name}"`);
    out.set(doc.name, doc);
  }
  return out;
}

/** Reads every resource of the factory stored at `dir` (default: `adf/` of this repository). */
export function loadFactory(dir = defaultAdfDir()): Factory {
  if (!existsSync(dir)) throw new Error(`ADF directory not found: ${dir}`);
  const loadErrors: string[] = [];
  const factories = readFolder<{
    name: string;
    properties?: { globalParameters?: Record<string, GlobalParameter> };
  }>(dir, "factory", loadErrors);
  const globalParameters: Record<string, GlobalParameter> = {};
  for (const f of factories.values()) Object.assign(globalParameters, f.properties?.globalParameters ?? {});
  return {
    dir,
    pipelines: readFolder<Pipeline>(dir, "pipeline", loadErrors),
    linkedServices: readFolder<LinkedService>(dir, "linkedService", loadErrors),
    datasets: readFolder<Dataset>(dir, "dataset", loadErrors),
    triggers: readFolder<Trigger>(dir, "trigger", loadErrors),
    globalParameters,
    loadErrors,
  };
}

export function defaultAdfDir(): string {
  return join(__dirname, "..", "adf");
}

/** Activities nested inside control activities (IfCondition branches), for walking a pipeline. */
export function nestedActivityLists(a: Activity): { branch: string; activities: Activity[] }[] {
  const tp = a.typeProperties ?? {};
  const out: { branch: string; activities: Activity[] }[] = [];
  for (const key of ["ifTrueActivities", "ifFalseActivities", "activities"]) {
    const list = tp[key];
    if (Array.isArray(list)) out.push({ branch: key, activities: list as Activity[] });
  }
  return out;
}

/** Parses ADF's `d.hh:mm:ss` / `hh:mm:ss` time spans into milliseconds. */
export function parseTimeSpan(span: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(span);
  if (!m) throw new Error(`invalid time span "${span}" (expected d.hh:mm:ss)`);
  const [, d, h, min, s] = m;
  return (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}
