/**
 * The resource-graph assertions shared by the dev and prod suites. Each suite file runs the
 * Pulumi program once (under mocks, with the stack's Pulumi.<stack>.yaml) in beforeAll and
 * hands the recorded graph to these tests.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { SETTINGS } from "../../functions/src/core/config";
import { STREAMS } from "../../functions/src/core/streams";
import { loadAdfDefinitions, notebookPaths } from "../../infra/adf";
import { toArmTemplate } from "../../infra/arm-export";
import {
  appSettings,
  BASELINE_RULES,
  type BaselineContext,
  checkBaseline,
  get,
  ofType,
  RESOURCE_TYPES as T,
  storageRole,
} from "../../infra/baseline";
import { NOTEBOOK_DIR } from "../../infra/components/analytics";
import { LAKE_ZONES } from "../../infra/components/lake";
import {
  batchDataQualityQuery,
  CUSTOM_METRICS,
  logAlertConditionProblems,
  THRESHOLDS,
} from "../../infra/components/observability";
import {
  ACCESS_PROPERTY,
  catalogSchemas,
  READER_PRIVILEGES,
  READERS_PROPERTY,
  WRITER_PRIVILEGES,
  ZONE_PRIVILEGES,
} from "../../infra/components/unity-catalog";
import type { RecordedResource } from "../../infra/mocks";
import { MOCK_SUBSCRIPTION_ID, mockId } from "../../infra/mocks";
import { compactName, dashedName, nameSuffix } from "../../infra/naming";
import { formatPlan, groupByComponent, planCommand, type PlanResult, renderPlan } from "../../infra/plan";
import { COSMOS_DATA_CONTRIBUTOR, type RoleName, ROLES } from "../../infra/shared";
import { REPO_ROOT } from "../../infra/stack-file";
import { loadAllModels } from "../../pipeline/models";

type Breaker = (resources: RecordedResource[]) => string;

function mutate(
  resources: RecordedResource[],
  predicate: (r: RecordedResource) => boolean,
  change: (inputs: Record<string, unknown>) => void,
): string {
  const target = resources.find(predicate);
  if (!target) throw new Error("breaker found no resource to break");
  change(target.inputs);
  return target.name;
}
const byType = (type: string) => (r: RecordedResource) => r.type === type;
const storageOf = (role: string) => (r: RecordedResource) => r.type === T.storage && storageRole(r) === role;
const set = (obj: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split(".");
  let cursor: Record<string, unknown> = obj;
  for (const key of keys.slice(0, -1)) {
    if (typeof cursor[key] !== "object" || cursor[key] === null) cursor[key] = {};
    cursor = cursor[key] as Record<string, unknown>;
  }
  cursor[keys[keys.length - 1]] = value;
};

type GrantEntry = { principal: string; privileges: string[] };
const ucSchemaOf = (access: string) => (r: RecordedResource) =>
  r.type === "databricks:index/schema:Schema" &&
  (get(r.inputs, "properties") as Record<string, unknown> | undefined)?.[ACCESS_PROPERTY] === access;
const schemaFullName = (s: RecordedResource | undefined) =>
  `${String(get(s?.inputs, "catalogName"))}.${String(get(s?.inputs, "name"))}`;
/** The Grants resource on the schema holding `access` (contact-data, analytics, pipeline). */
const schemaGrantsOf = (rs: RecordedResource[], access: string) => {
  const schema = rs.find(ucSchemaOf(access));
  return (r: RecordedResource) =>
    r.type === "databricks:index/grants:Grants" && get(r.inputs, "schema") === schemaFullName(schema);
};
const readersOf = (rs: RecordedResource[], access: string) =>
  String(
    (get(rs.find(ucSchemaOf(access))?.inputs, "properties") as Record<string, unknown>)[READERS_PROPERTY],
  );

/** One deliberate break per baseline rule; returns the logical name of the broken resource. */
export const BREAKERS: Record<string, Breaker> = {
  "catalog-contact-data-restricted": (rs) =>
    mutate(rs, schemaGrantsOf(rs, "contact-data"), (i) =>
      (i.grants as GrantEntry[]).push({ principal: "account users", privileges: ["USE_SCHEMA", "SELECT"] }),
    ),
  "lake-hns": (rs) => mutate(rs, storageOf("lake"), (i) => set(i, "isHnsEnabled", false)),
  "storage-no-public-blob": (rs) =>
    mutate(rs, storageOf("functions-host"), (i) => set(i, "allowBlobPublicAccess", true)),
  "storage-no-shared-key": (rs) => mutate(rs, storageOf("lake"), (i) => set(i, "allowSharedKeyAccess", true)),
  "storage-tls-https": (rs) =>
    mutate(rs, storageOf("functions-host"), (i) => set(i, "minimumTlsVersion", "TLS1_0")),
  "storage-container-private": (rs) =>
    mutate(
      rs,
      (r) => r.type === T.container && get(r.inputs, "containerName") === "gold",
      (i) => set(i, "publicAccess", "Blob"),
    ),
  "storage-network-deny": (rs) =>
    mutate(rs, storageOf("lake"), (i) => set(i, "networkRuleSet.bypass", "None")),
  "lake-soft-delete": (rs) =>
    mutate(rs, byType(T.blobService), (i) => set(i, "deleteRetentionPolicy.enabled", false)),
  "functions-separate-storage": (rs) => {
    const lakeName = String(get(rs.find(storageOf("lake"))?.inputs, "accountName"));
    return mutate(rs, byType(T.webApp), (i) => {
      const list = get(i, "siteConfig.appSettings") as { name: string; value: unknown }[];
      const entry = list.find((s) => s.name === "AzureWebJobsStorage__accountName");
      if (entry) entry.value = lakeName;
    });
  },
  "eventhubs-local-auth-tls": (rs) =>
    mutate(rs, byType(T.namespace), (i) => set(i, "disableLocalAuth", false)),
  "cosmos-local-auth": (rs) =>
    mutate(rs, byType(T.cosmos), (i) => set(i, "disableKeyBasedMetadataWriteAccess", false)),
  "cosmos-min-tls": (rs) => mutate(rs, byType(T.cosmos), (i) => set(i, "minimalTlsVersion", "Tls")),
  "function-app-basic-auth-off": (rs) => mutate(rs, byType(T.ftpBasicAuth), (i) => set(i, "allow", true)),
  "cosmos-continuous-backup": (rs) =>
    mutate(rs, byType(T.cosmos), (i) => set(i, "backupPolicy", { type: "Periodic" })),
  "cosmos-data-plane-role": (rs) => {
    mutate(rs, byType(T.cosmosRole), (i) => set(i, "principalId", "principal:someone-else"));
    return String(rs.find(byType(T.webApp))?.name);
  },
  "function-app-hardening": (rs) =>
    mutate(rs, byType(T.webApp), (i) => set(i, "siteConfig.cors.allowedOrigins", ["*"])),
  "function-app-identity-settings": (rs) =>
    mutate(rs, byType(T.webApp), (i) =>
      (get(i, "siteConfig.appSettings") as unknown[]).push({
        name: "CosmosDb__connection",
        value: "AccountEndpoint=https://x.documents.azure.com:443/;AccountKey=c2VjcmV0;",
      }),
    ),
  "function-flex-consumption": (rs) =>
    mutate(rs, byType(T.plan), (i) => set(i, "sku", { name: "Y1", tier: "Dynamic" })),
  "appinsights-aad-only": (rs) => mutate(rs, byType(T.appInsights), (i) => set(i, "disableLocalAuth", false)),
  "keyvault-rbac-soft-delete-purge": (rs) =>
    mutate(rs, byType(T.vault), (i) => set(i, "properties.enablePurgeProtection", false)),
  "datafactory-managed-identity": (rs) =>
    mutate(
      rs,
      (r) => r.type === T.linkedService && get(r.inputs, "properties.type") === "AzureBlobFS",
      (i) => set(i, "properties.accountKey", { type: "SecureString", value: "key" }),
    ),
  "databricks-secure-connectivity": (rs) =>
    mutate(rs, byType(T.databricks), (i) => set(i, "parameters.enableNoPublicIp.value", false)),
  "private-networking": (rs) => mutate(rs, byType(T.cosmos), (i) => set(i, "publicNetworkAccess", "Enabled")),
  "role-assignments-least-privilege": (rs) =>
    mutate(rs, byType(T.roleAssignment), (i) =>
      set(i, "scope", "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-c360"),
    ),
  "diagnostics-on-data-services": (rs) => {
    const cosmos = rs.find(byType(T.cosmos));
    const index = rs.findIndex((r) => r.type === T.diagnostic && get(r.inputs, "resourceUri") === cosmos?.id);
    rs.splice(index, 1);
    return String(cosmos?.name);
  },
};

