/**
 * Loads the Data Factory definitions committed in ADF's Git layout (`adf/pipeline`,
 * `adf/linkedService`, `adf/dataset`, `adf/trigger`, `adf/factory`) and maps them to
 * `@pulumi/azure-native/datafactory` arguments.
 *
 * The mapping is generic because the azure-native types are generated from the same REST
 * specification the ADF JSON follows; the one structural difference is that azure-native
 * flattens every `typeProperties` object into its parent (x-ms-client-flatten), which
 * `flattenTypeProperties` does recursively (nested activities of IfCondition/ForEach included).
 * Read-only fields (`runtimeState`) are dropped. Each definition's `type` discriminator is
 * checked against the kinds this platform uses before the JSON is handed to the typed
 * arguments, so an unsupported or misspelt kind fails at `pulumi preview` with the file name.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

import type { types } from "@pulumi/azure-native";
import type * as datafactory from "@pulumi/azure-native/datafactory";
import * as pulumi from "@pulumi/pulumi";

export type AdfKind = "pipeline" | "linkedService" | "dataset" | "trigger";

type JsonObject = { [key: string]: Json };
type Json = string | number | boolean | null | Json[] | JsonObject;

export type PipelineArgsBody = Pick<
  datafactory.PipelineArgs,
  | "activities"
  | "parameters"
  | "variables"
  | "annotations"
  | "concurrency"
  | "description"
  | "folder"
  | "policy"
>;
export type LinkedServiceProperties = datafactory.LinkedServiceArgs["properties"];
export type DatasetProperties = datafactory.DatasetArgs["properties"];
export type TriggerProperties = datafactory.TriggerArgs["properties"];

export interface AdfDefinition<T> {
  name: string;
  file: string;
  properties: T;
  /** Names of the definitions this one references, by kind (for creation order). */
  references: Record<AdfKind, string[]>;
}

export interface AdfDefinitions {
  pipelines: AdfDefinition<PipelineArgsBody>[];
  linkedServices: AdfDefinition<LinkedServiceProperties>[];
  datasets: AdfDefinition<DatasetProperties>[];
  triggers: AdfDefinition<TriggerProperties>[];
  /** Global parameters declared by `adf/factory/*.json` (name → type). */
  globalParameters: Record<string, string>;
}

/** The activity/linked-service/dataset/trigger kinds the loader accepts (azure-native discriminators). */
export const SUPPORTED_TYPES = {
  activity: new Set([
    "AppendVariable",
    "AzureFunctionActivity",
    "Copy",
    "DatabricksJob",
    "DatabricksNotebook",
    "DatabricksSparkPython",
    "Delete",
    "ExecutePipeline",
    "Fail",
    "Filter",
    "ForEach",
    "GetMetadata",
    "IfCondition",
    "Lookup",
    "SetVariable",
    "Switch",
    "Until",
    "Validation",
    "Wait",
    "WebActivity",
    "WebHook",
  ]),
  linkedService: new Set([
    "AzureBlobFS",
    "AzureBlobStorage",
    "AzureDatabricks",
    "AzureKeyVault",
    "CosmosDb",
    "AzureFunction",
    "RestService",
    "HttpServer",
  ]),
  dataset: new Set([
    "Binary",
    "Json",
    "Parquet",
    "DelimitedText",
    "AzureBlobFSFile",
    "CosmosDbSqlApiCollection",
  ]),
  trigger: new Set(["ScheduleTrigger", "TumblingWindowTrigger", "BlobEventsTrigger"]),
} as const;

export class AdfDefinitionError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "AdfDefinitionError";
  }
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Moves every `typeProperties` object's members into its parent, at any depth. */
export function flattenTypeProperties(value: Json): Json {
  if (Array.isArray(value)) return value.map(flattenTypeProperties);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "typeProperties" && isObject(child)) continue;
    out[key] = flattenTypeProperties(child);
  }
  const typeProperties = value.typeProperties;
  if (isObject(typeProperties)) {
    for (const [key, child] of Object.entries(typeProperties)) {
      if (key in out) throw new Error(`typeProperties.${key} collides with a property of the same name`);
      out[key] = flattenTypeProperties(child);
    }
  }
  return out;
}

