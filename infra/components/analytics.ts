/**
 * Analytics: an Azure Databricks workspace (Premium, secure cluster connectivity: no public IP
 * on cluster nodes; VNet-injected when private networking is on), a Unity Catalog access
 * connector with its own identity, and, through `@pulumi/databricks`, the workspace content:
 * the notebooks from `notebooks/`, the SQL models from `models/` and the contract schemas as
 * workspace files, a cluster policy, and the medallion job (bronze → silver → gold). The two
 * principals the medallion notebooks run as: the job's Databricks-managed service principal, and a
 * user-assigned identity for Data Factory's clusters, registered in the workspace by client id.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";

import * as azureDatabricks from "@pulumi/azure-native/databricks";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";

import type { C360Config } from "../config";

/** Workspace folder everything is uploaded under; ADF's notebook paths use it too. */
export const WORKSPACE_ROOT = "/c360";
export const NOTEBOOK_DIR = `${WORKSPACE_ROOT}/notebooks`;
export const MEDALLION_LAYERS = ["bronze", "silver", "gold"] as const;
/**
 * Unity Catalog access mode of the medallion clusters: the Databricks job's and the ones Data
 * Factory creates (its linked service gets the same value and the same cluster policy).
 */
export const MEDALLION_DATA_SECURITY_MODE = "SINGLE_USER";
/** Base parameters every medallion notebook reads (widgets), shared with the ADF pipelines. */
export const NOTEBOOK_PARAMETERS = ["environment", "window_start", "window_end", "load_id"] as const;
/** The person export step (notebooks/export.py) after gold: its one widget is the run's load id. */
export const EXPORT_NOTEBOOK = "export";

const NOTEBOOK_HEADER = "# Databricks notebook source";