/**
 * Mutations the baseline once let through (issue 22), each with the rule that must now catch it.
 * `stacks`: where the mutation is a violation (prod's private networking requires a deny-by-default vault).
 */
export const BLIND_SPOTS: { label: string; rule: string; stacks: ("dev" | "prod")[]; breaker: Breaker }[] = [
  {
    label: "the contact-data group's SELECT on the contact view's schema missing",
    rule: "catalog-contact-data-restricted",
    stacks: ["dev", "prod"],
    breaker: (rs) => {
      const group = readersOf(rs, "contact-data");
      return mutate(rs, schemaGrantsOf(rs, "contact-data"), (i) => {
        i.grants = (i.grants as GrantEntry[]).filter((e) => e.principal !== group);
      });
    },
  },
  {
    label: "the analysts group given SELECT on the contact view's schema",
    rule: "catalog-contact-data-restricted",
    stacks: ["dev", "prod"],
    breaker: (rs) => {
      const analysts = readersOf(rs, "analytics");
      return mutate(rs, schemaGrantsOf(rs, "contact-data"), (i) =>
        (i.grants as GrantEntry[]).push({ principal: analysts, privileges: ["USE_SCHEMA", "SELECT"] }),
      );
    },
  },
  {
    label: "the analysts group given SELECT on the contact view itself (a table grant)",
    rule: "catalog-contact-data-restricted",
    stacks: ["dev", "prod"],
    breaker: (rs) => {
      const table = `${schemaFullName(rs.find(ucSchemaOf("contact-data")))}.customer_contacts`;
      rs.push({
        type: "databricks:index/grants:Grants",
        name: "hand-made-table-grant",
        id: mockId("databricks:index/grants:Grants", "hand-made-table-grant"),
        custom: true,
        inputs: { table, grants: [{ principal: readersOf(rs, "analytics"), privileges: ["SELECT"] }] },
      });
      return "hand-made-table-grant";
    },
  },
  {
    label: "SELECT granted on the whole catalog (reaches the contact view)",
    rule: "catalog-contact-data-restricted",
    stacks: ["dev", "prod"],
    breaker: (rs) =>
      mutate(
        rs,
        (r) => r.type === "databricks:index/grants:Grants" && get(r.inputs, "catalog") !== undefined,
        (i) => (i.grants as GrantEntry[])[0]?.privileges.push("SELECT"),
      ),
  },
  {
    label: "the analysts group's SELECT on gold missing",
    rule: "catalog-contact-data-restricted",
    stacks: ["dev", "prod"],
    breaker: (rs) => {
      const analysts = readersOf(rs, "analytics");
      mutate(rs, schemaGrantsOf(rs, "analytics"), (i) => {
        i.grants = (i.grants as GrantEntry[]).filter((e) => e.principal !== analysts);
      });
      return String(rs.find(ucSchemaOf("analytics"))?.name);
    },
  },
  {
    label: "Cosmos DB minimalTlsVersion lowered",
    rule: "cosmos-min-tls",
    stacks: ["dev", "prod"],
    breaker: (rs) => mutate(rs, byType(T.cosmos), (i) => set(i, "minimalTlsVersion", "Tls11")),
  },
  {
    label: "prod Key Vault network ACL default Allow",
    rule: "private-networking",
    stacks: ["prod"],
    breaker: (rs) =>
      mutate(rs, byType(T.vault), (i) => set(i, "properties.networkAcls.defaultAction", "Allow")),
  },
  {
    label: "SCM basic-auth publishing on",
    rule: "function-app-basic-auth-off",
    stacks: ["dev", "prod"],
    breaker: (rs) => mutate(rs, byType(T.scmBasicAuth), (i) => set(i, "allow", true)),
  },
  {
    label: "scmMinTlsVersion 1.0",
    rule: "function-app-hardening",
    stacks: ["dev", "prod"],
    breaker: (rs) => mutate(rs, byType(T.webApp), (i) => set(i, "siteConfig.scmMinTlsVersion", "1.0")),
  },
  {
    label: "Cosmos DB data-plane role scope widened to the account",
    rule: "cosmos-data-plane-role",
    stacks: ["dev", "prod"],
    breaker: (rs) => {
      const account = rs.find(byType(T.cosmos));
      return mutate(rs, byType(T.cosmosRole), (i) => set(i, "scope", account?.id));
    },
  },
  {
    label: "the Function App given Storage Blob Data Owner on the whole lake",
    rule: "role-assignments-least-privilege",
    stacks: ["dev", "prod"],
    breaker: (rs) => {
      const lake = rs.find(storageOf("lake"));
      return mutate(
        rs,
        (r) => r.type === T.roleAssignment && r.name.endsWith("func-lake-landing"),
        (i) => {
          set(i, "scope", lake?.id);
          set(
            i,
            "roleDefinitionId",
            `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${ROLES.storageBlobDataOwner}`,
          );
        },
      );
    },
  },
];

function expectedGrant(principal: string, role: RoleName, scope: string): string {
  return `${principal} ${ROLES[role]} ${scope}`;
}

