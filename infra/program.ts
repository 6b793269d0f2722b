/**
 * The whole platform: builds every component from a validated config and wires them together.
 * `index.ts` calls this with the stack's config; the tests and the offline plan call it under
 * Pulumi's mocks with the config of `Pulumi.<stack>.yaml`.
 */
import { join } from "node:path";

import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";

import { EVENT_TYPES } from "../contracts/vocabulary";
import { loadAllModels } from "../pipeline/models";
import { loadAdfDefinitions } from "./adf";
import { AccessComponent, type Grant } from "./components/access";
import { AnalyticsComponent, MEDALLION_DATA_SECURITY_MODE } from "./components/analytics";
import { FunctionsComponent } from "./components/functions";
import { LakeComponent, type LakeZone } from "./components/lake";
import { MonitoringComponent } from "./components/monitoring";
import { NetworkComponent } from "./components/network";
import { ObservabilityComponent } from "./components/observability";
import { OrchestrationComponent } from "./components/orchestration";
import { IDENTITY_INDEX_CONTAINER, ProfileStoreComponent } from "./components/profile-store";
import { SecretsComponent } from "./components/secrets";
import { PROFILE_CHANGES_HUB, StreamingComponent } from "./components/streaming";
import { catalogSchemas, UnityCatalogComponent } from "./components/unity-catalog";
import type { C360Config } from "./config";
import { naming } from "./naming";
import type { Placement } from "./shared";

/**
 * The lake containers Data Factory's pipelines touch (adf/): the master's Validation activity
 * reads `gold` (dataset Ds_Lake_Folder), the run records are PUT under `control/runs/`. No other
 * zone is granted; the notebooks reach the lake through Databricks, not through the factory.
 */
export const ADF_LAKE_ACCESS = { read: ["gold"], write: ["control"] } as const satisfies Record<
  "read" | "write",
  readonly LakeZone[]
>;

export interface PlatformOptions {
  /** Repository root: where `adf/`, `notebooks/`, `models/` and `contracts/schemas/` are read from. */
  repoRoot: string;
}

export interface PlatformOutputs {
  resourceGroupName: pulumi.Output<string>;
  lakeAccountName: pulumi.Output<string>;
  lakeDfsEndpoint: pulumi.Output<string>;
  eventHubsNamespace: pulumi.Output<string>;
  eventHubNames: Record<string, string>;
  cosmosEndpoint: pulumi.Output<string>;
  cosmosDatabase: string;
  functionAppName: pulumi.Output<string>;
  functionBaseUrl: pulumi.Output<string>;
  dataFactoryName: pulumi.Output<string>;
  /** ARM id of the factory: what `npm run deploy` stops and starts triggers under. */
  dataFactoryId: pulumi.Output<string>;
  dataFactoryPipelines: string[];
  databricksWorkspaceUrl: pulumi.Output<string>;
  databricksJobId: pulumi.Output<string>;
  keyVaultUri: pulumi.Output<string>;
  appInsightsName: pulumi.Output<string>;
  alertRules: string[];
}

