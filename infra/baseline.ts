/**
 * The security baseline of ../shared/BASELINE.md as rules over a recorded resource graph (the
 * inputs each resource was registered with, as the Pulumi mocks see them). Each rule returns
 * its violations, naming the resource; a rule that finds nothing to check is itself a
 * violation, so a renamed or dropped resource cannot make a rule pass vacuously.
 */
import {
  ACCESS_PROPERTY,
  CATALOG_PRIVILEGES,
  READER_PRIVILEGES,
  READERS_PROPERTY,
} from "./components/unity-catalog";
import type { RecordedResource } from "./mocks";
import { COSMOS_DATA_CONTRIBUTOR, ROLES } from "./shared";

export interface BaselineContext {
  privateNetworking: boolean;
}

export interface Violation {
  rule: string;
  resource: string;
  message: string;
}

export interface BaselineRule {
  id: string;
  /** BASELINE.md row / external rule id. */
  source: string;
  check(resources: readonly RecordedResource[], ctx: BaselineContext): Violation[];
}

const T = {
  storage: "azure-native:storage:StorageAccount",
  blobService: "azure-native:storage:BlobServiceProperties",
  container: "azure-native:storage:BlobContainer",
  namespace: "azure-native:eventhub:Namespace",
  cosmos: "azure-native:cosmosdb:DatabaseAccount",
  cosmosRole: "azure-native:cosmosdb:SqlResourceSqlRoleAssignment",
  webApp: "azure-native:web:WebApp",
  plan: "azure-native:web:AppServicePlan",
  appInsights: "azure-native:applicationinsights:Component",
  vault: "azure-native:keyvault:Vault",
  factory: "azure-native:datafactory:Factory",
  linkedService: "azure-native:datafactory:LinkedService",
  databricks: "azure-native:databricks:Workspace",
  accessConnector: "azure-native:databricks:AccessConnector",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  diagnostic: "azure-native:monitor:DiagnosticSetting",
  scmBasicAuth: "azure-native:web:WebAppScmAllowed",
  ftpBasicAuth: "azure-native:web:WebAppFtpAllowed",
  ucSchema: "databricks:index/schema:Schema",
  ucGrants: "databricks:index/grants:Grants",
} as const;

export const RESOURCE_TYPES = T;

export function get(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => {
    if (Array.isArray(v)) return v[Number(key)];
    if (typeof v === "object" && v !== null) return (v as Record<string, unknown>)[key];
    return undefined;
  }, value);
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function storageRole(r: RecordedResource): unknown {
  return get(r.inputs, "tags.c360-role");
}

export function appSettings(app: RecordedResource): Map<string, string> {
  const list = get(app.inputs, "siteConfig.appSettings");
  const map = new Map<string, string>();
  if (Array.isArray(list)) {
    for (const item of list) {
      const name = get(item, "name");
      const value = get(item, "value");
      if (typeof name === "string") map.set(name, typeof value === "string" ? value : JSON.stringify(value));
    }
  }
  return map;
}

/** Builds a rule from per-resource expectations: `[path, expected]` pairs or predicates. */
function propertyRule(
  id: string,
  source: string,
  select: (resources: readonly RecordedResource[], ctx: BaselineContext) => RecordedResource[],
  expectations: [string, unknown][],
): BaselineRule {
  return {
    id,
    source,
    check(resources, ctx) {
      const targets = select(resources, ctx);
      if (targets.length === 0) return [{ rule: id, resource: "(graph)", message: "no resource to check" }];
      return targets.flatMap((r) =>
        expectations
          .filter(([path, expected]) => get(r.inputs, path) !== expected)
          .map(([path, expected]) => ({
            rule: id,
            resource: r.name,
            message: `${path} is ${JSON.stringify(get(r.inputs, path))}, expected ${JSON.stringify(expected)}`,
          })),
      );
    },
  };
}

function violation(rule: string, resource: string, message: string): Violation {
  return { rule, resource, message };
}

/** Data services that take `publicNetworkAccess: "Disabled"` plus private endpoints in private stacks. */
function privateDataServices(resources: readonly RecordedResource[]): RecordedResource[] {
  return resources.filter(
    (r) =>
      (r.type === T.storage && storageRole(r) !== "lake") ||
      r.type === T.namespace ||
      r.type === T.cosmos ||
      r.type === T.vault,
  );
}