/** Every `{referenceName, type}` reference inside a definition, grouped by kind. */
export function collectReferences(value: Json): Record<AdfKind, string[]> {
  const refs: Record<AdfKind, Set<string>> = {
    pipeline: new Set(),
    linkedService: new Set(),
    dataset: new Set(),
    trigger: new Set(),
  };
  const kindOf: Record<string, AdfKind> = {
    PipelineReference: "pipeline",
    LinkedServiceReference: "linkedService",
    DatasetReference: "dataset",
  };
  const walk = (v: Json): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObject(v)) return;
    const kind = typeof v.type === "string" ? kindOf[v.type] : undefined;
    if (kind && typeof v.referenceName === "string") refs[kind].add(v.referenceName);
    Object.values(v).forEach(walk);
  };
  walk(value);
  return {
    pipeline: [...refs.pipeline].sort(),
    linkedService: [...refs.linkedService].sort(),
    dataset: [...refs.dataset].sort(),
    trigger: [],
  };
}

function activityTypes(activities: Json, file: string): void {
  if (!Array.isArray(activities)) throw new AdfDefinitionError(file, "properties.activities is not an array");
  for (const activity of activities) {
    if (!isObject(activity) || typeof activity.name !== "string" || typeof activity.type !== "string")
      throw new AdfDefinitionError(file, "every activity needs a string name and type");
    if (!SUPPORTED_TYPES.activity.has(activity.type))
      throw new AdfDefinitionError(file, `activity ${activity.name} has unsupported type ${activity.type}`);
    for (const nestedKey of ["activities", "ifTrueActivities", "ifFalseActivities", "defaultActivities"]) {
      const nested = activity[nestedKey];
      if (nested !== undefined) activityTypes(nested, file);
    }
    const cases = activity.cases;
    if (Array.isArray(cases))
      for (const c of cases) if (isObject(c) && c.activities !== undefined) activityTypes(c.activities, file);
  }
}

function isPipelineBody(value: JsonObject, file: string): value is JsonObject & PipelineArgsBody {
  activityTypes(value.activities ?? [], file);
  return true;
}

function hasSupportedType(
  value: JsonObject,
  allowed: ReadonlySet<string>,
  what: string,
  file: string,
): boolean {
  if (typeof value.type !== "string") throw new AdfDefinitionError(file, `${what} has no type`);
  if (!allowed.has(value.type))
    throw new AdfDefinitionError(file, `${what} type ${value.type} is not supported`);
  return true;
}
function isLinkedService(value: JsonObject, file: string): value is JsonObject & LinkedServiceProperties {
  return hasSupportedType(value, SUPPORTED_TYPES.linkedService, "linked service", file);
}
function isDataset(value: JsonObject, file: string): value is JsonObject & DatasetProperties {
  return hasSupportedType(value, SUPPORTED_TYPES.dataset, "dataset", file);
}
function isTrigger(value: JsonObject, file: string): value is JsonObject & TriggerProperties {
  return hasSupportedType(value, SUPPORTED_TYPES.trigger, "trigger", file);
}

interface RawDefinition {
  name: string;
  file: string;
  properties: JsonObject;
}

