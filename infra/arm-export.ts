/**
 * ARM-template export of an offline plan, for scanners that read ARM (Checkov's `arm` framework).
 *
 * Every azure-native resource the program registers becomes an ARM resource: its ARM type and
 * name (child resources `parent/child`), the API version azure-native uses for it (from the SDK's
 * own doc comment), the ARM top-level members (location, tags, sku, kind, identity, zones) and
 * everything else under `properties`, as the azure-native provider sends it. Resource ids the
 * mocks handed out (`/mock/<type>/<name>`) are replaced by the ARM ids the resources would have.
 *
 * Not exported (listed under `metadata.notExported`): the resource group (a subscription-scope
 * resource), the `@pulumi/databricks` workspace objects (not ARM), and Data Factory's linked
 * services, datasets, pipelines and triggers, whose azure-native shape has `typeProperties`
 * flattened and would not be their ARM shape (their ARM JSON is `adf/`).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { MOCK_SUBSCRIPTION_ID, type RecordedResource } from "./mocks";

interface ArmType {
  /** e.g. `Microsoft.Storage/storageAccounts/blobServices/containers`. */
  type: string;
  /** Input keys (or literal `=value`) giving each name segment, parent first. */
  name: string[];
  /** Extension resources: the input holding the id of the resource they attach to. */
  scopeKey?: string;
  /** The input already is ARM's `properties` object (Key Vault). */
  propertiesInput?: boolean;
}

const ARM_TYPES: Record<string, ArmType> = {
  "azure-native:storage:StorageAccount": { type: "Microsoft.Storage/storageAccounts", name: ["accountName"] },
  "azure-native:storage:BlobServiceProperties": {
    type: "Microsoft.Storage/storageAccounts/blobServices",
    name: ["accountName", "blobServicesName"],
  },
  "azure-native:storage:BlobContainer": {
    type: "Microsoft.Storage/storageAccounts/blobServices/containers",
    name: ["accountName", "=default", "containerName"],
  },
  "azure-native:storage:Queue": {
    type: "Microsoft.Storage/storageAccounts/queueServices/queues",
    name: ["accountName", "=default", "queueName"],
  },
  "azure-native:storage:ManagementPolicy": {
    type: "Microsoft.Storage/storageAccounts/managementPolicies",
    name: ["accountName", "managementPolicyName"],
  },
  "azure-native:eventhub:Namespace": { type: "Microsoft.EventHub/namespaces", name: ["namespaceName"] },
  "azure-native:eventhub:EventHub": {
    type: "Microsoft.EventHub/namespaces/eventhubs",
    name: ["namespaceName", "eventHubName"],
  },
  "azure-native:eventhub:ConsumerGroup": {
    type: "Microsoft.EventHub/namespaces/eventhubs/consumergroups",
    name: ["namespaceName", "eventHubName", "consumerGroupName"],
  },
  "azure-native:cosmosdb:DatabaseAccount": {
    type: "Microsoft.DocumentDB/databaseAccounts",
    name: ["accountName"],
  },
  "azure-native:cosmosdb:SqlResourceSqlDatabase": {
    type: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
    name: ["accountName", "databaseName"],
  },
  "azure-native:cosmosdb:SqlResourceSqlContainer": {
    type: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
    name: ["accountName", "databaseName", "containerName"],
  },
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": {
    type: "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
    name: ["accountName", "roleAssignmentId"],
  },
  "azure-native:keyvault:Vault": {
    type: "Microsoft.KeyVault/vaults",
    name: ["vaultName"],
    propertiesInput: true,
  },
  "azure-native:web:AppServicePlan": { type: "Microsoft.Web/serverfarms", name: ["name"] },
  "azure-native:web:WebApp": { type: "Microsoft.Web/sites", name: ["name"] },
  "azure-native:web:WebAppFtpAllowed": {
    type: "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
    name: ["name", "=ftp"],
  },
  "azure-native:web:WebAppScmAllowed": {
    type: "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
    name: ["name", "=scm"],
  },
  "azure-native:operationalinsights:Workspace": {
    type: "Microsoft.OperationalInsights/workspaces",
    name: ["workspaceName"],
  },
  "azure-native:applicationinsights:Component": {
    type: "Microsoft.Insights/components",
    name: ["resourceName"],
  },
  "azure-native:monitor:ActionGroup": { type: "Microsoft.Insights/actionGroups", name: ["actionGroupName"] },
  "azure-native:monitor:DiagnosticSetting": {
    type: "Microsoft.Insights/diagnosticSettings",
    name: ["name"],
    scopeKey: "resourceUri",
  },
  "azure-native:monitor:ScheduledQueryRule": {
    type: "Microsoft.Insights/scheduledQueryRules",
    name: ["ruleName"],
  },
  "azure-native:monitor:MetricAlert": { type: "Microsoft.Insights/metricAlerts", name: ["ruleName"] },
  "azure-native:authorization:RoleAssignment": {
    type: "Microsoft.Authorization/roleAssignments",
    name: ["roleAssignmentName"],
    scopeKey: "scope",
  },
  "azure-native:databricks:Workspace": { type: "Microsoft.Databricks/workspaces", name: ["workspaceName"] },
  "azure-native:databricks:AccessConnector": {
    type: "Microsoft.Databricks/accessConnectors",
    name: ["connectorName"],
  },
  "azure-native:datafactory:Factory": { type: "Microsoft.DataFactory/factories", name: ["factoryName"] },
  "azure-native:managedidentity:UserAssignedIdentity": {
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    name: ["resourceName"],
  },
  "azure-native:network:VirtualNetwork": {
    type: "Microsoft.Network/virtualNetworks",
    name: ["virtualNetworkName"],
  },
  "azure-native:network:Subnet": {
    type: "Microsoft.Network/virtualNetworks/subnets",
    name: ["virtualNetworkName", "subnetName"],
  },
  "azure-native:network:NetworkSecurityGroup": {
    type: "Microsoft.Network/networkSecurityGroups",
    name: ["networkSecurityGroupName"],
  },
  "azure-native:network:PrivateEndpoint": {
    type: "Microsoft.Network/privateEndpoints",
    name: ["privateEndpointName"],
  },
  "azure-native:network:PrivateDnsZoneGroup": {
    type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    name: ["privateEndpointName", "privateDnsZoneGroupName"],
  },
  "azure-native:privatedns:PrivateZone": {
    type: "Microsoft.Network/privateDnsZones",
    name: ["privateZoneName"],
  },
  "azure-native:privatedns:VirtualNetworkLink": {
    type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    name: ["privateZoneName", "virtualNetworkLinkName"],
  },
};