export interface RepoFile {
  /** Path relative to the repo root, with forward slashes. */
  repoPath: string;
  /** Workspace path it is uploaded to. */
  workspacePath: string;
  kind: "notebook" | "file";
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.sort().flatMap((entry) => {
    const full = join(dir, entry);
    if (entry.startsWith(".") || entry === "__pycache__") return [];
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/**
 * What gets uploaded: `notebooks/*.py` (Databricks source format → notebooks at
 * `/c360/notebooks/<name>`, other .py → workspace files importable as modules),
 * `models/**` (.sql/.yml) and `contracts/schemas/**` (.json) as workspace files.
 */
export function workspaceContent(repoRoot: string): RepoFile[] {
  const toRepoPath = (full: string): string => relative(repoRoot, full).split(sep).join("/");
  const files: RepoFile[] = [];
  for (const full of walk(join(repoRoot, "notebooks")).filter((f) => f.endsWith(".py"))) {
    const isNotebook = readFileSync(full, "utf8").startsWith(NOTEBOOK_HEADER);
    const repoPath = toRepoPath(full);
    files.push({
      repoPath,
      workspacePath: isNotebook
        ? `${NOTEBOOK_DIR}/${basename(full, ".py")}`
        : `${WORKSPACE_ROOT}/${repoPath}`,
      kind: isNotebook ? "notebook" : "file",
    });
  }
  const extra = [
    ...walk(join(repoRoot, "models")).filter((f) => /\.(sql|ya?ml)$/.test(f)),
    ...walk(join(repoRoot, "contracts", "schemas")).filter((f) => f.endsWith(".json")),
  ];
  for (const full of extra) {
    const repoPath = toRepoPath(full);
    files.push({ repoPath, workspacePath: `${WORKSPACE_ROOT}/${repoPath}`, kind: "file" });
  }
  return files;
}

/** Cluster policy: pins runtime, node types, autoscale range, auto-termination and security mode. */
export function clusterPolicyDefinition(cfg: C360Config["databricks"], environment: string): string {
  return JSON.stringify({
    spark_version: { type: "fixed", value: cfg.sparkVersion },
    node_type_id: { type: "allowlist", values: [cfg.nodeType], defaultValue: cfg.nodeType },
    driver_node_type_id: {
      type: "allowlist",
      values: [cfg.driverNodeType],
      defaultValue: cfg.driverNodeType,
    },
    "autoscale.min_workers": {
      type: "range",
      minValue: 1,
      maxValue: cfg.maxWorkers,
      defaultValue: cfg.minWorkers,
    },
    "autoscale.max_workers": {
      type: "range",
      minValue: 1,
      maxValue: cfg.maxWorkers,
      defaultValue: cfg.maxWorkers,
    },
    autotermination_minutes: { type: "fixed", value: cfg.autoterminationMinutes, hidden: true },
    data_security_mode: {
      type: "allowlist",
      values: ["SINGLE_USER", "USER_ISOLATION"],
      defaultValue: "SINGLE_USER",
    },
    "azure_attributes.availability": { type: "fixed", value: "ON_DEMAND_AZURE", hidden: true },
    "custom_tags.workload": { type: "fixed", value: "c360" },
    "custom_tags.environment": { type: "fixed", value: environment },
  });
}

export interface AnalyticsArgs {
  placement: { resourceGroupName: pulumi.Input<string>; location: string; tags: Record<string, string> };
  workspaceName: pulumi.Input<string>;
  accessConnectorName: pulumi.Input<string>;
  managedResourceGroupId: pulumi.Input<string>;
  config: Pick<C360Config, "databricks" | "environment" | "alertEmails" | "privateNetworking">;
  repoRoot: string;
  lakeDfsEndpoint: pulumi.Input<string>;
  /** Read by notebooks/c360/lake.py (lake_paths) through the Spark conf `c360.storage_account`. */
  lakeAccountName: pulumi.Input<string>;
  /** Name of the user-assigned identity Data Factory's Databricks clusters run as (created here). */
  factoryRunnerIdentityName: pulumi.Input<string>;
  /** VNet injection (private networking). */
  vnet?: {
    id: pulumi.Input<string>;
    hostSubnetName: pulumi.Input<string>;
    containerSubnetName: pulumi.Input<string>;
  };
}

export class AnalyticsComponent extends pulumi.ComponentResource {
  readonly workspaceId: pulumi.Output<string>;
  readonly workspaceName: pulumi.Output<string>;
  readonly workspaceUrl: pulumi.Output<string>;
  readonly accessConnectorId: pulumi.Output<string>;
  readonly accessConnectorPrincipalId: pulumi.Output<string>;
  readonly jobId: pulumi.Output<string>;
  /** The medallion cluster policy (the job's clusters and Data Factory's run under it). */
  readonly clusterPolicyId: pulumi.Output<string>;
  readonly uploaded: RepoFile[];
  /** The workspace's Databricks provider (Unity Catalog objects are created through it). */
  readonly provider: databricks.Provider;
  /** Application ids of the principals the medallion notebooks run as: the job's, then Data Factory's. */
  readonly notebookRunAsApplicationIds: pulumi.Output<string>[];
  /** ARM id and principal id of the user-assigned identity Data Factory's Databricks clusters run as. */
  readonly factoryRunnerIdentityId: pulumi.Output<string>;
  readonly factoryRunnerPrincipalId: pulumi.Output<string>;

  constructor(name: string, args: AnalyticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("c360:analytics:Analytics", name, {}, opts);
    const { placement, config } = args;
    const dbx = config.databricks;

    const connector = new azureDatabricks.AccessConnector(
      `${name}-access-connector`,
      { ...placement, connectorName: args.accessConnectorName, identity: { type: "SystemAssigned" } },
      { parent: this },
    );

    const workspace = new azureDatabricks.Workspace(
      `${name}-workspace`,
      {
        ...placement,
        workspaceName: args.workspaceName,
        sku: { name: "premium" },
        // Required on create since API 2026-01-01. Hybrid: classic compute in the managed resource
        // group / the platform VNet (Serverless workspaces allow no VNet injection or custom parameters).
        computeMode: "Hybrid",
        managedResourceGroupId: args.managedResourceGroupId,
        parameters: {
          enableNoPublicIp: { value: true },
          ...(args.vnet
            ? {
                customVirtualNetworkId: { value: args.vnet.id },
                customPublicSubnetName: { value: args.vnet.hostSubnetName },
                customPrivateSubnetName: { value: args.vnet.containerSubnetName },
              }
            : {}),
        },
        // The front end stays reachable for users and for this program's Databricks provider;
        // the clusters have no public IP and, in private stacks, live in the platform VNet.
        publicNetworkAccess: "Enabled",
        requiredNsgRules: args.vnet ? "AllRules" : undefined,
        accessConnector: { id: connector.id, identityType: "SystemAssigned" },
      },
      { parent: this },
    );

    const workspaceUrl = pulumi.interpolate`https://${workspace.workspaceUrl}`;
    const provider = new databricks.Provider(
      `${name}-databricks`,
      { host: workspaceUrl, azureWorkspaceResourceId: workspace.id },
      { parent: this },
    );
    const inWorkspace = { parent: this, provider };

    this.uploaded = workspaceContent(args.repoRoot);
    for (const file of this.uploaded) {
      const contentBase64 = readFileSync(join(args.repoRoot, file.repoPath)).toString("base64");
      const resourceName = `${name}-${file.repoPath.replace(/[^A-Za-z0-9]+/g, "-")}`;
      if (file.kind === "notebook") {
        new databricks.Notebook(
          resourceName,
          { path: file.workspacePath, language: "PYTHON", contentBase64 },
          inWorkspace,
        );
      } else {
        new databricks.WorkspaceFile(resourceName, { path: file.workspacePath, contentBase64 }, inWorkspace);
      }
    }

    const policy = new databricks.ClusterPolicy(
      `${name}-policy`,
      {
        name: `c360-${config.environment}-medallion`,
        description:
          "c360 medallion clusters: pinned runtime and node types, bounded autoscale, auto-termination",
        definition: clusterPolicyDefinition(dbx, config.environment),
      },
      inWorkspace,
    );

    // The job runs as its own Databricks-managed service principal (not as the deploying identity):
    // Unity Catalog grants name it (unity-catalog.ts), and it may use the medallion policy.
    const runner = new databricks.ServicePrincipal(
      `${name}-job-runner`,
      { displayName: `c360-${config.environment}-medallion-runner`, allowClusterCreate: false },
      inWorkspace,
    );
    // Data Factory's clusters run as a user-assigned identity the factory holds (orchestration.ts):
    // an Entra ID service principal added to the workspace by its client id, so Unity Catalog grants
    // and the policy permission can name it (the factory's system identity has no such registration).
    const factoryRunnerIdentity = new managedidentity.UserAssignedIdentity(
      `${name}-factory-runner-identity`,
      { ...placement, resourceName: args.factoryRunnerIdentityName },
      { parent: this },
    );
    const factoryRunner = new databricks.ServicePrincipal(
      `${name}-factory-runner`,
      {
        applicationId: factoryRunnerIdentity.clientId,
        displayName: `c360-${config.environment}-data-factory-runner`,
        allowClusterCreate: false,
      },
      inWorkspace,
    );
    // Permissions is authoritative for the policy: both notebook principals in one resource.
    new databricks.Permissions(
      `${name}-policy-use`,
      {
        clusterPolicyId: policy.id,
        accessControls: [runner, factoryRunner].map((principal) => ({
          servicePrincipalName: principal.applicationId,
          permissionLevel: "CAN_USE",
        })),
      },
      inWorkspace,
    );

    const task = (notebook: string, baseParameters: Record<string, string>, dependsOn?: string) => ({
      taskKey: notebook,
      jobClusterKey: "medallion",
      dependsOns: dependsOn ? [{ taskKey: dependsOn }] : undefined,
      maxRetries: 2,
      minRetryIntervalMillis: 300_000,
      timeoutSeconds: 7200,
      notebookTask: { notebookPath: `${NOTEBOOK_DIR}/${notebook}`, source: "WORKSPACE", baseParameters },
    });
    const notebookTask = (layer: (typeof MEDALLION_LAYERS)[number], dependsOn?: string) =>
      task(
        layer,
        Object.fromEntries(
          NOTEBOOK_PARAMETERS.map((p) => [p, p === "load_id" ? "{{job.run_id}}" : `{{job.parameters.${p}}}`]),
        ),
        dependsOn,
      );

    const job = new databricks.Job(
      `${name}-medallion-job`,
      {
        name: `c360-${config.environment}-medallion`,
        description:
          "bronze → silver → gold over one window, then the person export step; the same notebooks Data Factory runs",
        maxConcurrentRuns: 1,
        runAs: { servicePrincipalName: runner.applicationId },
        parameters: [
          { name: "environment", default: config.environment },
          { name: "window_start", default: "" },
          { name: "window_end", default: "" },
        ],
        jobClusters: [
          {
            jobClusterKey: "medallion",
            newCluster: {
              sparkVersion: dbx.sparkVersion,
              nodeTypeId: dbx.nodeType,
              driverNodeTypeId: dbx.driverNodeType,
              autoscale: { minWorkers: dbx.minWorkers, maxWorkers: dbx.maxWorkers },
              policyId: policy.id,
              applyPolicyDefaultValues: true,
              dataSecurityMode: MEDALLION_DATA_SECURITY_MODE,
              sparkConf: {
                "spark.sql.session.timeZone": "UTC",
                "c360.storage_account": args.lakeAccountName,
              },
              sparkEnvVars: {
                C360_ENVIRONMENT: config.environment,
                C360_LAKE_DFS_ENDPOINT: args.lakeDfsEndpoint,
              },
              customTags: { workload: "c360", environment: config.environment },
            },
          },
        ],
        tasks: [
          notebookTask("bronze"),
          notebookTask("silver", "bronze"),
          notebookTask("gold", "silver"),
          task(EXPORT_NOTEBOOK, { load_id: "{{job.run_id}}" }, "gold"),
        ],
        schedule: {
          quartzCronExpression: dbx.jobSchedule,
          timezoneId: dbx.jobScheduleTimezone,
          pauseStatus: dbx.jobSchedulePaused ? "PAUSED" : "UNPAUSED",
        },
        emailNotifications: { onFailures: config.alertEmails, noAlertForSkippedRuns: true },
        tags: { workload: "c360", environment: config.environment },
      },
      inWorkspace,
    );

    this.workspaceId = workspace.id;
    this.workspaceName = workspace.name;
    this.workspaceUrl = workspaceUrl;
    this.accessConnectorId = connector.id;
    this.accessConnectorPrincipalId = connector.identity.apply((i) => i?.principalId ?? "");
    this.jobId = job.id;
    this.clusterPolicyId = policy.id;
    this.provider = provider;
    this.notebookRunAsApplicationIds = [runner.applicationId, factoryRunner.applicationId];
    this.factoryRunnerIdentityId = factoryRunnerIdentity.id;
    this.factoryRunnerPrincipalId = factoryRunnerIdentity.principalId;
    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceUrl,
      accessConnectorId: this.accessConnectorId,
      jobId: this.jobId,
    });
  }
}