function readKind(adfDir: string, folder: string): RawDefinition[] {
  let files: string[];
  try {
    files = readdirSync(join(adfDir, folder)).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files.sort().map((f) => {
    const file = join(folder, f);
    const parsed = JSON.parse(readFileSync(join(adfDir, file), "utf8")) as Json;
    if (!isObject(parsed) || typeof parsed.name !== "string" || !isObject(parsed.properties))
      throw new AdfDefinitionError(file, "expected {name, properties}");
    if (parsed.name !== basename(f, ".json"))
      throw new AdfDefinitionError(file, `name ${parsed.name} does not match the file name`);
    const properties = flattenTypeProperties(parsed.properties);
    if (!isObject(properties)) throw new AdfDefinitionError(file, "properties is not an object");
    delete properties.runtimeState;
    return { name: parsed.name, file, properties };
  });
}

export function loadAdfDefinitions(adfDir: string): AdfDefinitions {
  const pipelines = readKind(adfDir, "pipeline").map((d) => {
    if (!isPipelineBody(d.properties, d.file)) throw new AdfDefinitionError(d.file, "not a pipeline");
    return { ...d, properties: d.properties, references: collectReferences(d.properties) };
  });
  const linkedServices = readKind(adfDir, "linkedService").map((d) => {
    if (!isLinkedService(d.properties, d.file)) throw new AdfDefinitionError(d.file, "not a linked service");
    return { ...d, properties: d.properties, references: collectReferences(d.properties) };
  });
  const datasets = readKind(adfDir, "dataset").map((d) => {
    if (!isDataset(d.properties, d.file)) throw new AdfDefinitionError(d.file, "not a dataset");
    return { ...d, properties: d.properties, references: collectReferences(d.properties) };
  });
  const triggers = readKind(adfDir, "trigger").map((d) => {
    if (!isTrigger(d.properties, d.file)) throw new AdfDefinitionError(d.file, "not a trigger");
    return { ...d, properties: d.properties, references: collectReferences(d.properties) };
  });
  const globalParameters: Record<string, string> = {};
  for (const factory of readKind(adfDir, "factory")) {
    const globals = factory.properties.globalParameters;
    if (globals === undefined) continue;
    if (!isObject(globals)) throw new AdfDefinitionError(factory.file, "globalParameters is not an object");
    for (const [name, spec] of Object.entries(globals)) {
      if (!isObject(spec) || typeof spec.type !== "string")
        throw new AdfDefinitionError(factory.file, `global parameter ${name} has no type`);
      globalParameters[name] = spec.type;
    }
  }

  const names = {
    pipeline: new Set(pipelines.map((p) => p.name)),
    linkedService: new Set(linkedServices.map((l) => l.name)),
    dataset: new Set(datasets.map((d) => d.name)),
  };
  for (const def of [...pipelines, ...linkedServices, ...datasets, ...triggers]) {
    for (const kind of ["pipeline", "linkedService", "dataset"] as const) {
      for (const ref of def.references[kind]) {
        if (!names[kind].has(ref))
          throw new AdfDefinitionError(def.file, `references unknown ${kind} ${ref}`);
      }
    }
  }
  return { pipelines, linkedServices, datasets, triggers, globalParameters };
}

/** Job-cluster settings of this stack, applied to every AzureDatabricks linked service. */
export interface DatabricksClusterSettings {
  sparkVersion: string;
  nodeType: string;
  driverNodeType: string;
  minWorkers: number;
  maxWorkers: number;
  /** Spark conf entries added to the linked service's own (e.g. `c360.storage_account`). */
  sparkConf: Record<string, pulumi.Input<string>>;
  /** Unity Catalog access mode of the job's cluster (`data_security_mode`), e.g. SINGLE_USER. */
  dataSecurityMode: string;
  /** The cluster policy the job's cluster runs under. */
  policyId: pulumi.Input<string>;
}

function isDatabricksLinkedService(
  value: LinkedServiceProperties,
): value is types.input.datafactory.AzureDatabricksLinkedServiceArgs {
  return typeof value === "object" && value !== null && "type" in value && value.type === "AzureDatabricks";
}

/**
 * The committed definitions carry no environment-specific cluster sizing; the stack's Databricks
 * settings (runtime, node types, autoscale range, lake account in the Spark conf, Unity Catalog
 * access mode and cluster policy) replace the linked service's job-cluster fields here, so
 * ADF-created clusters match the Databricks job's. The linked service authenticates (MSI) with the
 * factory's user-assigned identity through the ADF credential `runAsCredential`: a single-user
 * cluster runs as the identity that created it, so that identity is the clusters' Unity Catalog
 * principal.
 */
export function withStackCluster(
  properties: LinkedServiceProperties,
  cluster: DatabricksClusterSettings,
  runAsCredential: string,
): LinkedServiceProperties {
  if (!isDatabricksLinkedService(properties)) return properties;
  const ownConf: Record<string, unknown> =
    typeof properties.newClusterSparkConf === "object" && properties.newClusterSparkConf !== null
      ? { ...properties.newClusterSparkConf }
      : {};
  return {
    ...properties,
    newClusterVersion: cluster.sparkVersion,
    newClusterNodeType: cluster.nodeType,
    newClusterDriverNodeType: cluster.driverNodeType,
    newClusterNumOfWorker: `${cluster.minWorkers}:${cluster.maxWorkers}`,
    newClusterSparkConf: pulumi.output(cluster.sparkConf).apply((conf) => ({ ...ownConf, ...conf })),
    dataSecurityMode: cluster.dataSecurityMode,
    policyId: cluster.policyId,
    authentication: "MSI",
    credential: { referenceName: runAsCredential, type: "CredentialReference" },
  };
}

/** Every trigger `c360:dataFactoryStartedTriggers` names must exist in adf/trigger (checked by the program and by `npm run deploy`). */
export function checkStartedTriggers(started: readonly string[], known: readonly string[]): void {
  for (const name of started)
    if (!known.includes(name))
      throw new Error(
        `c360:dataFactoryStartedTriggers names "${name}", which is not a trigger in adf/trigger (have: ${[...known].sort().join(", ")})`,
      );
}

function isTumblingWindowTrigger(
  value: TriggerProperties,
): value is types.input.datafactory.TumblingWindowTriggerArgs {
  return (
    typeof value === "object" && value !== null && "type" in value && value.type === "TumblingWindowTrigger"
  );
}

/**
 * A tumbling-window trigger runs every window from its start time on, so the start is stack
 * configuration (`c360:dataFactoryWindowStartTime`), never committed: a committed past start would
 * backfill every window since, and ADF refuses to move a started trigger's start later.
 */
export function withWindowStart(
  properties: TriggerProperties,
  startTime: string,
  file: string,
): TriggerProperties {
  if (!isTumblingWindowTrigger(properties)) return properties;
  if (properties.startTime !== undefined)
    throw new AdfDefinitionError(
      file,
      "a tumbling-window trigger's startTime is stack configuration (c360:dataFactoryWindowStartTime), not committed",
    );
  return { ...properties, startTime };
}

/** Pipelines ordered so that every ExecutePipeline target comes before its caller. */
export function pipelineCreationOrder(
  pipelines: AdfDefinition<PipelineArgsBody>[],
): AdfDefinition<PipelineArgsBody>[] {
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  const ordered: AdfDefinition<PipelineArgsBody>[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: AdfDefinition<PipelineArgsBody>): void => {
    if (state.get(p.name) === "done") return;
    if (state.get(p.name) === "visiting")
      throw new AdfDefinitionError(p.file, "pipelines call each other in a cycle");
    state.set(p.name, "visiting");
    for (const ref of p.references.pipeline) {
      const target = byName.get(ref);
      if (target) visit(target);
    }
    state.set(p.name, "done");
    ordered.push(p);
  };
  pipelines.forEach(visit);
  return ordered;
}

/** Workspace paths of the notebooks that DatabricksNotebook activities run. */
export function notebookPaths(pipelines: AdfDefinition<PipelineArgsBody>[]): string[] {
  const paths = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== "object" || v === null) return;
    const o = v as Record<string, unknown>;
    if (o.type === "DatabricksNotebook" && typeof o.notebookPath === "string") paths.add(o.notebookPath);
    Object.values(o).forEach(walk);
  };
  pipelines.forEach((p) => walk(p.properties));
  return [...paths].sort();
}
