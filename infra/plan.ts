/**
 * Offline plan: runs the Pulumi program under mocks with the config of `Pulumi.<stack>.yaml`
 * and prints every resource it would create, grouped by component, with its key settings.
 *
 *   npm run infra:plan -- --stack dev [--json] [--arm <file>]
 *
 * Exits 1 when the security baseline reports a violation (and on bad arguments).
 *
 * No cloud account and no Pulumi CLI are involved: it proves the program and the config, not
 * Azure's acceptance of them (that is `pulumi preview`).
 */
import { writeFileSync } from "node:fs";

import * as pulumi from "@pulumi/pulumi";
import { Command, CommanderError } from "commander";

import { toArmTemplate } from "./arm-export";
import { checkBaseline } from "./baseline";
import { type C360Config, parseConfig } from "./config";
import { platformMocks, type RecordedResource } from "./mocks";
import type { PlatformOutputs } from "./program";
import { readStackConfig, REPO_ROOT } from "./stack-file";

export interface PlanResult {
  stack: string;
  config: C360Config;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return new Promise((done) => value.apply((v) => done(v)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** Runs the program for one stack under mocks. Call once per process (Pulumi's runtime is global). */
export async function planStack(stack: string, repoRoot = REPO_ROOT): Promise<PlanResult> {
  const recorded: RecordedResource[] = [];
  const config = parseConfig(readStackConfig(stack, repoRoot));
  await pulumi.runtime.setMocks(platformMocks(recorded), "c360", stack, false);
  // Imported after the mocks are in place, as Pulumi's unit-testing guide prescribes.
  const { createPlatform } = await import("./program");
  const platform: PlatformOutputs = createPlatform(config, { repoRoot });
  const outputs = (await resolve(platform)) as Record<string, unknown>;
  // Drains Pulumi's queue of outstanding registrations (resources no output depends on included).
  await pulumi.runtime.disconnect();
  return { stack, config, resources: recorded, outputs };
}

/** Settings shown per resource type in the printed plan (dotted paths into the inputs). */
const KEY_SETTINGS: Record<string, string[]> = {
  "azure-native:storage:StorageAccount": [
    "accountName",
    "sku.name",
    "isHnsEnabled",
    "allowSharedKeyAccess",
    "allowBlobPublicAccess",
    "minimumTlsVersion",
    "publicNetworkAccess",
    "networkRuleSet.defaultAction",
  ],
  "azure-native:storage:BlobContainer": ["containerName", "publicAccess"],
  "azure-native:storage:BlobServiceProperties": [
    "deleteRetentionPolicy.days",
    "containerDeleteRetentionPolicy.days",
  ],
  "azure-native:eventhub:Namespace": [
    "namespaceName",
    "sku.capacity",
    "maximumThroughputUnits",
    "disableLocalAuth",
    "minimumTlsVersion",
    "publicNetworkAccess",
  ],
  "azure-native:eventhub:EventHub": [
    "eventHubName",
    "partitionCount",
    "retentionDescription.retentionTimeInHours",
    "captureDescription.destination.blobContainer",
  ],
  "azure-native:eventhub:ConsumerGroup": ["eventHubName", "consumerGroupName"],
  "azure-native:cosmosdb:DatabaseAccount": [
    "accountName",
    "disableLocalAuth",
    "disableKeyBasedMetadataWriteAccess",
    "backupPolicy.type",
    "publicNetworkAccess",
    "capabilities",
  ],
  "azure-native:cosmosdb:SqlResourceSqlDatabase": ["databaseName", "options"],
  "azure-native:cosmosdb:SqlResourceSqlContainer": [
    "containerName",
    "resource.partitionKey.paths",
    "resource.defaultTtl",
  ],
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": ["principalId", "scope"],
  "azure-native:web:AppServicePlan": ["name", "sku.name", "sku.tier"],
  "azure-native:web:WebApp": [
    "name",
    "httpsOnly",
    "siteConfig.minTlsVersion",
    "siteConfig.ftpsState",
    "functionAppConfig.runtime.name",
    "virtualNetworkSubnetId",
  ],
  "azure-native:keyvault:Vault": [
    "vaultName",
    "properties.enableRbacAuthorization",
    "properties.softDeleteRetentionInDays",
    "properties.enablePurgeProtection",
    "properties.publicNetworkAccess",
  ],
  "azure-native:authorization:RoleAssignment": ["roleDefinitionId", "principalId", "scope"],
  "azure-native:datafactory:Factory": ["factoryName", "identity.type"],
  "azure-native:datafactory:Pipeline": ["pipelineName"],
  "azure-native:datafactory:Trigger": ["triggerName", "properties.type"],
  "azure-native:datafactory:LinkedService": [
    "linkedServiceName",
    "properties.type",
    "properties.newClusterNodeType",
    "properties.newClusterNumOfWorker",
  ],
  "azure-native:datafactory:Dataset": ["datasetName", "properties.type"],
  "azure-native:databricks:Workspace": ["workspaceName", "sku.name", "parameters.enableNoPublicIp.value"],
  "databricks:index/notebook:Notebook": ["path"],
  "databricks:index/workspaceFile:WorkspaceFile": ["path"],
  "databricks:index/job:Job": ["name", "schedule.quartzCronExpression", "schedule.pauseStatus"],
  "azure-native:monitor:ScheduledQueryRule": [
    "ruleName",
    "severity",
    "criteria.allOf.0.operator",
    "criteria.allOf.0.threshold",
  ],
  "azure-native:monitor:MetricAlert": ["ruleName", "severity"],
  "azure-native:monitor:DiagnosticSetting": ["resourceUri"],
  "azure-native:network:PrivateEndpoint": ["privateLinkServiceConnections.0.groupIds"],
};

export function valueAt(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => {
    if (Array.isArray(v)) return v[Number(key)];
    if (typeof v === "object" && v !== null) return (v as Record<string, unknown>)[key];
    return undefined;
  }, value);
}

/** Component of each resource: the longest component name its logical name starts with. */
export function groupByComponent(resources: RecordedResource[]): Map<string, RecordedResource[]> {
  const components = resources.filter((r) => !r.custom && r.type.startsWith("c360:"));
  const groups = new Map<string, RecordedResource[]>();
  for (const c of components) groups.set(`${c.type} ${c.name}`, []);
  groups.set("(stack)", []);
  for (const r of resources.filter((x) => x.custom)) {
    const owner = components
      .filter((c) => r.name.startsWith(`${c.name}-`))
      .sort((a, b) => b.name.length - a.name.length)[0];
    groups.get(owner ? `${owner.type} ${owner.name}` : "(stack)")?.push(r);
  }
  return groups;
}

export function formatPlan(plan: PlanResult): string {
  const lines: string[] = [
    `c360 offline plan — stack ${plan.stack}: ${plan.resources.filter((r) => r.custom).length} resources`,
    "",
  ];
  for (const [component, members] of groupByComponent(plan.resources)) {
    if (members.length === 0) continue;
    lines.push(`${component}  (${members.length})`);
    for (const r of members) {
      const settings = (KEY_SETTINGS[r.type] ?? [])
        .map((path) => [path, valueAt(r.inputs, path)] as const)
        .filter(([, v]) => v !== undefined)
        .map(([path, v]) => `${path}=${typeof v === "string" ? v : JSON.stringify(v)}`);
      lines.push(`  + ${r.type}  ${r.name}${settings.length ? `\n      ${settings.join("  ")}` : ""}`);
    }
    lines.push("");
  }
  const violations = checkBaseline(plan.resources, { privateNetworking: plan.config.privateNetworking });
  lines.push(
    violations.length === 0
      ? "security baseline (BASELINE.md): every rule holds"
      : "security baseline violations:",
  );
  for (const v of violations) lines.push(`  ! ${v.rule} ${v.resource}: ${v.message}`);
  lines.push("");
  lines.push("outputs:");
  for (const [key, value] of Object.entries(plan.outputs)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  return lines.join("\n");
}

/** The printed (or JSON) plan and the exit code: 1 when the baseline reports a violation. */
export function renderPlan(
  plan: PlanResult,
  options: { json: boolean },
): { output: string; exitCode: number } {
  const violations = checkBaseline(plan.resources, { privateNetworking: plan.config.privateNetworking });
  const output = options.json
    ? `${JSON.stringify({ stack: plan.stack, resources: plan.resources, outputs: plan.outputs, violations }, null, 2)}\n`
    : `${formatPlan(plan)}\n`;
  return { output, exitCode: violations.length === 0 ? 0 : 1 };
}

export function planCommand(): Command {
  return new Command("infra:plan")
    .description("offline plan of a stack: the Pulumi program under mocks, with the baseline check")
    .requiredOption("--stack <name>", "stack whose Pulumi.<stack>.yaml is read (dev, prod)")
    .option("--json", "print the plan as JSON (type, logical name, inputs of every resource)", false)
    .option("--arm <file>", "also write the planned Azure resources as an ARM template (for Checkov)")
    .showHelpAfterError()
    .exitOverride();
}

async function main(argv: string[]): Promise<number> {
  const command = planCommand();
  command.parse(argv, { from: "user" });
  const options = command.opts<{ stack: string; json: boolean; arm?: string }>();
  const plan = await planStack(options.stack);
  if (options.arm)
    writeFileSync(options.arm, `${JSON.stringify(toArmTemplate(plan.stack, plan.resources), null, 2)}\n`);
  const { output, exitCode } = renderPlan(plan, { json: options.json });
  process.stdout.write(output);
  if (exitCode !== 0) process.stderr.write("infra:plan: the security baseline reports violations\n");
  return exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // commander has already printed its own usage errors.
      if (!(error instanceof CommanderError))
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(error instanceof CommanderError ? error.exitCode : 1);
    },
  );
}