const NOT_EXPORTED: { match: (type: string) => boolean; reason: string }[] = [
  {
    match: (t) => t === "azure-native:resources:ResourceGroup",
    reason: "subscription-scope resource; the template deploys into it",
  },
  {
    match: (t) => t.startsWith("databricks:") || t.startsWith("pulumi:providers:"),
    reason: "Databricks workspace objects (@pulumi/databricks), not Azure Resource Manager resources",
  },
  {
    match: (t) =>
      /^azure-native:datafactory:(LinkedService|Dataset|Pipeline|Trigger|CredentialOperation)$/.test(t),
    reason:
      "Data Factory content: azure-native flattens typeProperties, so the registered shape is not ARM's; the ARM JSON is adf/",
  },
];

/**
 * Where azure-native's names differ from the ARM wire format (the REST specs' x-ms-client-name
 * and x-ms-client-flatten), for the properties this program sets: renamed properties, and arrays
 * whose items' members ARM nests under `properties` (everything but `name`/`id`).
 */
const RENAMED: Record<string, Record<string, string>> = {
  "Microsoft.Storage/storageAccounts": {
    enableHttpsTrafficOnly: "supportsHttpsTrafficOnly",
    networkRuleSet: "networkAcls",
  },
};
const NESTED_ITEMS: Record<string, string[]> = {
  "Microsoft.Network/networkSecurityGroups": ["securityRules"],
  "Microsoft.Network/virtualNetworks/subnets": ["delegations"],
  "Microsoft.Network/privateEndpoints": ["privateLinkServiceConnections"],
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": ["privateDnsZoneConfigs"],
};

function toWireFormat(armType: string, properties: Record<string, unknown>): Record<string, unknown> {
  const renamed = RENAMED[armType] ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    const nest = (NESTED_ITEMS[armType] ?? []).includes(key) && Array.isArray(value);
    out[renamed[key] ?? key] = nest
      ? value.map((item) => {
          if (!isRecord(item)) return item;
          const { name, id, ...rest } = item;
          return {
            ...(name === undefined ? {} : { name }),
            ...(id === undefined ? {} : { id }),
            properties: rest,
          };
        })
      : value;
  }
  // Event Hubs capture: the destination's storage settings sit under destination.properties.
  if (armType === "Microsoft.EventHub/namespaces/eventhubs") {
    const destination = (out.captureDescription as Record<string, unknown> | undefined)?.destination;
    if (isRecord(destination)) {
      const { name, identity, ...rest } = destination;
      (out.captureDescription as Record<string, unknown>).destination = { name, identity, properties: rest };
    }
  }
  return out;
}

/** ARM members that sit beside `properties`. */
const TOP_LEVEL = new Set(["location", "tags", "sku", "kind", "identity", "zones", "extendedLocation"]);

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  scope?: string;
  comments: string;
  [member: string]: unknown;
}

export interface ArmTemplate {
  $schema: string;
  contentVersion: string;
  metadata: {
    generator: string;
    stack: string;
    notExported: { type: string; count: number; reason: string }[];
  };
  resources: ArmResource[];
}

const SDK_ROOT = dirname(require.resolve("@pulumi/azure-native/package.json"));