export function describePlatform(stack: "dev" | "prod", getPlan: () => PlanResult): void {
  const resources = (): RecordedResource[] => getPlan().resources;
  const ctx = (): BaselineContext => ({ privateNetworking: getPlan().config.privateNetworking });
  const one = (type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource => {
    const found = ofType(resources(), type).filter(predicate);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const id = (type: string, name: string): string => mockId(type, name);

  describe(`${stack}: the resource graph`, () => {
    it("holds every component, each with resources named after it", () => {
      const components = resources()
        .filter((r) => !r.custom)
        .map((r) => `${r.type} ${r.name}`)
        .sort();
      const expected = [
        "c360:access:Access c360-access",
        "c360:analytics:Analytics c360-analytics",
        "c360:catalog:UnityCatalog c360-catalog",
        "c360:functions:Functions c360-functions",
        "c360:lake:Lake c360-lake",
        "c360:monitoring:Monitoring c360-monitoring",
        "c360:monitoring:Observability c360-observability",
        "c360:orchestration:Orchestration c360-orchestration",
        "c360:profile:ProfileStore c360-profiles",
        "c360:secrets:Secrets c360-secrets",
        "c360:streaming:Streaming c360-streaming",
        ...(stack === "prod" ? ["c360:network:Network c360-network"] : []),
      ].sort();
      expect(components.filter((c) => c.startsWith("c360:"))).toEqual(expected);
      expect(ofType(resources(), "azure-native:resources:ResourceGroup")).toHaveLength(1);
    });

    it("has the lake: ADLS Gen2 account, one container per zone, lifecycle from the config", () => {
      const lake = one(T.storage, storageOf("lake"));
      expect(get(lake.inputs, "isHnsEnabled")).toBe(true);
      const containers = ofType(resources(), T.container)
        .filter((c) => get(c.inputs, "accountName") === get(lake.inputs, "accountName"))
        .map((c) => get(c.inputs, "containerName"));
      expect(containers.sort()).toEqual([...LAKE_ZONES].sort());
      const policy = one("azure-native:storage:ManagementPolicy");
      const rules = get(policy.inputs, "policy.rules") as { name: string; definition: unknown }[];
      const lakeCfg = getPlan().config.lake;
      const landing = rules.find((r) => r.name.startsWith("landing-"));
      expect(get(landing?.definition, "actions.baseBlob.tierToCool.daysAfterModificationGreaterThan")).toBe(
        lakeCfg.coolAfterDays,
      );
      expect(get(landing?.definition, "actions.baseBlob.delete.daysAfterModificationGreaterThan")).toBe(
        lakeCfg.deleteAfterDays,
      );
      // The archive tier exists only on LRS/GRS accounts: a rule tiering a ZRS/GZRS lake to archive is
      // rejected. dev (LRS) archives landing files after the configured days, prod (ZRS) never.
      const sku = String(get(lake.inputs, "sku.name"));
      const archiving = rules.filter(
        (r) => get(r.definition, "actions.baseBlob.tierToArchive") !== undefined,
      );
      if (/_(ZRS|GZRS|RAGZRS)$/.test(sku)) expect(archiving).toEqual([]);
      expect(sku).toBe(stack === "prod" ? "Standard_ZRS" : "Standard_LRS");
      expect(
        get(landing?.definition, "actions.baseBlob.tierToArchive.daysAfterModificationGreaterThan"),
      ).toBe(stack === "prod" ? undefined : lakeCfg.archiveAfterDays);
      expect(landing?.name).toBe(stack === "prod" ? "landing-cool-delete" : "landing-cool-archive-delete");
      expect(
        get(
          rules.find((r) => r.name === "quarantine-delete")?.definition,
          "actions.baseBlob.delete.daysAfterModificationGreaterThan",
        ),
      ).toBe(90);
      // Delta zones are never archived or deleted by the lifecycle (that would corrupt the tables).
      const delta = rules.find((r) => r.name === "delta-zones-cool");
      expect(get(delta?.definition, "actions.baseBlob.tierToArchive")).toBeUndefined();
      expect(get(delta?.definition, "actions.baseBlob.delete")).toBeUndefined();
    });

    it("has one hub per stream the functions consume, with the functions' consumer group only and capture to the lake", () => {
      const config = getPlan().config;
      const namespace = one(T.namespace);
      expect(get(namespace.inputs, "sku.capacity")).toBe(config.eventHubs.throughputUnits);
      const allHubs = ofType(resources(), "azure-native:eventhub:EventHub");
      expect(allHubs.map((h) => get(h.inputs, "eventHubName")).sort()).toEqual(
        [...STREAMS.map((s) => s.hubName), "profile-changes"].sort(),
      );
      const hubs = allHubs.filter((h) => get(h.inputs, "eventHubName") !== "profile-changes");
      const lake = one(T.storage, storageOf("lake"));
      for (const hub of hubs) {
        expect(get(hub.inputs, "partitionCount")).toBe(config.eventHubs.partitions);
        expect(get(hub.inputs, "captureDescription.enabled")).toBe(true);
        expect(get(hub.inputs, "captureDescription.destination.storageAccountResourceId")).toBe(lake.id);
        expect(get(hub.inputs, "captureDescription.destination.blobContainer")).toBe("landing");
        expect(get(hub.inputs, "captureDescription.destination.identity.type")).toBe("SystemAssigned");
        const groups = ofType(resources(), "azure-native:eventhub:ConsumerGroup")
          .filter((g) => get(g.inputs, "eventHubName") === get(hub.inputs, "eventHubName"))
          .map((g) => get(g.inputs, "consumerGroupName"));
        expect(groups).toEqual(["functions"]);
      }
    });

    it("has the outbound profile-changes hub with its activation consumer group, not captured", () => {
      const config = getPlan().config;
      const hub = one(
        "azure-native:eventhub:EventHub",
        (r) => get(r.inputs, "eventHubName") === "profile-changes",
      );
      expect(get(hub.inputs, "partitionCount")).toBe(config.eventHubs.partitions);
      expect(get(hub.inputs, "captureDescription")).toBeUndefined();
      const groups = ofType(resources(), "azure-native:eventhub:ConsumerGroup")
        .filter((g) => get(g.inputs, "eventHubName") === "profile-changes")
        .map((g) => get(g.inputs, "consumerGroupName"));
      expect(groups).toEqual(["activation"]);
    });

    it("has the profile store: profiles partitioned by /customerId with a tuned index, plus leases, quarantine, erasure, the id index and the identity index", () => {
      const config = getPlan().config;
      const account = one(T.cosmos);
      const capabilities = get(account.inputs, "capabilities") as { name: string }[];
      expect(capabilities.map((c) => c.name)).toEqual(
        config.cosmos.throughputMode === "serverless" ? ["EnableServerless"] : [],
      );
      const db = one("azure-native:cosmosdb:SqlResourceSqlDatabase");
      if (config.cosmos.throughputMode === "autoscale")
        expect(get(db.inputs, "options.autoscaleSettings.maxThroughput")).toBe(config.cosmos.throughput);
      const containers = ofType(resources(), "azure-native:cosmosdb:SqlResourceSqlContainer");
      expect(containers.map((c) => get(c.inputs, "containerName")).sort()).toEqual([
        "erasure",
        "identity-index",
        "ids",
        "leases",
        "profiles",
        "quarantine",
      ]);
      const profiles = containers.find((c) => get(c.inputs, "containerName") === "profiles");
      expect(get(profiles?.inputs, "resource.partitionKey.paths")).toEqual(["/customerId"]);
      const included = (
        get(profiles?.inputs, "resource.indexingPolicy.includedPaths") as { path: string }[]
      ).map((p) => p.path);
      expect(included).toEqual(
        expect.arrayContaining(["/customerId/?", "/personal/email/?", "/valueSegment/?"]),
      );
      expect(get(profiles?.inputs, "resource.indexingPolicy.excludedPaths.0.path")).toBe("/*");
    });

    it("has the functions on Flex Consumption with their own storage and Application Insights", () => {
      one(T.plan);
      const app = one(T.webApp);
      expect(get(app.inputs, "kind")).toBe("functionapp,linux");
      // Node 22 (Node 20 reached end of life on 2026-04-30), the version the app's manifest requires.
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "functions/package.json"), "utf8")) as {
        engines: { node: string };
      };
      expect(get(app.inputs, "functionAppConfig.runtime")).toEqual({ name: "node", version: "22" });
      expect(manifest.engines.node).toBe(">=22");
      const host = one(T.storage, storageOf("functions-host"));
      expect(get(app.inputs, "functionAppConfig.deployment.storage.value")).toBe(
        `https://${get(host.inputs, "accountName")}.blob.core.windows.net/deployments`,
      );
      expect(appSettings(app).get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).toBe("Authorization=AAD");
      one(T.appInsights);
      one("azure-native:operationalinsights:Workspace");
    });

    it("loads one Data Factory pipeline per JSON file under adf/pipeline, and every linked service, dataset and trigger", () => {
      const files = (dir: string) =>
        readdirSync(join(REPO_ROOT, "adf", dir))
          .filter((f) => f.endsWith(".json"))
          .map((f) => f.replace(/\.json$/, ""))
          .sort();
      const names = (type: string, key: string) =>
        ofType(resources(), type)
          .map((r) => get(r.inputs, key))
          .sort();
      expect(files("pipeline").length).toBeGreaterThan(0);
      expect(names("azure-native:datafactory:Pipeline", "pipelineName")).toEqual(files("pipeline"));
      expect(names(T.linkedService, "linkedServiceName")).toEqual(files("linkedService"));
      expect(names("azure-native:datafactory:Dataset", "datasetName")).toEqual(files("dataset"));
      expect(names("azure-native:datafactory:Trigger", "triggerName")).toEqual(files("trigger"));
      // typeProperties are flattened into the azure-native shape.
      const bronze = ofType(resources(), "azure-native:datafactory:Pipeline").find(
        (p) => get(p.inputs, "pipelineName") === "P_C360_Bronze",
      );
      const activities = get(bronze?.inputs, "activities") as Record<string, unknown>[];
      const notebook = activities.find((a) => a.type === "DatabricksNotebook");
      expect(notebook?.notebookPath).toBe(`${NOTEBOOK_DIR}/bronze`);
      expect(notebook?.typeProperties).toBeUndefined();
      // Global parameters carry this stack's values.
      const factory = one(T.factory);
      expect(get(factory.inputs, "globalParameters.environment.value")).toBe(stack);
      const lake = one(T.storage, storageOf("lake"));
      expect(get(factory.inputs, "globalParameters.lakeDfsEndpoint.value")).toBe(
        `https://${get(lake.inputs, "accountName")}.dfs.core.windows.net/`,
      );
      expect(get(factory.inputs, "globalParameters.databricksWorkspaceResourceId.value")).toBe(
        one(T.databricks).id,
      );
    });

    it("has the Databricks workspace content: notebooks, models, a cluster policy and the bronze → silver → gold → export job", () => {
      one(T.databricks);
      one(T.accessConnector);
      const notebooks = ofType(resources(), "databricks:index/notebook:Notebook").map((n) =>
        get(n.inputs, "path"),
      );
      const repoNotebooks = readdirSync(join(REPO_ROOT, "notebooks")).filter((f) => f.endsWith(".py"));
      for (const file of repoNotebooks) {
        if (
          readFileSync(join(REPO_ROOT, "notebooks", file), "utf8").startsWith("# Databricks notebook source")
        )
          expect(notebooks).toContain(`${NOTEBOOK_DIR}/${file.replace(/\.py$/, "")}`);
      }
      const files = ofType(resources(), "databricks:index/workspaceFile:WorkspaceFile").map((f) =>
        String(get(f.inputs, "path")),
      );
      expect(files).toContain("/c360/models/gold/customer_360.sql");
      const policy = one("databricks:index/clusterPolicy:ClusterPolicy");
      const definition = JSON.parse(String(get(policy.inputs, "definition"))) as Record<string, unknown>;
      expect(get(definition, "spark_version.value")).toBe(getPlan().config.databricks.sparkVersion);
      const job = one("databricks:index/job:Job");
      const tasks = get(job.inputs, "tasks") as { taskKey: string; dependsOns?: { taskKey: string }[] }[];
      expect(tasks.map((t) => [t.taskKey, (t.dependsOns ?? []).map((d) => d.taskKey)])).toEqual([
        ["bronze", []],
        ["silver", ["bronze"]],
        ["gold", ["silver"]],
        ["export", ["gold"]],
      ]);
      // The person export step after gold: the uploaded export notebook, with the job run's id as its load id.
      expect(get(job.inputs, "tasks.3.notebookTask")).toEqual({
        notebookPath: `${NOTEBOOK_DIR}/export`,
        source: "WORKSPACE",
        baseParameters: { load_id: "{{job.run_id}}" },
      });
      expect(get(job.inputs, "tasks.3.jobClusterKey")).toBe("medallion");
      expect(get(job.inputs, "jobClusters.0.newCluster.policyId")).toBe(policy.id);
      expect(get(job.inputs, "emailNotifications.onFailures")).toEqual(getPlan().config.alertEmails);
    });

    it("gives Unity Catalog a storage credential on the access connector, an external location per zone, and grants to every principal the notebooks run as (the job's and Data Factory's clusters')", () => {
      const connector = one(T.accessConnector);
      const credential = one("databricks:index/storageCredential:StorageCredential");
      expect(get(credential.inputs, "azureManagedIdentity.accessConnectorId")).toBe(connector.id);
      const lakeAccount = String(get(one(T.storage, storageOf("lake")).inputs, "accountName"));
      // The zone URI the notebooks build (notebooks/c360/lake.py, lake_paths) is the one the locations cover.
      const runtime = readFileSync(join(REPO_ROOT, "notebooks", "c360", "lake.py"), "utf8");
      expect(runtime).toContain('f"abfss://{z}@{account}.dfs.core.windows.net"');
      const locations = ofType(resources(), "databricks:index/externalLocation:ExternalLocation");
      expect(locations.map((l) => get(l.inputs, "url")).sort()).toEqual(
        LAKE_ZONES.map((zone) => `abfss://${zone}@${lakeAccount}.dfs.core.windows.net/`).sort(),
      );
      for (const location of locations)
        expect(get(location.inputs, "credentialName")).toBe(get(credential.inputs, "name"));
      const job = one("databricks:index/job:Job");
      const runAs = get(job.inputs, "runAs.servicePrincipalName");
      const runner = one("databricks:index/servicePrincipal:ServicePrincipal", (r) =>
        r.name.endsWith("job-runner"),
      );
      expect(runAs).toBe(`app-${runner.name}`);
      const factoryRunner = factoryClusterPrincipal();
      // Both run the same bronze/silver/gold notebooks, so both get exactly the zone privileges.
      const grants = ofType(resources(), "databricks:index/grants:Grants").filter(
        (g) => get(g.inputs, "externalLocation") !== undefined,
      );
      expect(grants).toHaveLength(LAKE_ZONES.length);
      for (const zone of LAKE_ZONES) {
        const location = locations.find((l) => String(get(l.inputs, "url")).startsWith(`abfss://${zone}@`));
        const grant = grants.find((g) => get(g.inputs, "externalLocation") === get(location?.inputs, "name"));
        expect(get(grant?.inputs, "grants")).toEqual([
          { principal: runAs, privileges: ZONE_PRIVILEGES[zone] },
          { principal: factoryRunner, privileges: ZONE_PRIVILEGES[zone] },
        ]);
      }
      expect(ZONE_PRIVILEGES.landing).not.toContain("CREATE_EXTERNAL_TABLE");
      // Both principals may use the cluster policy their clusters are created under.
      const policy = one("databricks:index/clusterPolicy:ClusterPolicy");
      const permissions = one("databricks:index/permissions:Permissions");
      expect(permissions.inputs).toMatchObject({
        clusterPolicyId: policy.id,
        accessControls: [
          { servicePrincipalName: runAs, permissionLevel: "CAN_USE" },
          { servicePrincipalName: factoryRunner, permissionLevel: "CAN_USE" },
        ],
      });
    });

    it("grants table access per schema: analysts read gold, only the contact-data group reads the contact view's schema, the catalog gives USE_CATALOG only", () => {
      const config = getPlan().config.databricks;
      const catalog = one("databricks:index/catalog:Catalog");
      const catalogName = `c360_${stack}`;
      expect(get(catalog.inputs, "name")).toBe(catalogName);
      const lakeAccount = String(get(one(T.storage, storageOf("lake")).inputs, "accountName"));
      expect(get(catalog.inputs, "storageRoot")).toBe(
        `abfss://control@${lakeAccount}.dfs.core.windows.net/unity-catalog`,
      );
      // the notebooks' two-part names resolve in it
      expect(
        get(
          one("databricks:index/defaultNamespaceSetting:DefaultNamespaceSetting").inputs,
          "namespace.value",
        ),
      ).toBe(catalogName);
      // the stack file's groups
      const stackFile = readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
      expect(stackFile).toContain(`c360:databricksAnalystsGroup: ${config.analystsGroup}`);
      expect(stackFile).toContain(`c360:databricksContactDataGroup: ${config.contactDataGroup}`);
      const runAs = get(one("databricks:index/job:Job").inputs, "runAs.servicePrincipalName");
      const writers = [runAs, factoryClusterPrincipal()].map((principal) => ({
        principal,
        privileges: [...WRITER_PRIVILEGES],
      }));
      const schemas = ofType(resources(), "databricks:index/schema:Schema");
      expect(schemas.map((s) => get(s.inputs, "name"))).toEqual([
        "bronze",
        "silver",
        "gold",
        "gold_contacts",
      ]);
      // the contact view's schema is the @catalog_schema of models/gold/customer_contacts.sql
      expect(catalogSchemas(loadAllModels()).find((s) => s.access === "contact-data")?.name).toBe(
        "gold_contacts",
      );
      const grantsOn = (securable: string, name: string) =>
        get(one("databricks:index/grants:Grants", (g) => get(g.inputs, securable) === name).inputs, "grants");
      expect(grantsOn("schema", `${catalogName}.gold_contacts`)).toEqual([
        ...writers,
        { principal: config.contactDataGroup, privileges: [...READER_PRIVILEGES] },
      ]);
      expect(grantsOn("schema", `${catalogName}.gold`)).toEqual([
        ...writers,
        { principal: config.analystsGroup, privileges: [...READER_PRIVILEGES] },
      ]);
      for (const layer of ["bronze", "silver"])
        expect(grantsOn("schema", `${catalogName}.${layer}`)).toEqual(writers);
      expect(grantsOn("catalog", catalogName)).toEqual(
        [runAs, factoryClusterPrincipal(), config.analystsGroup, config.contactDataGroup].map(
          (principal) => ({
            principal,
            privileges: ["USE_CATALOG"],
          }),
        ),
      );
      // no grant anywhere else names either group (no table grants, nothing on bronze/silver or the lake)
      const everywhere = ofType(resources(), "databricks:index/grants:Grants").flatMap((g) =>
        (get(g.inputs, "grants") as Array<{ principal: string }>).map((e) => `${e.principal} ${g.name}`),
      );
      expect(everywhere.filter((e) => e.startsWith(`${config.contactDataGroup} `))).toHaveLength(2);
      expect(everywhere.filter((e) => e.startsWith(`${config.analystsGroup} `))).toHaveLength(2);
    });

    /**
     * The application id Data Factory's Databricks clusters run as, followed from the linked service:
     * its ADF credential → the user-assigned identity it names (held by the factory) → that
     * identity's client id, registered as a Databricks service principal.
     */
    function factoryClusterPrincipal(): string {
      const linkedService = one(
        T.linkedService,
        (r) => get(r.inputs, "properties.type") === "AzureDatabricks",
      );
      expect(get(linkedService.inputs, "properties.authentication")).toBe("MSI");
      expect(get(linkedService.inputs, "properties.dataSecurityMode")).toBe("SINGLE_USER");
      expect(get(linkedService.inputs, "properties.credential.type")).toBe("CredentialReference");
      const credentialName = get(linkedService.inputs, "properties.credential.referenceName");
      const credential = one(
        "azure-native:datafactory:CredentialOperation",
        (r) => get(r.inputs, "credentialName") === credentialName,
      );
      expect(get(credential.inputs, "properties.type")).toBe("ManagedIdentity");
      const identityId = get(credential.inputs, "properties.resourceId");
      const identity = one("azure-native:managedidentity:UserAssignedIdentity", (r) => r.id === identityId);
      const factory = one(T.factory);
      expect(get(factory.inputs, "identity.type")).toBe("SystemAssigned,UserAssigned");
      expect(Object.keys(get(factory.inputs, "identity.userAssignedIdentities") as object)).toEqual([
        identity.id,
      ]);
      const clientId = `client:${identity.name}`; // the mocks' client id of that identity
      const principal = one(
        "databricks:index/servicePrincipal:ServicePrincipal",
        (r) => get(r.inputs, "applicationId") === clientId,
      );
      return String(get(principal.inputs, "applicationId"));
    }

    it("runs Data Factory's single-user Databricks clusters as a principal registered in the workspace, under the job's policy", () => {
      const linkedService = one(
        T.linkedService,
        (r) => get(r.inputs, "properties.type") === "AzureDatabricks",
      );
      const principal = factoryClusterPrincipal();
      expect(get(linkedService.inputs, "properties.policyId")).toBe(
        one("databricks:index/clusterPolicy:ClusterPolicy").id,
      );
      // Not the factory's system identity: that one is never registered in Databricks.
      expect(principal).not.toContain("c360-orchestration-factory");
      // The identity it authenticates with is the one given Contributor on the workspace (MSI auth).
      const identity = one("azure-native:managedidentity:UserAssignedIdentity");
      const contributors = ofType(resources(), T.roleAssignment)
        .filter((a) => String(get(a.inputs, "roleDefinitionId")).endsWith(ROLES.contributor))
        .map((a) => get(a.inputs, "principalId"));
      expect(contributors).toEqual([`principal:${identity.name}`]);
    });

    it("points every ADF notebook activity and every job task at a notebook that exists in notebooks/ and is uploaded", () => {
      const uploaded = new Set(
        ofType(resources(), "databricks:index/notebook:Notebook").map((n) => String(get(n.inputs, "path"))),
      );
      const job = one("databricks:index/job:Job");
      const jobPaths = (get(job.inputs, "tasks") as { notebookTask: { notebookPath: string } }[]).map(
        (t) => t.notebookTask.notebookPath,
      );
      const adfPaths = notebookPaths(loadAdfDefinitions(join(REPO_ROOT, "adf")).pipelines);
      expect(adfPaths.length).toBeGreaterThan(0);
      for (const path of [...adfPaths, ...jobPaths]) {
        expect(path.startsWith(`${NOTEBOOK_DIR}/`)).toBe(true);
        expect(existsSync(join(REPO_ROOT, "notebooks", `${path.slice(NOTEBOOK_DIR.length + 1)}.py`))).toBe(
          true,
        );
        expect(uploaded.has(path)).toBe(true);
      }
    });

    it("has Key Vault, the action group to the configured recipients and the seeds' alerts", () => {
      one(T.vault);
      const group = one("azure-native:monitor:ActionGroup");
      expect(
        (get(group.inputs, "emailReceivers") as { emailAddress: string }[]).map((r) => r.emailAddress),
      ).toEqual(getPlan().config.alertEmails);
      const rules = ofType(resources(), "azure-native:monitor:ScheduledQueryRule");
      const byName = (suffix: string) =>
        rules.find((r) => String(get(r.inputs, "ruleName")).endsWith(suffix));
      const criterion = (suffix: string) =>
        get(byName(suffix)?.inputs, "criteria.allOf.0") as Record<string, unknown>;
      expect(criterion("data-quality")).toMatchObject({
        operator: "LessThan",
        threshold: THRESHOLDS.dataQualityScoreMin,
      });
      expect(String(criterion("data-quality").query)).toContain(CUSTOM_METRICS.dataQualityScore);
      expect(criterion("data-quality-batch")).toMatchObject({
        operator: "LessThan",
        threshold: THRESHOLDS.dataQualityScoreMin,
        timeAggregation: "Minimum",
        metricMeasureColumn: "score",
      });
      expect(String(criterion("data-quality-batch").query)).toBe(batchDataQualityQuery());
      expect(get(byName("data-quality-batch")?.inputs, "scopes")).toEqual([
        one("azure-native:operationalinsights:Workspace").id,
      ]);
      expect(criterion("processing-latency")).toMatchObject({ operator: "GreaterThan", threshold: 10 });
      expect(criterion("data-freshness")).toMatchObject({ operator: "GreaterThan", threshold: 3600 });
      expect(String(criterion("function-failures").query)).toContain(
        String(get(one(T.webApp).inputs, "name")),
      );
      for (const rule of rules) expect(get(rule.inputs, "actions.actionGroups")).toEqual([group.id]);
      // ARM accepts a log-alert condition only with a valid aggregation and, unless it counts rows,
      // the measure column it aggregates.
      for (const rule of rules) {
        const conditions = get(rule.inputs, "criteria.allOf") as Record<string, unknown>[];
        for (const condition of conditions)
          expect([get(rule.inputs, "ruleName"), logAlertConditionProblems(condition)]).toEqual([
            get(rule.inputs, "ruleName"),
            [],
          ]);
      }
      expect(criterion("function-failures")).toMatchObject({
        timeAggregation: "Total",
        metricMeasureColumn: "failures",
        operator: "GreaterThan",
        threshold: 0,
      });
      // Stuck partition / consumer lag: received minus read on the namespace, from the metrics its
      // diagnostic setting sends to the workspace the rule queries.
      const backlog = byName("eventhubs-consumer-backlog");
      const workspace = one("azure-native:operationalinsights:Workspace");
      const namespace = one(T.namespace);
      expect(get(backlog?.inputs, "scopes")).toEqual([workspace.id]);
      expect(criterion("eventhubs-consumer-backlog")).toMatchObject({
        timeAggregation: "Total",
        metricMeasureColumn: "backlog",
        operator: "GreaterThan",
        threshold: THRESHOLDS.consumerBacklogMessagesMax,
      });
      const backlogQuery = String(criterion("eventhubs-consumer-backlog").query);
      expect(backlogQuery).toContain(`Resource =~ "${String(get(namespace.inputs, "namespaceName"))}"`);
      expect(backlogQuery).toMatch(
        /IncomingMessages[\s\S]*OutgoingMessages[\s\S]*backlog = incoming - outgoing/,
      );
      const namespaceDiagnostics = ofType(resources(), T.diagnostic).find(
        (d) => get(d.inputs, "resourceUri") === namespace.id,
      );
      expect(get(namespaceDiagnostics?.inputs, "workspaceId")).toBe(workspace.id);
      expect(get(namespaceDiagnostics?.inputs, "metrics")).toEqual([
        { category: "AllMetrics", enabled: true },
      ]);
      const metricAlert = one("azure-native:monitor:MetricAlert");
      expect(get(metricAlert.inputs, "scopes")).toEqual([one(T.factory).id]);
      expect(get(metricAlert.inputs, "criteria.allOf.0.metricName")).toBe("PipelineFailedRuns");
    });
  });

  describe(`${stack}: offline plan output`, () => {
    it("groups every resource under its component and shows key settings and the baseline verdict", () => {
      const groups = groupByComponent(resources());
      expect(groups.get("(stack)")?.map((r) => r.type)).toEqual(["azure-native:resources:ResourceGroup"]);
      expect(groups.get("c360:lake:Lake c360-lake")?.map((r) => r.name)).toContain("c360-lake-account");
      const grouped = [...groups.values()].reduce((n, members) => n + members.length, 0);
      expect(grouped).toBe(resources().filter((r) => r.custom).length);
      const text = formatPlan(getPlan());
      expect(text).toContain(`stack ${stack}: ${resources().filter((r) => r.custom).length} resources`);
      expect(text).toMatch(/c360:streaming:Streaming c360-streaming {2}\(\d+\)/);
      expect(text).toContain("isHnsEnabled=true");
      expect(text).toContain("security baseline (BASELINE.md): every rule holds");
      expect(text).toContain(`functionBaseUrl: "https://func-c360-${stack}-`);
    });

    it("exits 0 when every rule holds and 1 when the baseline reports a violation (text and JSON)", () => {
      expect(renderPlan(getPlan(), { json: false }).exitCode).toBe(0);
      const broken = structuredClone(resources());
      const target = BREAKERS["cosmos-local-auth"](broken);
      for (const json of [false, true]) {
        const rendered = renderPlan({ ...getPlan(), resources: broken }, { json });
        expect(rendered.exitCode).toBe(1);
        expect(rendered.output).toContain(target);
        expect(rendered.output).toContain("cosmos-local-auth");
      }
    });

    it("parses its arguments with commander: --stack is required, unknown options are errors", () => {
      const parse = (argv: string[]) =>
        planCommand()
          .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
          .parse(argv, { from: "user" });
      expect(parse(["--stack", stack, "--json"]).opts()).toEqual({ stack, json: true });
      expect(() => parse([])).toThrow(/required option '--stack <name>' not specified/);
      expect(() => parse(["--stack", stack, "--jsn"])).toThrow(/unknown option '--jsn'/);
    });
  });

  describe(`${stack}: ARM template export (infra:plan --arm, scanned by Checkov)`, () => {
    it("exports every Azure resource once, in ARM's wire format, with ARM ids instead of mock ids", () => {
      const template = toArmTemplate(stack, resources());
      const azure = resources().filter((r) => r.custom && r.type.startsWith("azure-native:"));
      const notExported = template.metadata.notExported.reduce((n, e) => n + e.count, 0);
      expect(template.resources.length + notExported).toBe(resources().filter((r) => r.custom).length);
      expect(template.resources.length).toBe(
        azure.length -
          azure.filter((r) =>
            /(ResourceGroup|datafactory:(LinkedService|Dataset|Pipeline|Trigger|CredentialOperation))$/.test(
              r.type,
            ),
          ).length,
      );
      const text = JSON.stringify(template);
      expect(text).not.toContain("/mock/");
      for (const r of template.resources) expect(r.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
      // Storage: azure-native's enableHttpsTrafficOnly/networkRuleSet are ARM's supportsHttpsTrafficOnly/networkAcls.
      const lakeName = String(get(one(T.storage, storageOf("lake")).inputs, "accountName"));
      const lake = template.resources.find(
        (r) => r.type === "Microsoft.Storage/storageAccounts" && r.name === lakeName,
      );
      expect(lake).toMatchObject({
        sku: { name: stack === "prod" ? "Standard_ZRS" : "Standard_LRS" },
        properties: { supportsHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", isHnsEnabled: true },
      });
      expect(get(lake, "properties.networkAcls.bypass")).toBe("AzureServices");
      expect(get(lake, "properties.enableHttpsTrafficOnly")).toBeUndefined();
      const appName = String(get(one(T.webApp).inputs, "name"));
      expect(template.resources.find((r) => r.name === `${appName}/scm`)).toMatchObject({
        type: "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
        properties: { allow: false },
      });
      const container = template.resources.find((r) => r.name === `${lakeName}/default/gold`);
      expect(container?.type).toBe("Microsoft.Storage/storageAccounts/blobServices/containers");
      const grant = template.resources.find(
        (r) =>
          r.type === "Microsoft.Authorization/roleAssignments" &&
          String(r.scope).endsWith("/containers/gold"),
      );
      expect(grant?.scope).toBe(
        `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${String(getPlan().outputs.resourceGroupName)}/providers/Microsoft.Storage/storageAccounts/${lakeName}/blobServices/default/containers/gold`,
      );
      expect(grant?.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      const vault = template.resources.find((r) => r.type === "Microsoft.KeyVault/vaults");
      expect(get(vault, "properties.enablePurgeProtection")).toBe(true);
    });
  });

  describe(`${stack}: regions`, () => {
    it("sets the stack's region on every resource whose SDK arguments take a location", () => {
      // Cosmos DB databases and containers take an optional location that must equal the account's.
      const inherit = new Set([
        "azure-native:cosmosdb:SqlResourceSqlDatabase",
        "azure-native:cosmosdb:SqlResourceSqlContainer",
      ]);
      const global = new Set(["Global", "global"]);
      const missing: string[] = [];
      for (const r of resources()) {
        const m = /^azure-native:(\w+):(\w+)$/.exec(r.type);
        if (!m || inherit.has(r.type)) continue;
        const file = join(
          REPO_ROOT,
          "node_modules/@pulumi/azure-native",
          m[1],
          `${m[2][0].toLowerCase()}${m[2].slice(1)}.d.ts`,
        );
        const args = readFileSync(file, "utf8").split(/export interface \w+Args \{/)[1] ?? "";
        if (!/\n\s+location\?:/.test(args)) continue;
        const location = get(r.inputs, "location");
        if (location !== getPlan().config.location && !global.has(String(location)))
          missing.push(`${r.name}: ${String(location)}`);
      }
      expect(missing).toEqual([]);
    });
  });

  describe(`${stack}: arguments Azure requires`, () => {
    it("sets every argument the SDK documents as required on create (e.g. the workspace's computeMode)", () => {
      const missing: string[] = [];
      for (const r of resources()) {
        const m = /^azure-native:(\w+):(\w+)$/.exec(r.type);
        if (!m) continue;
        const file = join(
          REPO_ROOT,
          "node_modules/@pulumi/azure-native",
          m[1],
          `${m[2][0].toLowerCase()}${m[2].slice(1)}.d.ts`,
        );
        const args = readFileSync(file, "utf8").split(/export interface \w+Args \{/)[1] ?? "";
        for (const [, key] of args.matchAll(
          /\/\*\*(?:(?!\*\/)[\s\S])*Required on create(?:(?!\*\/)[\s\S])*\*\/\s+(\w+)\?:/g,
        ))
          if (get(r.inputs, key) === undefined) missing.push(`${r.name}.${key}`);
      }
      expect(missing).toEqual([]);
      expect(get(one(T.databricks).inputs, "computeMode")).toBe("Hybrid");
    });
  });

  describe(`${stack}: security baseline`, () => {
    it("holds every rule of BASELINE.md on every resource it applies to", () => {
      expect(checkBaseline(resources(), ctx())).toEqual([]);
    });

    it.each(BASELINE_RULES.map((r) => [r.id, r] as const))(
      "rule %s fails on a deliberately broken resource",
      (ruleId, rule) => {
        const breaker = BREAKERS[ruleId];
        expect(breaker).toBeDefined();
        const broken = structuredClone(resources());
        const target = breaker(broken);
        const violations = rule.check(broken, { privateNetworking: true });
        expect(violations.map((v) => v.resource)).toContain(target);
        expect(rule.check(resources(), ctx())).toEqual([]);
      },
    );

    it.each(BLIND_SPOTS.filter((b) => b.stacks.includes(stack)).map((b) => [b.label, b] as const))(
      "catches %s",
      (_label, spot) => {
        const broken = structuredClone(resources());
        const target = spot.breaker(broken);
        const caught = checkBaseline(broken, ctx()).filter((v) => v.rule === spot.rule);
        expect(caught.map((v) => v.resource)).toContain(target);
      },
    );

    it("fails the private-networking rule on this graph whenever private networking is required but absent", () => {
      const violations =
        BASELINE_RULES.find((r) => r.id === "private-networking")?.check(resources(), {
          privateNetworking: true,
        }) ?? [];
      expect(violations.length === 0).toBe(stack === "prod");
    });
  });

  describe(`${stack}: wiring`, () => {
    it("gives the Function App the namespace, account and lake it was given, under the names the functions read", () => {
      const app = one(T.webApp);
      const settings = appSettings(app);
      const namespace = one(T.namespace);
      const cosmos = one(T.cosmos);
      const lake = one(T.storage, storageOf("lake"));
      const host = one(T.storage, storageOf("functions-host"));
      expect(settings.get(SETTINGS.eventHubsNamespace)).toBe(
        `${get(namespace.inputs, "namespaceName")}.servicebus.windows.net`,
      );
      expect(settings.get(SETTINGS.cosmosEndpoint)).toBe(
        `https://${get(cosmos.inputs, "accountName")}.documents.azure.com:443/`,
      );
      expect(settings.get(SETTINGS.cosmosDatabase)).toBe("c360");
      expect(settings.get(SETTINGS.cosmosContainer)).toBe("profiles");
      expect(settings.get(SETTINGS.lakeUri)).toBe(
        `https://${get(lake.inputs, "accountName")}.blob.core.windows.net`,
      );
      expect(settings.get(SETTINGS.consumerGroup)).toBe("functions");
      expect(settings.get("AzureWebJobsStorage__accountName")).toBe(get(host.inputs, "accountName"));
      for (const keyed of [
        SETTINGS.cosmosKey,
        SETTINGS.eventHubsConnection,
        SETTINGS.lakeConnection,
        "AzureWebJobsStorage",
      ])
        expect(settings.has(keyed)).toBe(false);
    });

    it("assigns exactly the least-privilege roles between the right principals and scopes", () => {
      const principal = (type: string, name: string) => `principal:${name}`;
      const func = principal(T.webApp, "c360-functions-app");
      const adf = principal(T.factory, "c360-orchestration-factory");
      const connector = principal(T.accessConnector, "c360-analytics-access-connector");
      const namespace = principal(T.namespace, "c360-streaming-namespace");
      const adfDatabricksRunner = principal(
        "azure-native:managedidentity:UserAssignedIdentity",
        "c360-analytics-factory-runner-identity",
      );
      const hubs = ofType(resources(), "azure-native:eventhub:EventHub").filter(
        (h) => get(h.inputs, "eventHubName") !== "profile-changes",
      );
      const expected = [
        ...["landing", "quarantine", "control"].map((zone) =>
          expectedGrant(func, "storageBlobDataContributor", id(T.container, `c360-lake-${zone}`)),
        ),
        // the traits sync: reads gold's export, publishes profile changes; ADF enqueues its start
        expectedGrant(func, "storageBlobDataReader", id(T.container, "c360-lake-gold")),
        expectedGrant(
          func,
          "eventHubsDataSender",
          id("azure-native:eventhub:EventHub", "c360-streaming-profile-changes"),
        ),
        expectedGrant(
          adf,
          "storageQueueDataMessageSender",
          id("azure-native:storage:Queue", "c360-functions-traits-sync"),
        ),
        ...(
          ["storageBlobDataOwner", "storageQueueDataContributor", "storageTableDataContributor"] as const
        ).map((role) => expectedGrant(func, role, id(T.storage, "c360-functions-storage"))),
        ...hubs.flatMap((hub) => [
          expectedGrant(func, "eventHubsDataReceiver", hub.id),
          expectedGrant(func, "eventHubsDataSender", hub.id),
        ]),
        expectedGrant(func, "monitoringMetricsPublisher", id(T.appInsights, "c360-monitoring-appi")),
        expectedGrant(adf, "storageBlobDataReader", id(T.container, "c360-lake-gold")),
        expectedGrant(adf, "storageBlobDataContributor", id(T.container, "c360-lake-control")),
        // Only the identity the factory's Databricks linked service authenticates with talks to Databricks.
        expectedGrant(adfDatabricksRunner, "contributor", id(T.databricks, "c360-analytics-workspace")),
        expectedGrant(connector, "storageBlobDataContributor", id(T.storage, "c360-lake-account")),
        expectedGrant(namespace, "storageBlobDataContributor", id(T.container, "c360-lake-landing")),
      ].sort();
      const actual = ofType(resources(), T.roleAssignment)
        .map(
          (a) =>
            `${get(a.inputs, "principalId")} ${String(get(a.inputs, "roleDefinitionId")).split("/").pop()} ${get(a.inputs, "scope")}`,
        )
        .sort();
      expect(actual).toEqual(expected);

      const cosmosRoles = ofType(resources(), T.cosmosRole);
      expect(cosmosRoles).toHaveLength(1);
      const cosmosId = id(T.cosmos, "c360-profiles-account");
      expect(cosmosRoles[0].inputs).toMatchObject({
        principalId: func,
        roleDefinitionId: `${cosmosId}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
        scope: `${cosmosId}/dbs/c360`,
      });
    });

    it("grants Data Factory exactly the lake containers its pipelines read and write, and no Key Vault access", () => {
      const definitions = loadAdfDefinitions(join(REPO_ROOT, "adf"));
      // No linked service (or anything referencing one) uses Key Vault, so the factory needs no vault role.
      const adfText = JSON.stringify(definitions);
      expect(adfText).not.toMatch(/AzureKeyVault/);
      const pipelines = JSON.stringify(definitions.pipelines);
      // Containers read: the `zone` of every Ds_Lake_Folder reference; written: `<endpoint>, '<zone>/...'` URLs.
      const read = [...pipelines.matchAll(/"zone":"([a-z]+)"/g)].map((m) => m[1]);
      const written = [...pipelines.matchAll(/globalParameters\.lakeBlobEndpoint, '([a-z]+)\//g)].map(
        (m) => m[1],
      );
      expect(read.length).toBeGreaterThan(0);
      expect(written.length).toBeGreaterThan(0);
      const adf = "principal:c360-orchestration-factory";
      const grants = ofType(resources(), T.roleAssignment)
        .filter((a) => get(a.inputs, "principalId") === adf)
        .map((a) => ({
          role: String(get(a.inputs, "roleDefinitionId")).split("/").pop(),
          scope: String(get(a.inputs, "scope")),
        }));
      const containersWith = (role: RoleName) =>
        grants
          .filter((g) => g.role === ROLES[role])
          .map((g) => g.scope.replace(/^.*\/c360-lake-/, ""))
          .sort();
      expect(containersWith("storageBlobDataReader")).toEqual([...new Set(read)].sort());
      expect(containersWith("storageBlobDataContributor")).toEqual([...new Set(written)].sort());
      const vault = one(T.vault);
      expect(grants.filter((g) => g.scope === vault.id)).toEqual([]);
    });

    it("derives every global name from the deploying subscription (getClientConfig), not from the config alone", () => {
      const cfg = getPlan().config;
      const suffix = nameSuffix(cfg, MOCK_SUBSCRIPTION_ID);
      const expected: [string, string, string][] = [
        [T.storage, "accountName", compactName(cfg, suffix, "st", "dl")],
        [T.vault, "vaultName", compactName(cfg, suffix, "kv")],
        [T.cosmos, "accountName", dashedName(cfg, suffix, "cosmos")],
        [T.namespace, "namespaceName", dashedName(cfg, suffix, "evhns")],
        [T.factory, "factoryName", dashedName(cfg, suffix, "adf")],
        [T.webApp, "name", dashedName(cfg, suffix, "func")],
      ];
      for (const [type, key, name] of expected)
        expect(ofType(resources(), type).map((r) => get(r.inputs, key))).toContain(name);
      expect(get(one(T.storage, storageOf("functions-host")).inputs, "accountName")).toBe(
        compactName(cfg, suffix, "st", "fn"),
      );
    });

    it("exports the endpoints and names a user needs", () => {
      const outputs = getPlan().outputs;
      const app = one(T.webApp);
      expect(outputs.functionBaseUrl).toBe(`https://${get(app.inputs, "name")}.azurewebsites.net/api`);
      expect(outputs.dataFactoryName).toBe(get(one(T.factory).inputs, "factoryName"));
      expect(outputs.databricksWorkspaceUrl).toMatch(/^https:\/\/adb-\d+\.\d+\.azuredatabricks\.net$/);
      expect(outputs.eventHubsNamespace).toBe(
        `${get(one(T.namespace).inputs, "namespaceName")}.servicebus.windows.net`,
      );
      expect(outputs.cosmosEndpoint).toBe(
        `https://${get(one(T.cosmos).inputs, "accountName")}.documents.azure.com:443/`,
      );
      expect(String(outputs.resourceGroupName)).toMatch(new RegExp(`^rg-c360-${stack}-[a-z0-9]{4}$`));
    });
  });
}