export function createPlatform(cfg: C360Config, options: PlatformOptions): PlatformOutputs {
  const client = authorization.getClientConfigOutput();
  const subscriptionId = client.subscriptionId;
  const names = naming(cfg, subscriptionId);
  const tenantId = client.tenantId;
  const tags = { workload: "c360", environment: cfg.environment, "managed-by": "pulumi" };

  const group = new resources.ResourceGroup("c360-rg", {
    resourceGroupName: names.dashed("rg"),
    location: cfg.location,
    tags,
  });
  const placement: Placement = { resourceGroupName: group.name, location: cfg.location, tags };
  const idOf = (provider: string, name: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${group.name}/providers/${provider}/${name}`;

  const monitoring = new MonitoringComponent("c360-monitoring", {
    placement,
    workspaceName: names.dashed("log"),
    appInsightsName: names.dashed("appi"),
    actionGroupName: names.dashed("ag"),
    retentionDays: cfg.logRetentionDays,
    alertEmails: cfg.alertEmails,
  });

  const network = cfg.privateNetworking
    ? new NetworkComponent("c360-network", {
        placement,
        vnetName: names.dashed("vnet"),
        addressSpace: cfg.vnetAddressSpace,
      })
    : undefined;
  const privateLink = network?.privateLink;

  const accessConnectorName = names.dashed("dbac");
  const lake = new LakeComponent("c360-lake", {
    placement,
    accountName: names.compact("st", "dl"),
    config: cfg,
    privateLink,
    // The Databricks access connector reaches the firewalled lake as a resource instance.
    resourceAccessRules: [
      { tenantId, resourceId: idOf("Microsoft.Databricks/accessConnectors", accessConnectorName) },
    ],
  });

  const streaming = new StreamingComponent("c360-streaming", {
    placement,
    namespaceName: names.dashed("evhns"),
    config: cfg,
    subscriptionId,
    lakeAccountId: lake.accountId,
    landingContainerId: lake.containerIds.landing,
    privateLink,
  });

  const profiles = new ProfileStoreComponent("c360-profiles", {
    placement,
    accountName: names.dashed("cosmos"),
    config: cfg,
    privateLink,
  });

  const secrets = new SecretsComponent("c360-secrets", {
    placement,
    vaultName: names.compact("kv"),
    tenantId,
    privateNetworking: cfg.privateNetworking,
    privateLink,
  });

  const functions = new FunctionsComponent("c360-functions", {
    placement,
    appName: names.dashed("func"),
    planName: names.dashed("asp"),
    storageAccountName: names.compact("st", "fn"),
    config: cfg,
    eventHubsNamespace: streaming.fullyQualifiedNamespace,
    cosmosEndpoint: profiles.endpoint,
    cosmosDatabase: profiles.databaseName,
    cosmosProfilesContainer: profiles.profilesContainer,
    cosmosIdentityIndexContainer: IDENTITY_INDEX_CONTAINER,
    profileChangesHub: PROFILE_CHANGES_HUB,
    lakeBlobEndpoint: lake.blobEndpoint,
    appInsightsConnectionString: monitoring.appInsightsConnectionString,
    tenantId,
    subnetId: network?.functionsSubnetId,
    privateLink,
  });

  const analytics = new AnalyticsComponent("c360-analytics", {
    placement,
    workspaceName: names.dashed("dbw"),
    accessConnectorName,
    managedResourceGroupId: pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${names.dashed("rg", "dbw")}`,
    config: cfg,
    repoRoot: options.repoRoot,
    lakeDfsEndpoint: lake.dfsEndpoint,
    lakeAccountName: lake.accountName,
    factoryRunnerIdentityName: names.dashed("id", "adf-dbw"),
    vnet: network
      ? {
          id: network.vnetId,
          hostSubnetName: network.databricksHostSubnetName,
          containerSubnetName: network.databricksContainerSubnetName,
        }
      : undefined,
  });

  const orchestration = new OrchestrationComponent("c360-orchestration", {
    placement,
    factoryName: names.dashed("adf"),
    definitions: loadAdfDefinitions(join(options.repoRoot, "adf")),
    globalParameterValues: {
      environment: cfg.environment,
      databricksWorkspaceUrl: analytics.workspaceUrl,
      databricksWorkspaceResourceId: analytics.workspaceId,
      lakeBlobEndpoint: lake.blobEndpoint,
      lakeDfsEndpoint: lake.dfsEndpoint,
      // No webhook receiver is provisioned: alerting goes through Azure Monitor (pipeline-failure alert).
      alertWebhookUrl: "",
      traitsSyncQueueUrl: functions.traitsSyncQueueUrl,
    },
    databricksCluster: {
      sparkVersion: cfg.databricks.sparkVersion,
      nodeType: cfg.databricks.nodeType,
      driverNodeType: cfg.databricks.driverNodeType,
      minWorkers: cfg.databricks.minWorkers,
      maxWorkers: cfg.databricks.maxWorkers,
      sparkConf: { "c360.storage_account": lake.accountName, "spark.sql.session.timeZone": "UTC" },
      dataSecurityMode: MEDALLION_DATA_SECURITY_MODE,
      policyId: analytics.clusterPolicyId,
    },
    databricksRunnerIdentityId: analytics.factoryRunnerIdentityId,
    triggers: {
      windowStartTime: cfg.dataFactory.windowStartTime,
      started: cfg.dataFactory.startedTriggers,
    },
    privateNetworking: cfg.privateNetworking,
    privateLink,
  });

  const grants: Grant[] = [
    ...(["landing", "quarantine", "control"] as const).map((zone) => ({
      name: `func-lake-${zone}`,
      principalId: functions.principalId,
      role: "storageBlobDataContributor" as const,
      scope: lake.containerIds[zone],
      description: `Function App writes the lake's ${zone} container`,
    })),
    ...(["storageBlobDataOwner", "storageQueueDataContributor", "storageTableDataContributor"] as const).map(
      (role) => ({
        name: `func-host-${role}`,
        principalId: functions.principalId,
        role,
        scope: functions.hostStorageAccountId,
        description: "Functions host, Event Hubs checkpoints and the Flex deployment package",
      }),
    ),
    ...EVENT_TYPES.flatMap((eventType) => [
      {
        name: `func-receive-${streaming.hubNames[eventType]}`,
        principalId: functions.principalId,
        role: "eventHubsDataReceiver" as const,
        scope: streaming.hubIds[eventType],
        description: `Event Hub trigger reads ${streaming.hubNames[eventType]}`,
      },
      {
        name: `func-send-${streaming.hubNames[eventType]}`,
        principalId: functions.principalId,
        role: "eventHubsDataSender" as const,
        scope: streaming.hubIds[eventType],
        description: `POST /api/events publishes to ${streaming.hubNames[eventType]}`,
      },
    ]),
    {
      name: "func-lake-gold",
      principalId: functions.principalId,
      role: "storageBlobDataReader",
      scope: lake.containerIds.gold,
      description: "The traits sync reads gold's traits export (gold/_exports/profile_traits/)",
    },
    {
      name: `func-send-${PROFILE_CHANGES_HUB}`,
      principalId: functions.principalId,
      role: "eventHubsDataSender",
      scope: streaming.profileChangesHubId,
      description: "The traits sync and erasure publish profile change events",
    },
    {
      name: "adf-traits-sync-queue",
      principalId: orchestration.principalId,
      role: "storageQueueDataMessageSender",
      scope: functions.traitsSyncQueueId,
      description:
        "Data Factory starts the traits sync after gold (Sync_Profile_Traits enqueues the load id)",
    },
    {
      name: "func-appinsights",
      principalId: functions.principalId,
      role: "monitoringMetricsPublisher",
      scope: monitoring.appInsightsId,
      description: "Entra ID-authenticated telemetry ingestion (local auth is disabled)",
    },
    ...ADF_LAKE_ACCESS.read.map((zone) => ({
      name: `adf-lake-read-${zone}`,
      principalId: orchestration.principalId,
      role: "storageBlobDataReader" as const,
      scope: lake.containerIds[zone],
      description: `Data Factory validates layer output in the lake's ${zone} container`,
    })),
    ...ADF_LAKE_ACCESS.write.map((zone) => ({
      name: `adf-lake-write-${zone}`,
      principalId: orchestration.principalId,
      role: "storageBlobDataContributor" as const,
      scope: lake.containerIds[zone],
      description: `Data Factory writes run records to the lake's ${zone} container`,
    })),
    {
      name: "adf-databricks",
      principalId: analytics.factoryRunnerPrincipalId,
      role: "contributor",
      scope: analytics.workspaceId,
      description:
        "Data Factory runs notebooks with its Databricks runner identity (MSI auth requires Contributor on the workspace)",
    },
    {
      name: "dbac-lake",
      principalId: analytics.accessConnectorPrincipalId,
      role: "storageBlobDataContributor",
      scope: lake.accountId,
      description: "Unity Catalog access connector reads and writes the medallion zones",
    },
  ];
  const access = new AccessComponent("c360-access", {
    resourceGroupName: group.name,
    subscriptionId,
    grants,
    cosmosGrants: [
      {
        name: "func-cosmos-data",
        principalId: functions.principalId,
        accountName: profiles.accountName,
        accountId: profiles.accountId,
        scopeSuffix: `/dbs/${profiles.databaseName}`,
        description: "Function App reads and writes profiles (Cosmos DB Built-in Data Contributor)",
      },
    ],
  });

  // After the access connector's lake grant exists: Unity Catalog validates the location on create.
  new UnityCatalogComponent(
    "c360-catalog",
    {
      environment: cfg.environment,
      provider: analytics.provider,
      accessConnectorId: analytics.accessConnectorId,
      lakeAccountName: lake.accountName,
      notebookRunAsApplicationIds: analytics.notebookRunAsApplicationIds,
      schemas: catalogSchemas(loadAllModels()),
      analystsGroup: cfg.databricks.analystsGroup,
      contactDataGroup: cfg.databricks.contactDataGroup,
    },
    { dependsOn: [access] },
  );

  const observability = new ObservabilityComponent("c360-observability", {
    resourceGroupName: group.name,
    location: cfg.location,
    tags,
    workspaceId: monitoring.workspaceId,
    appInsightsId: monitoring.appInsightsId,
    actionGroupId: monitoring.actionGroupId,
    functionAppName: functions.appName,
    eventHubsNamespaceName: streaming.namespaceName,
    factoryId: orchestration.factoryId,
    environment: cfg.environment,
    targets: [
      { name: "lake", resourceId: lake.accountId, logs: false, metrics: true },
      {
        name: "lake-blob",
        resourceId: pulumi.interpolate`${lake.accountId}/blobServices/default`,
        logs: true,
        metrics: true,
      },
      { name: "func-storage", resourceId: functions.hostStorageAccountId, logs: false, metrics: true },
      {
        name: "func-storage-blob",
        resourceId: pulumi.interpolate`${functions.hostStorageAccountId}/blobServices/default`,
        logs: true,
        metrics: true,
      },
      { name: "eventhubs", resourceId: streaming.namespaceId, logs: true, metrics: true },
      { name: "cosmos", resourceId: profiles.accountId, logs: true, metrics: true },
      { name: "keyvault", resourceId: secrets.vaultId, logs: true, metrics: true },
      { name: "functions", resourceId: functions.appId, logs: true, metrics: true },
      { name: "datafactory", resourceId: orchestration.factoryId, logs: true, metrics: true },
      { name: "databricks", resourceId: analytics.workspaceId, logs: true, metrics: false },
    ],
  });

  return {
    resourceGroupName: group.name,
    lakeAccountName: lake.accountName,
    lakeDfsEndpoint: lake.dfsEndpoint,
    eventHubsNamespace: streaming.fullyQualifiedNamespace,
    eventHubNames: streaming.hubNames,
    cosmosEndpoint: profiles.endpoint,
    cosmosDatabase: profiles.databaseName,
    functionAppName: functions.appName,
    functionBaseUrl: functions.baseUrl,
    dataFactoryName: orchestration.factoryName,
    dataFactoryId: orchestration.factoryId,
    dataFactoryPipelines: orchestration.pipelineNames,
    databricksWorkspaceUrl: analytics.workspaceUrl,
    databricksJobId: analytics.jobId,
    keyVaultUri: secrets.vaultUri,
    appInsightsName: monitoring.appInsightsName,
    alertRules: observability.alertNames,
  };
}
