/**
 * Pulumi mocks for the offline plan and the tests: every resource registration is recorded
 * (type, logical name, inputs) and answered with deterministic outputs shaped like Azure's
 * (endpoints, identities' principal ids, ids), so the program runs without a cloud account.
 */
import * as pulumi from "@pulumi/pulumi";

export const MOCK_SUBSCRIPTION_ID = "11111111-2222-3333-4444-555555555555";
export const MOCK_TENANT_ID = "66666666-7777-8888-9999-000000000000";

export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

/** Input key that holds the Azure name, per resource type (the rest use the logical name). */
const NAME_KEYS: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:eventhub:Namespace": "namespaceName",
  "azure-native:eventhub:EventHub": "eventHubName",
  "azure-native:eventhub:ConsumerGroup": "consumerGroupName",
  "azure-native:cosmosdb:DatabaseAccount": "accountName",
  "azure-native:cosmosdb:SqlResourceSqlDatabase": "databaseName",
  "azure-native:cosmosdb:SqlResourceSqlContainer": "containerName",
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:web:WebApp": "name",
  "azure-native:web:AppServicePlan": "name",
  "azure-native:operationalinsights:Workspace": "workspaceName",
  "azure-native:applicationinsights:Component": "resourceName",
  "azure-native:monitor:ActionGroup": "actionGroupName",
  "azure-native:databricks:Workspace": "workspaceName",
  "azure-native:databricks:AccessConnector": "connectorName",
  "azure-native:datafactory:Factory": "factoryName",
  "azure-native:datafactory:Pipeline": "pipelineName",
  "azure-native:datafactory:CredentialOperation": "credentialName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:network:VirtualNetwork": "virtualNetworkName",
  "azure-native:network:Subnet": "subnetName",
  "azure-native:privatedns:PrivateZone": "privateZoneName",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  // The provider's name: the type's name input (`name` by default), else the logical name.
  const nameKey = NAME_KEYS[type] ?? "name";
  const azureName = typeof inputs[nameKey] === "string" ? String(inputs[nameKey]) : name;
  const state: Record<string, unknown> = { ...inputs, name: azureName };
  const identity = inputs.identity;
  if (isRecord(identity) && typeof identity.type === "string" && identity.type.includes("SystemAssigned")) {
    state.identity = { ...identity, principalId: `principal:${name}`, tenantId: MOCK_TENANT_ID };
  }
  switch (type) {
    case "azure-native:storage:StorageAccount":
      state.primaryEndpoints = {
        blob: `https://${azureName}.blob.core.windows.net/`,
        dfs: `https://${azureName}.dfs.core.windows.net/`,
        queue: `https://${azureName}.queue.core.windows.net/`,
        table: `https://${azureName}.table.core.windows.net/`,
      };
      break;
    case "azure-native:cosmosdb:DatabaseAccount":
      state.documentEndpoint = `https://${azureName}.documents.azure.com:443/`;
      break;
    case "azure-native:web:WebApp":
      state.defaultHostName = `${azureName}.azurewebsites.net`;
      break;
    case "azure-native:applicationinsights:Component":
      state.connectionString = `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://mock.in.applicationinsights.azure.com/`;
      break;
    case "azure-native:keyvault:Vault":
      state.properties = {
        ...(isRecord(inputs.properties) ? inputs.properties : {}),
        vaultUri: `https://${azureName}.vault.azure.net/`,
      };
      break;
    case "databricks:index/servicePrincipal:ServicePrincipal":
      // Databricks-managed service principals get an application id from the workspace; an Entra ID
      // one (a managed identity added to the workspace) keeps the application id it was given.
      state.applicationId = typeof inputs.applicationId === "string" ? inputs.applicationId : `app-${name}`;
      break;
    case "azure-native:managedidentity:UserAssignedIdentity":
      state.principalId = `principal:${name}`;
      state.clientId = `client:${name}`;
      state.tenantId = MOCK_TENANT_ID;
      break;
    case "azure-native:databricks:Workspace":
      state.workspaceUrl = "adb-1234567890123456.7.azuredatabricks.net";
      break;
  }
  return state;
}

export function mockId(type: string, name: string): string {
  return `/mock/${type}/${name}`;
}

/** Mocks that record into `recorded` (cleared by the caller between runs). */
export function platformMocks(recorded: RecordedResource[]): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
      const inputs: Record<string, unknown> = isRecord(args.inputs) ? args.inputs : {};
      const id = mockId(args.type, args.name);
      recorded.push({ type: args.type, name: args.name, id, custom: args.custom !== false, inputs });
      return { id, state: computedState(args.type, args.name, inputs) };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      if (args.token === "azure-native:authorization:getClientConfig") {
        return {
          subscriptionId: MOCK_SUBSCRIPTION_ID,
          tenantId: MOCK_TENANT_ID,
          clientId: "mock-client",
          objectId: "mock-object",
        };
      }
      return isRecord(args.inputs) ? args.inputs : {};
    },
  };
}
