/**
 * The factory as the Pulumi program deploys it, rebuilt from the resources it registers (recorded
 * under Pulumi's mocks by `planStack`, infra/plan.ts): global parameter values, linked services with
 * the stack's cluster settings, datasets, pipelines and triggers with the stack's start time. The
 * local executor runs this instead of `adf/` to prove the definitions work with the values Azure
 * gets, not with local stand-ins.
 *
 * azure-native flattens every `typeProperties` object into its parent (infra/adf.ts); this module
 * undoes that with the list of each kind's envelope properties (everything else is a type property).
 */
import type { RecordedResource } from "../infra/mocks";
import type {
  Activity,
  Dataset,
  Factory,
  GlobalParameter,
  LinkedService,
  Pipeline,
  Trigger,
} from "./definitions";
import type { Json } from "./expressions";

type JsonObject = Record<string, unknown>;

/** Properties that stay outside `typeProperties`, per kind (Data Factory REST: the resource envelopes). */
const ENVELOPE = {
  linkedService: ["type", "description", "annotations", "parameters", "connectVia", "version"],
  dataset: [
    "type",
    "description",
    "annotations",
    "parameters",
    "linkedServiceName",
    "folder",
    "schema",
    "structure",
  ],
  trigger: ["type", "description", "annotations", "pipelines", "pipeline", "runtimeState"],
  activity: [
    "name",
    "type",
    "description",
    "dependsOn",
    "policy",
    "userProperties",
    "linkedServiceName",
    "state",
    "onInactiveMarkAs",
  ],
} as const;

const NESTED_ACTIVITY_LISTS = ["ifTrueActivities", "ifFalseActivities", "activities", "defaultActivities"];

const TYPES = {
  factory: "azure-native:datafactory:Factory",
  linkedService: "azure-native:datafactory:LinkedService",
  dataset: "azure-native:datafactory:Dataset",
  pipeline: "azure-native:datafactory:Pipeline",
  trigger: "azure-native:datafactory:Trigger",
} as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Splits a flattened object into its envelope and `typeProperties` (omitted when empty). */
function unflatten(flat: JsonObject, envelope: readonly string[]): JsonObject {
  const out: JsonObject = {};
  const typeProperties: JsonObject = {};
  for (const [key, value] of Object.entries(flat)) {
    if (value === undefined) continue;
    if (envelope.includes(key)) out[key] = value;
    else typeProperties[key] = value;
  }
  if (Object.keys(typeProperties).length > 0) out.typeProperties = typeProperties;
  return out;
}

function unflattenActivity(flat: JsonObject): Activity {
  const activity = unflatten(flat, ENVELOPE.activity);
  const tp = activity.typeProperties;
  if (isObject(tp)) {
    for (const key of NESTED_ACTIVITY_LISTS) {
      const list = tp[key];
      if (Array.isArray(list)) tp[key] = list.filter(isObject).map(unflattenActivity);
    }
    if (Array.isArray(tp.cases))
      tp.cases = tp.cases.filter(isObject).map((c) => ({
        ...c,
        activities: Array.isArray(c.activities) ? c.activities.filter(isObject).map(unflattenActivity) : [],
      }));
  }
  return activity as unknown as Activity;
}

function named(r: RecordedResource, key: string): string {
  const name = r.inputs[key];
  if (typeof name !== "string") throw new Error(`${r.type} ${r.name} has no ${key}`);
  return name;
}

function properties(r: RecordedResource): JsonObject {
  if (!isObject(r.inputs.properties)) throw new Error(`${r.type} ${r.name} has no properties`);
  return r.inputs.properties;
}

export interface DeployedFactory {
  /** The factory's resources, in the executor's (ADF Git) shape, global parameters with their deployed values. */
  factory: Factory;
  /** The deployed global parameter values (name → value). */
  globalParameters: Record<string, Json>;
  factoryName: string;
}

/** Rebuilds the one Data Factory the recorded program registers. */
export function deployedFactory(resources: readonly RecordedResource[]): DeployedFactory {
  const factories = resources.filter((r) => r.type === TYPES.factory);
  if (factories.length !== 1)
    throw new Error(`expected one Data Factory, the program registers ${factories.length}`);
  const [factoryResource] = factories;
  const globals = factoryResource.inputs.globalParameters;
  const globalParameters: Record<string, GlobalParameter> = {};
  const values: Record<string, Json> = {};
  for (const [name, spec] of Object.entries(isObject(globals) ? globals : {})) {
    if (!isObject(spec) || typeof spec.type !== "string" || !("value" in spec))
      throw new Error(`global parameter ${name} has no type or value`);
    globalParameters[name] = { type: spec.type, value: spec.value };
    values[name] = spec.value as Json;
  }
  const of = (type: string) => resources.filter((r) => r.type === type);
  const linkedServices = new Map<string, LinkedService>(
    of(TYPES.linkedService).map((r) => {
      const name = named(r, "linkedServiceName");
      return [
        name,
        { name, properties: unflatten(properties(r), ENVELOPE.linkedService) as LinkedService["properties"] },
      ];
    }),
  );
  const datasets = new Map<string, Dataset>(
    of(TYPES.dataset).map((r) => {
      const name = named(r, "datasetName");
      return [
        name,
        { name, properties: unflatten(properties(r), ENVELOPE.dataset) as Dataset["properties"] },
      ];
    }),
  );
  const pipelines = new Map<string, Pipeline>(
    of(TYPES.pipeline).map((r) => {
      const name = named(r, "pipelineName");
      const { resourceGroupName: _g, factoryName: _f, pipelineName: _p, activities, ...rest } = r.inputs;
      const list = Array.isArray(activities) ? activities.filter(isObject).map(unflattenActivity) : [];
      return [name, { name, properties: { ...rest, activities: list } as Pipeline["properties"] }];
    }),
  );
  const triggers = new Map<string, Trigger>(
    of(TYPES.trigger).map((r) => {
      const name = named(r, "triggerName");
      return [
        name,
        { name, properties: unflatten(properties(r), ENVELOPE.trigger) as Trigger["properties"] },
      ];
    }),
  );
  return {
    factory: {
      dir: `deployed:${named(factoryResource, "factoryName")}`,
      pipelines,
      linkedServices,
      datasets,
      triggers,
      globalParameters,
      loadErrors: [],
    },
    globalParameters: values,
    factoryName: named(factoryResource, "factoryName"),
  };
}