const SECRET_MARKERS = /AccountKey=|SharedAccessKey=|SharedAccessSignature|sig=|password|;Key=/i;

export const BASELINE_RULES: readonly BaselineRule[] = [
  propertyRule(
    "lake-hns",
    "ADLS Gen2",
    (rs) => ofType(rs, T.storage).filter((r) => storageRole(r) === "lake"),
    [["isHnsEnabled", true]],
  ),
  propertyRule("storage-no-public-blob", "CKV_AZURE_190", (rs) => ofType(rs, T.storage), [
    ["allowBlobPublicAccess", false],
  ]),
  propertyRule(
    "storage-no-shared-key",
    "PSRule Azure.Storage.LocalAuth, MCSB IM-1",
    (rs) => ofType(rs, T.storage),
    [["allowSharedKeyAccess", false]],
  ),
  propertyRule("storage-tls-https", "CKV_AZURE_44, CKV_AZURE_3", (rs) => ofType(rs, T.storage), [
    ["minimumTlsVersion", "TLS1_2"],
    ["enableHttpsTrafficOnly", true],
  ]),
  propertyRule("storage-container-private", "CKV_AZURE_34", (rs) => ofType(rs, T.container), [
    ["publicAccess", "None"],
  ]),
  {
    id: "storage-network-deny",
    source: "CKV_AZURE_35/36",
    check(resources, ctx) {
      const accounts = ofType(resources, T.storage);
      if (accounts.length === 0) return [violation("storage-network-deny", "(graph)", "no storage account")];
      return accounts.flatMap((r) => {
        const out: Violation[] = [];
        if (get(r.inputs, "networkRuleSet.bypass") !== "AzureServices")
          out.push(violation("storage-network-deny", r.name, "networkRuleSet.bypass is not AzureServices"));
        if (ctx.privateNetworking && get(r.inputs, "networkRuleSet.defaultAction") !== "Deny")
          out.push(
            violation(
              "storage-network-deny",
              r.name,
              "networkRuleSet.defaultAction is not Deny with private networking on",
            ),
          );
        return out;
      });
    },
  },
  {
    id: "lake-soft-delete",
    source: "CKV2_AZURE_38",
    check(resources) {
      const lake = ofType(resources, T.storage).filter((r) => storageRole(r) === "lake");
      if (lake.length === 0) return [violation("lake-soft-delete", "(graph)", "no lake account")];
      return lake.flatMap((account) => {
        const service = ofType(resources, T.blobService).find(
          (s) => get(s.inputs, "accountName") === get(account.inputs, "accountName"),
        );
        if (!service) return [violation("lake-soft-delete", account.name, "no blob service properties")];
        return ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"].flatMap((policy) => {
          const days = get(service.inputs, `${policy}.days`);
          return get(service.inputs, `${policy}.enabled`) === true && typeof days === "number" && days >= 1
            ? []
            : [violation("lake-soft-delete", service.name, `${policy} is not enabled with a retention`)];
        });
      });
    },
  },
  {
    id: "functions-separate-storage",
    source: "Event Hubs checkpoint-store guidance",
    check(resources) {
      const host = ofType(resources, T.storage).filter((r) => storageRole(r) === "functions-host");
      const apps = ofType(resources, T.webApp);
      if (host.length !== 1 || apps.length === 0)
        return [
          violation(
            "functions-separate-storage",
            "(graph)",
            "expected one functions-host account and a Function App",
          ),
        ];
      const out: Violation[] = [];
      if (get(host[0].inputs, "isHnsEnabled") !== false)
        out.push(violation("functions-separate-storage", host[0].name, "host storage has HNS enabled"));
      for (const app of apps) {
        if (appSettings(app).get("AzureWebJobsStorage__accountName") !== get(host[0].inputs, "accountName"))
          out.push(
            violation(
              "functions-separate-storage",
              app.name,
              "AzureWebJobsStorage__accountName is not the host storage account",
            ),
          );
      }
      return out;
    },
  },
  propertyRule(
    "eventhubs-local-auth-tls",
    "PSRule Azure.EventHub.DisableLocalAuth/MinTLS, CKV_AZURE_223",
    (rs) => ofType(rs, T.namespace),
    [
      ["disableLocalAuth", true],
      ["minimumTlsVersion", "1.2"],
    ],
  ),
  propertyRule("cosmos-local-auth", "CKV_AZURE_140, CKV_AZURE_132", (rs) => ofType(rs, T.cosmos), [
    ["disableLocalAuth", true],
    ["disableKeyBasedMetadataWriteAccess", true],
  ]),
  propertyRule("cosmos-min-tls", "PSRule Azure.Cosmos.MinTLS", (rs) => ofType(rs, T.cosmos), [
    ["minimalTlsVersion", "Tls12"],
  ]),
  propertyRule(
    "cosmos-continuous-backup",
    "PSRule Azure.Cosmos.ContinuousBackup",
    (rs) => ofType(rs, T.cosmos),
    [["backupPolicy.type", "Continuous"]],
  ),
  {
    id: "cosmos-data-plane-role",
    source: "identity instead of keys",
    check(resources) {
      const apps = ofType(resources, T.webApp);
      const assignments = ofType(resources, T.cosmosRole);
      if (apps.length === 0) return [violation("cosmos-data-plane-role", "(graph)", "no Function App")];
      const out = apps.flatMap((app) => {
        const principal = `principal:${app.name}`;
        const ok = assignments.some(
          (a) =>
            get(a.inputs, "principalId") === principal &&
            String(get(a.inputs, "roleDefinitionId")).endsWith(
              `/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
            ),
        );
        return ok
          ? []
          : [
              violation(
                "cosmos-data-plane-role",
                app.name,
                "no Cosmos DB Built-in Data Contributor assignment for the app identity",
              ),
            ];
      });
      // Data-plane grants stop at a database (or a container below it), never the whole account.
      const accountIds = new Set(ofType(resources, T.cosmos).map((c) => c.id));
      for (const a of assignments) {
        const scope = String(get(a.inputs, "scope") ?? "");
        const account = [...accountIds].find((id) => scope.startsWith(id));
        const below = account === undefined ? "" : scope.slice(account.length);
        if (!/^\/dbs\/[^/]+(\/colls\/[^/]+)?$/.test(below))
          out.push(
            violation(
              "cosmos-data-plane-role",
              a.name,
              `scope ${scope || "(empty)"} is not a database or container of a Cosmos DB account in the graph`,
            ),
          );
      }
      return out;
    },
  },
  {
    id: "function-app-hardening",
    source: "CKV_AZURE_70/145/78/71/62/72",
    check(resources) {
      const apps = ofType(resources, T.webApp);
      if (apps.length === 0) return [violation("function-app-hardening", "(graph)", "no Function App")];
      return apps.flatMap((app) => {
        const out: string[] = [];
        if (get(app.inputs, "httpsOnly") !== true) out.push("httpsOnly is not true");
        if (get(app.inputs, "siteConfig.minTlsVersion") !== "1.2")
          out.push("siteConfig.minTlsVersion is not 1.2");
        if (get(app.inputs, "siteConfig.scmMinTlsVersion") !== "1.2")
          out.push("siteConfig.scmMinTlsVersion is not 1.2");
        if (get(app.inputs, "siteConfig.ftpsState") !== "Disabled")
          out.push("siteConfig.ftpsState is not Disabled");
        if (get(app.inputs, "siteConfig.remoteDebuggingEnabled") !== false)
          out.push("remote debugging is not off");
        if (!String(get(app.inputs, "identity.type") ?? "").includes("SystemAssigned"))
          out.push("no system-assigned identity");
        const origins = get(app.inputs, "siteConfig.cors.allowedOrigins");
        if (Array.isArray(origins) && origins.includes("*")) out.push("CORS allows *");
        return out.map((m) => violation("function-app-hardening", app.name, m));
      });
    },
  },
  {
    id: "function-app-basic-auth-off",
    source: "MCSB IM-1, PSRule Azure.AppService.DisableLocalAuth (SCM/FTP basic-auth publishing off)",
    check(resources) {
      const apps = ofType(resources, T.webApp);
      if (apps.length === 0) return [violation("function-app-basic-auth-off", "(graph)", "no Function App")];
      return apps.flatMap((app) =>
        [T.scmBasicAuth, T.ftpBasicAuth].flatMap((type) => {
          const policies = ofType(resources, type).filter(
            (p) => get(p.inputs, "name") === get(app.inputs, "name"),
          );
          const kind = type === T.scmBasicAuth ? "SCM" : "FTP";
          if (policies.length === 0)
            return [violation("function-app-basic-auth-off", app.name, `no ${kind} basic-auth policy`)];
          return policies
            .filter((p) => get(p.inputs, "allow") !== false)
            .map((p) =>
              violation("function-app-basic-auth-off", p.name, `${kind} basic-auth publishing is allowed`),
            );
        }),
      );
    },
  },
  {
    id: "function-app-identity-settings",
    source: "no secrets in settings",
    check(resources) {
      const apps = ofType(resources, T.webApp);
      if (apps.length === 0)
        return [violation("function-app-identity-settings", "(graph)", "no Function App")];
      return apps.flatMap((app) => {
        const settings = appSettings(app);
        const out: string[] = [];
        for (const name of [
          "EventHubs__fullyQualifiedNamespace",
          "AzureWebJobsStorage__accountName",
          "CosmosDb__accountEndpoint",
          "Lake__blobServiceUri",
        ]) {
          if (!settings.get(name)) out.push(`${name} is missing`);
        }
        for (const name of ["AzureWebJobsStorage", "EventHubs", "Lake", "CosmosDb__key"]) {
          if (settings.has(name)) out.push(`${name} (key or connection string) is set`);
        }
        for (const [name, value] of settings) {
          if (SECRET_MARKERS.test(value)) out.push(`${name} carries a key or connection string`);
        }
        return out.map((m) => violation("function-app-identity-settings", app.name, m));
      });
    },
  },
  {
    id: "function-flex-consumption",
    source: "Flex Consumption with identity-authenticated deployment storage",
    check(resources) {
      const plans = ofType(resources, T.plan);
      const apps = ofType(resources, T.webApp);
      if (plans.length === 0 || apps.length === 0)
        return [violation("function-flex-consumption", "(graph)", "no plan or app")];
      const out: Violation[] = [];
      for (const plan of plans) {
        if (get(plan.inputs, "sku.name") !== "FC1" || get(plan.inputs, "sku.tier") !== "FlexConsumption")
          out.push(violation("function-flex-consumption", plan.name, "plan is not FC1/FlexConsumption"));
      }
      for (const app of apps) {
        if (
          get(app.inputs, "functionAppConfig.deployment.storage.authentication.type") !==
          "SystemAssignedIdentity"
        )
          out.push(
            violation(
              "function-flex-consumption",
              app.name,
              "deployment storage is not identity-authenticated",
            ),
          );
      }
      return out;
    },
  },
  propertyRule("appinsights-aad-only", "AAD-authenticated ingestion", (rs) => ofType(rs, T.appInsights), [
    ["disableLocalAuth", true],
  ]),
  propertyRule(
    "keyvault-rbac-soft-delete-purge",
    "PSRule Azure.KeyVault.RBAC, CKV_AZURE_110/111/42",
    (rs) => ofType(rs, T.vault),
    [
      ["properties.enableRbacAuthorization", true],
      ["properties.enableSoftDelete", true],
      ["properties.softDeleteRetentionInDays", 90],
      ["properties.enablePurgeProtection", true],
    ],
  ),
  {
    id: "datafactory-managed-identity",
    source:
      "Data Factory managed identities: linked services authenticate with the system identity, Databricks with MSI (a user-assigned identity's credential)",
    check(resources) {
      const factories = ofType(resources, T.factory);
      if (factories.length === 0)
        return [violation("datafactory-managed-identity", "(graph)", "no Data Factory")];
      const out: Violation[] = factories
        .filter((f) => !String(get(f.inputs, "identity.type") ?? "").includes("SystemAssigned"))
        .map((f) =>
          violation("datafactory-managed-identity", f.name, "factory has no system-assigned identity"),
        );
      for (const ls of ofType(resources, T.linkedService)) {
        const props = get(ls.inputs, "properties");
        for (const secretField of [
          "accountKey",
          "sasToken",
          "sasUri",
          "servicePrincipalKey",
          "servicePrincipalCredential",
          "accessToken",
          "connectionString",
          "encryptedCredential",
          "password",
        ]) {
          if (get(props, secretField) !== undefined)
            out.push(
              violation("datafactory-managed-identity", ls.name, `linked service sets ${secretField}`),
            );
        }
        if (get(props, "type") === "AzureDatabricks" && get(props, "authentication") !== "MSI")
          out.push(
            violation("datafactory-managed-identity", ls.name, "Databricks linked service does not use MSI"),
          );
      }
      return out;
    },
  },
  {
    id: "databricks-secure-connectivity",
    source: "PSRule Azure.Databricks.SecureConnectivity",
    check(resources) {
      const workspaces = ofType(resources, T.databricks);
      if (workspaces.length === 0)
        return [violation("databricks-secure-connectivity", "(graph)", "no Databricks workspace")];
      const connectors = ofType(resources, T.accessConnector);
      return workspaces.flatMap((w) => {
        const out: string[] = [];
        if (get(w.inputs, "parameters.enableNoPublicIp.value") !== true)
          out.push("enableNoPublicIp is not true");
        const connector = connectors.find((c) => c.id === get(w.inputs, "accessConnector.id"));
        if (!connector) out.push("no access connector attached");
        else if (get(connector.inputs, "identity.type") !== "SystemAssigned")
          out.push("access connector has no identity of its own");
        return out.map((m) => violation("databricks-secure-connectivity", w.name, m));
      });
    },
  },
  {
    id: "private-networking",
    source: "CKV_AZURE_59/101/104/158/189",
    check(resources, ctx) {
      if (!ctx.privateNetworking) return [];
      const endpoints = ofType(resources, T.privateEndpoint);
      const endpointGroups = (id: string): string[] =>
        endpoints
          .filter((e) => get(e.inputs, "privateLinkServiceConnections.0.privateLinkServiceId") === id)
          .flatMap((e) => {
            const groups = get(e.inputs, "privateLinkServiceConnections.0.groupIds");
            return Array.isArray(groups) ? groups.map(String) : [];
          });
      const services = privateDataServices(resources);
      if (services.length === 0) return [violation("private-networking", "(graph)", "no data service")];
      const out: Violation[] = [];
      for (const r of services) {
        const access =
          r.type === T.vault
            ? get(r.inputs, "properties.publicNetworkAccess")
            : get(r.inputs, "publicNetworkAccess");
        if (access !== "Disabled")
          out.push(
            violation("private-networking", r.name, `publicNetworkAccess is ${JSON.stringify(access)}`),
          );
        if (endpointGroups(r.id).length === 0)
          out.push(violation("private-networking", r.name, "no private endpoint"));
      }
      for (const vault of ofType(resources, T.vault)) {
        if (get(vault.inputs, "properties.networkAcls.defaultAction") !== "Deny")
          out.push(
            violation("private-networking", vault.name, "Key Vault network ACL does not deny by default"),
          );
      }
      // Documented exception: the lake stays firewalled (deny + trusted services) for Event Hubs capture.
      for (const lake of ofType(resources, T.storage).filter((r) => storageRole(r) === "lake")) {
        const groups = endpointGroups(lake.id);
        for (const group of ["blob", "dfs"])
          if (!groups.includes(group))
            out.push(violation("private-networking", lake.name, `no ${group} private endpoint`));
        if (get(lake.inputs, "networkRuleSet.defaultAction") !== "Deny")
          out.push(violation("private-networking", lake.name, "lake firewall is not deny-by-default"));
      }
      for (const app of ofType(resources, T.webApp)) {
        if (!get(app.inputs, "virtualNetworkSubnetId"))
          out.push(violation("private-networking", app.name, "Function App is not VNet-integrated"));
      }
      for (const w of ofType(resources, T.databricks)) {
        if (!get(w.inputs, "parameters.customVirtualNetworkId.value"))
          out.push(violation("private-networking", w.name, "workspace is not VNet-injected"));
      }
      return out;
    },
  },
  {
    id: "role-assignments-least-privilege",
    source: "least privilege, scoped to the resource",
    check(resources) {
      const assignments = ofType(resources, T.roleAssignment);
      if (assignments.length === 0)
        return [violation("role-assignments-least-privilege", "(graph)", "no role assignment")];
      const broad = new Set(["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"]); // Owner, User Access Administrator
      const workspaceIds = new Set(ofType(resources, T.databricks).map((w) => w.id));
      const accounts = ofType(resources, T.storage);
      const lakeIds = new Set(accounts.filter((r) => storageRole(r) === "lake").map((r) => r.id));
      const hostIds = new Set(accounts.filter((r) => storageRole(r) === "functions-host").map((r) => r.id));
      // The one identity granted data access to the whole lake: Unity Catalog's access connector.
      const connectorPrincipals = new Set(
        ofType(resources, T.accessConnector).map((c) => `principal:${c.name}`),
      );
      return assignments.flatMap((a) => {
        const out: string[] = [];
        const role =
          String(get(a.inputs, "roleDefinitionId") ?? "")
            .split("/")
            .pop() ?? "";
        const scope = String(get(a.inputs, "scope") ?? "");
        if (broad.has(role)) out.push("assigns Owner or User Access Administrator");
        // Contributor only where Data Factory's MSI needs it to run notebooks: on the Databricks workspace.
        if (role === ROLES.contributor && !workspaceIds.has(scope))
          out.push("Contributor outside a Databricks workspace");
        // Blob Data Owner (manages ACLs) only where the Functions host needs it: its own storage account.
        if (role === ROLES.storageBlobDataOwner && !hostIds.has(scope))
          out.push("Storage Blob Data Owner outside the functions host storage account");
        if (lakeIds.has(scope) && !connectorPrincipals.has(String(get(a.inputs, "principalId"))))
          out.push(
            "lake-wide grant to an identity other than the Databricks access connector (scope a container)",
          );
        if (/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i.test(scope) || scope === "")
          out.push(`scope ${scope || "(empty)"} is not a single resource`);
        if (get(a.inputs, "principalType") !== "ServicePrincipal")
          out.push("principalType is not ServicePrincipal");
        return out.map((m) => violation("role-assignments-least-privilege", a.name, m));
      });
    },
  },
  {
    id: "diagnostics-on-data-services",
    source: "diagnostics on",
    check(resources) {
      const monitored = resources.filter((r) =>
        ([T.storage, T.namespace, T.cosmos, T.vault, T.factory, T.databricks, T.webApp] as string[]).includes(
          r.type,
        ),
      );
      if (monitored.length === 0)
        return [violation("diagnostics-on-data-services", "(graph)", "no data service")];
      const settings = ofType(resources, T.diagnostic);
      const covered = new Set(
        settings.filter((s) => get(s.inputs, "workspaceId")).map((s) => String(get(s.inputs, "resourceUri"))),
      );
      const out: Violation[] = [];
      for (const r of monitored) {
        if (!covered.has(r.id))
          out.push(
            violation("diagnostics-on-data-services", r.name, "no diagnostic setting to Log Analytics"),
          );
        if (r.type === T.storage && !covered.has(`${r.id}/blobServices/default`))
          out.push(
            violation(
              "diagnostics-on-data-services",
              r.name,
              "no diagnostic setting on the blob service (logs)",
            ),
          );
      }
      return out;
    },
  },
  {
    id: "catalog-contact-data-restricted",
    source:
      "seed 000 §5.9 / seed 004 governance: contact data only to its group (issue 24); BASELINE.md least privilege",
    check(resources) {
      const id = "catalog-contact-data-restricted";
      const schemas = ofType(resources, T.ucSchema);
      const grants = ofType(resources, T.ucGrants);
      const prop = (r: RecordedResource, key: string): unknown =>
        (get(r.inputs, "properties") as Record<string, unknown> | undefined)?.[key];
      const contact = schemas.filter((s) => prop(s, ACCESS_PROPERTY) === "contact-data");
      const analytics = schemas.filter((s) => prop(s, ACCESS_PROPERTY) === "analytics");
      if (contact.length === 0) return [violation(id, "(graph)", "no contact-data schema in the catalog")];
      if (analytics.length === 0) return [violation(id, "(graph)", "no analytics schema in the catalog")];
      type Entry = { principal: string; privileges: string[] };
      const entries = (g: RecordedResource) => (get(g.inputs, "grants") as Entry[] | undefined) ?? [];
      const reads = (e: Entry) => e.privileges.includes("SELECT") || e.privileges.includes("ALL_PRIVILEGES");
      const writes = (e: Entry) => e.privileges.includes("MODIFY") || e.privileges.includes("ALL_PRIVILEGES");
      const fullName = (s: RecordedResource) =>
        `${String(get(s.inputs, "catalogName"))}.${String(get(s.inputs, "name"))}`;
      const out: Violation[] = [];
      const canRead = (s: RecordedResource, principal: unknown): boolean => {
        const g = grants.find((x) => get(x.inputs, "schema") === fullName(s));
        const e = g && entries(g).find((x) => x.principal === principal);
        return !!e && READER_PRIVILEGES.every((p) => e.privileges.includes(p));
      };
      const analysts = new Set(analytics.map((s) => prop(s, READERS_PROPERTY)));
      // The principals that build the tables: MODIFY on every pipeline-only schema (bronze, silver).
      const pipeline = schemas.filter((s) => prop(s, ACCESS_PROPERTY) === "pipeline");
      const modifiers = (s: RecordedResource) =>
        new Set(
          grants
            .filter((g) => get(g.inputs, "schema") === fullName(s))
            .flatMap((g) =>
              entries(g)
                .filter(writes)
                .map((e) => e.principal),
            ),
        );
      const builders =
        pipeline
          .map(modifiers)
          .reduce<Set<string> | undefined>(
            (acc, set) => (acc ? new Set([...acc].filter((p) => set.has(p))) : set),
            undefined,
          ) ?? new Set<string>();
      for (const s of analytics)
        if (!canRead(s, prop(s, READERS_PROPERTY)))
          out.push(violation(id, s.name, `the analysts group cannot read ${fullName(s)} (missing grant)`));
      for (const s of contact) {
        const readers = prop(s, READERS_PROPERTY);
        const schemaName = fullName(s);
        if (typeof readers !== "string" || readers === "" || analysts.has(readers))
          out.push(violation(id, s.name, `${schemaName} names no reader group of its own`));
        const onSchema = grants.filter((g) => get(g.inputs, "schema") === schemaName);
        if (onSchema.length === 0 || !canRead(s, readers))
          out.push(
            violation(
              id,
              onSchema[0]?.name ?? s.name,
              `${String(readers)} cannot read ${schemaName} (missing grant)`,
            ),
          );
        // Readers of the contact data: the group, and the principals that build it (they hold MODIFY there).
        const onTables = grants.filter((g) =>
          String(get(g.inputs, "table") ?? "").startsWith(`${schemaName}.`),
        );
        for (const g of [...onSchema, ...onTables])
          for (const e of entries(g))
            if (
              analysts.has(e.principal) ||
              (reads(e) && e.principal !== readers && !builders.has(e.principal))
            )
              out.push(violation(id, g.name, `too broad: ${e.principal} may read ${schemaName}`));
      }
      // A catalog grant reaches every schema in it, the contact data too.
      for (const g of grants.filter((x) => get(x.inputs, "catalog") !== undefined))
        for (const e of entries(g)) {
          const extra = e.privileges.filter((p) => !(CATALOG_PRIVILEGES as readonly string[]).includes(p));
          if (extra.length > 0)
            out.push(
              violation(
                id,
                g.name,
                `too broad: ${e.principal} holds ${extra.join(", ")} on the whole catalog`,
              ),
            );
        }
      return out;
    },
  },
];

export function checkBaseline(resources: readonly RecordedResource[], ctx: BaselineContext): Violation[] {
  return BASELINE_RULES.flatMap((rule) => rule.check(resources, ctx));
}