/** The ARM API version azure-native uses for a resource type (its doc comment says "Uses Azure REST API version …"). */
export function apiVersionOf(token: string): string {
  const m = /^azure-native:(\w+):(\w+)$/.exec(token);
  if (!m) throw new Error(`${token} is not an azure-native resource type`);
  const file = join(SDK_ROOT, m[1], `${m[2][0].toLowerCase()}${m[2].slice(1)}.d.ts`);
  const version = /Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)/.exec(
    readFileSync(file, "utf8"),
  );
  if (!version) throw new Error(`no API version documented in ${file}`);
  return version[1];
}

/** A stable GUID for resources whose name Azure wants as a GUID (role assignments). */
function guidOf(text: string): string {
  const h = createHash("sha1").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nameSegments(r: RecordedResource, spec: ArmType): string[] {
  return spec.name.map((key, index) => {
    if (key.startsWith("=")) return key.slice(1);
    const value = r.inputs[key];
    if (typeof value === "string" && value !== "") return value;
    // Names Azure wants as GUIDs are generated by azure-native when not given.
    if (/roleAssignment(Name|Id)$/.test(key)) return guidOf(r.name);
    // The last segment falls back to the logical name (azure-native auto-names it the same way).
    if (index === spec.name.length - 1) return r.name;
    throw new Error(`${r.type} ${r.name}: no ${key} to name its ARM parent`);
  });
}

/** `/subscriptions/…/resourceGroups/…/providers/<ns>/<type>/<name>/<child type>/<child name>`. */
function armId(resourceGroup: string, armType: string, segments: string[]): string {
  const [namespace, ...types] = armType.split("/");
  const path = types.map((t, i) => `${t}/${segments[i]}`).join("/");
  return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${resourceGroup}/providers/${namespace}/${path}`;
}

function replaceIds(value: unknown, ids: [string, string][]): unknown {
  if (typeof value === "string") {
    for (const [mock, arm] of ids) {
      if (value === mock || value.startsWith(`${mock}/`)) return arm + value.slice(mock.length);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => replaceIds(v, ids));
  // Keys too: an identity's `userAssignedIdentities` is keyed by the identity's resource id.
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [replaceIds(k, ids) as string, replaceIds(v, ids)]),
    );
  return value;
}

export function toArmTemplate(stack: string, resources: readonly RecordedResource[]): ArmTemplate {
  const group = resources.find((r) => r.type === "azure-native:resources:ResourceGroup");
  const resourceGroup = String(group?.inputs.resourceGroupName ?? "rg");
  const notExported = new Map<string, { type: string; count: number; reason: string }>();
  const exported: { r: RecordedResource; spec: ArmType; segments: string[] }[] = [];
  for (const r of resources.filter((x) => x.custom)) {
    const spec = ARM_TYPES[r.type];
    if (spec) {
      exported.push({ r, spec, segments: nameSegments(r, spec) });
      continue;
    }
    const skip = NOT_EXPORTED.find((n) => n.match(r.type));
    if (!skip) throw new Error(`${r.type} (${r.name}) has no ARM mapping; add it to infra/arm-export.ts`);
    const entry = notExported.get(r.type) ?? { type: r.type, count: 0, reason: skip.reason };
    entry.count += 1;
    notExported.set(r.type, entry);
  }
  // Longest first, so `/mock/x/a-b` is not replaced as a prefix of `/mock/x/a-bc`.
  const ids: [string, string][] = exported
    .map(({ r, spec, segments }): [string, string] => [r.id, armId(resourceGroup, spec.type, segments)])
    .sort((a, b) => b[0].length - a[0].length);

  const armResources = exported.map(({ r, spec, segments }): ArmResource => {
    const pathKeys = new Set([
      "resourceGroupName",
      ...spec.name.filter((k) => !k.startsWith("=")),
      ...(spec.scopeKey ? [spec.scopeKey] : []),
    ]);
    const top: Record<string, unknown> = {};
    let properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r.inputs)) {
      if (pathKeys.has(key) || value === undefined) continue;
      if (TOP_LEVEL.has(key)) top[key] = value;
      else if (key === "properties" && spec.propertiesInput && isRecord(value))
        properties = { ...properties, ...value };
      else properties[key] = value;
    }
    const resource: ArmResource = {
      type: spec.type,
      apiVersion: apiVersionOf(r.type),
      name: segments.join("/"),
      comments: `pulumi ${r.type} ${r.name}`,
      ...(spec.scopeKey ? { scope: String(r.inputs[spec.scopeKey] ?? "") } : {}),
      ...top,
      properties: toWireFormat(spec.type, properties),
    };
    return replaceIds(resource, ids) as ArmResource;
  });

  return {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    contentVersion: "1.0.0.0",
    metadata: {
      generator: "c360 infra:plan --arm (Pulumi program under mocks)",
      stack,
      notExported: [...notExported.values()],
    },
    resources: armResources,
  };
}
