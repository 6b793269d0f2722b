/**
 * App settings → clients. Identity-based in Azure (DefaultAzureCredential: the Function App's
 * managed identity), connection strings / emulator keys locally. The setting names are the
 * contract with the infra component; docs/functions.md lists them.
 */
import { Agent } from "node:https";

import { CosmosClient } from "@azure/cosmos";
import { EventHubProducerClient } from "@azure/event-hubs";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";

import { AppInsightsMetrics, type MetricSink } from "./metrics";

export const SETTINGS = {
  eventHubsNamespace: "EventHubs__fullyQualifiedNamespace",
  eventHubsConnection: "EventHubs",
  consumerGroup: "EventHubs__consumerGroup",
  cosmosEndpoint: "CosmosDb__accountEndpoint",
  cosmosKey: "CosmosDb__key",
  cosmosDatabase: "CosmosDb__databaseName",
  cosmosContainer: "CosmosDb__profilesContainer",
  cosmosIndexContainer: "CosmosDb__identityIndexContainer",
  profileChangesHub: "ProfileChanges__eventHubName",
  traitsSyncQueue: "TraitsSync__queueName",
  lakeUri: "Lake__blobServiceUri",
  lakeConnection: "Lake",
  appInsightsConnection: "APPLICATIONINSIGHTS_CONNECTION_STRING",
  appInsightsAuthentication: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  /** Allowed future skew of event timestamps in seconds (default MAX_FUTURE_SKEW_SECONDS, 300). */
  maxFutureSkewSeconds: "Validation__maxFutureSkewSeconds",
} as const;

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

type Env = Record<string, string | undefined>;

let credential: TokenCredential | undefined;
function azureCredential(): TokenCredential {
  return (credential ??= new DefaultAzureCredential());
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "127.0.0.1" || host === "::1";
  } catch {
    return false;
  }
}

export function cosmosFromSettings(env: Env = process.env): {
  client: CosmosClient;
  database: string;
  container: string;
  indexContainer: string;
  usesKey: boolean;
} {
  const endpoint = env[SETTINGS.cosmosEndpoint];
  if (!endpoint) throw new ConfigurationError(`app setting ${SETTINGS.cosmosEndpoint} is not set`);
  const key = env[SETTINGS.cosmosKey];
  const client = new CosmosClient({
    endpoint,
    ...(key ? { key } : { aadCredentials: azureCredential() }),
    // Emulators on this machine use self-signed certificates; nothing else is ever accepted unverified.
    agent:
      key && isLoopback(endpoint) ? new Agent({ rejectUnauthorized: false, keepAlive: true }) : undefined,
    connectionPolicy: { enableEndpointDiscovery: !isLoopback(endpoint) },
  });
  return {
    client,
    database: env[SETTINGS.cosmosDatabase] ?? "c360",
    container: env[SETTINGS.cosmosContainer] ?? "profiles",
    indexContainer: env[SETTINGS.cosmosIndexContainer] ?? "identity-index",
    usesKey: !!key,
  };
}

export function lakeFromSettings(env: Env = process.env): BlobServiceClient {
  const uri = env[SETTINGS.lakeUri];
  if (uri) return new BlobServiceClient(uri, azureCredential());
  const connection = env[SETTINGS.lakeConnection];
  if (connection) return BlobServiceClient.fromConnectionString(connection);
  throw new ConfigurationError(
    `app setting ${SETTINGS.lakeUri} (or ${SETTINGS.lakeConnection} locally) is not set`,
  );
}

export function producerFactory(env: Env = process.env): (hubName: string) => EventHubProducerClient {
  const namespace = env[SETTINGS.eventHubsNamespace];
  const connection = env[SETTINGS.eventHubsConnection];
  if (!namespace && !connection) {
    throw new ConfigurationError(
      `app setting ${SETTINGS.eventHubsNamespace} (or ${SETTINGS.eventHubsConnection} locally) is not set`,
    );
  }
  const producers = new Map<string, EventHubProducerClient>();
  return (hubName) => {
    let producer = producers.get(hubName);
    if (!producer) {
      producer = namespace
        ? new EventHubProducerClient(namespace, hubName, azureCredential())
        : new EventHubProducerClient(connection!, hubName);
      producers.set(hubName, producer);
    }
    return producer;
  };
}

/** The Event Hub of profile change events (contracts/profile-change.ts). */
export function profileChangesHubName(env: Env = process.env): string {
  return env[SETTINGS.profileChangesHub] ?? "profile-changes";
}

/**
 * The batch metrics' sink: Application Insights when its connection string is set (the infra component sets it,
 * with `Authorization=AAD`: local auth is disabled, so the managed identity's token is sent), else none.
 */
export function metricsFromSettings(env: Env = process.env): MetricSink | undefined {
  const connectionString = env[SETTINGS.appInsightsConnection];
  if (!connectionString) return undefined;
  const aad = /(^|;)\s*Authorization\s*=\s*AAD\s*(;|$)/i.test(env[SETTINGS.appInsightsAuthentication] ?? "");
  return new AppInsightsMetrics(connectionString, {
    ...(aad ? { credential: azureCredential() } : {}),
    roleName: env.WEBSITE_SITE_NAME,
  });
}
