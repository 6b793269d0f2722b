/**
 * Local stand-ins for the Azure data services: Azurite (blob, queue, table) and a Cosmos DB
 * emulator. Starts them on free loopback ports and waits until they answer, or reuses endpoints
 * that already run (the official Cosmos DB emulator, a real account, or services started by the
 * jest global setup) when configured through the environment:
 *
 *   C360_STORAGE_CONNECTION_STRING   use this storage account / Azurite instead of starting one
 *   C360_COSMOS_ENDPOINT             use this Cosmos DB endpoint instead of starting one
 *   C360_COSMOS_KEY                  its key (defaults to the official emulator's well-known key)
 */
import { Agent } from "node:https";
import { join } from "node:path";

import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";

import { freePort, waitForPort } from "./ports";
import { type ManagedProcess, startNodeProcess } from "./processes";

/** Azurite's and the Cosmos DB emulator's published development credentials (not secrets). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
export const COSMOS_EMULATOR_KEY =
  "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nxuPfxaEBGN5ZPoGJ6DqArVVgDQt0+RbPmqT5ujw==";
export const COSMOS_EMULATOR_ENDPOINT = "https://localhost:8081/";

export interface StorageSettings {
  connectionString: string;
  blobEndpoint: string;
  /** True when we started it (and stop() will stop it). */
  managed: boolean;
}

export interface CosmosSettings {
  endpoint: string;
  key: string;
  /** Local emulators use self-signed certificates. */
  allowSelfSignedCertificate: boolean;
  managed: boolean;
}

export interface LocalServices {
  storage: StorageSettings;
  cosmos: CosmosSettings;
  /** Child process ids this call started (for leak checks). */
  pids: number[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Ignore C360_* endpoints in the environment and always start fresh local services. */
  forceLocal?: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function azuriteConnectionString(blobPort: number, queuePort: number, tablePort: number): string {
  const host = "http://127.0.0.1";
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${host}:${blobPort}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=${host}:${queuePort}/${AZURITE_ACCOUNT}`,
    `TableEndpoint=${host}:${tablePort}/${AZURITE_ACCOUNT}`,
  ].join(";");
}

async function startAzurite(
  timeoutMs: number,
): Promise<{ settings: StorageSettings; process: ManagedProcess }> {
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const script = require.resolve("azurite/dist/src/azurite.js");
  const proc = startNodeProcess("Azurite", script, [
    "--silent",
    "--disableTelemetry",
    "--inMemoryPersistence",
    "--skipApiVersionCheck",
    "--loose",
    "--blobPort",
    String(blobPort),
    "--queuePort",
    String(queuePort),
    "--tablePort",
    String(tablePort),
  ]);
  try {
    await Promise.all([
      waitForPort("Azurite blob", blobPort, timeoutMs, proc.exited),
      waitForPort("Azurite queue", queuePort, timeoutMs, proc.exited),
      waitForPort("Azurite table", tablePort, timeoutMs, proc.exited),
    ]);
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output()}`);
  }
  const connectionString = azuriteConnectionString(blobPort, queuePort, tablePort);
  return {
    settings: {
      connectionString,
      blobEndpoint: `http://127.0.0.1:${blobPort}/${AZURITE_ACCOUNT}`,
      managed: true,
    },
    process: proc,
  };
}

async function startCosmosServer(
  timeoutMs: number,
): Promise<{ settings: CosmosSettings; process: ManagedProcess }> {
  const port = await freePort();
  const proc = startNodeProcess("Cosmos DB server", join(__dirname, "cosmos-server.js"), [String(port)]);
  const settings: CosmosSettings = {
    endpoint: `https://127.0.0.1:${port}/`,
    key: COSMOS_EMULATOR_KEY,
    allowSelfSignedCertificate: true,
    managed: true,
  };
  try {
    await waitForPort("Cosmos DB server", port, timeoutMs, proc.exited);
    await cosmosClient(settings).getDatabaseAccount();
  } catch (err) {
    await proc.stop();
    throw new Error(`Cosmos DB server did not become ready: ${(err as Error).message}\n${proc.output()}`);
  }
  return { settings, process: proc };
}

/** A Cosmos client for these settings (accepting the emulator's self-signed certificate only when told to). */
export function cosmosClient(
  settings: Pick<CosmosSettings, "endpoint" | "key" | "allowSelfSignedCertificate">,
): CosmosClient {
  return new CosmosClient({
    endpoint: settings.endpoint,
    key: settings.key,
    agent: settings.allowSelfSignedCertificate
      ? new Agent({ rejectUnauthorized: false, keepAlive: true })
      : undefined,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

export function blobServiceClient(settings: Pick<StorageSettings, "connectionString">): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(settings.connectionString);
}

function isLocalHost(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "::1";
}

/** Starts (or reuses, when configured) Azurite and a Cosmos DB emulator and returns their settings. */
export async function startLocalServices(options: StartOptions = {}): Promise<LocalServices> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 30000;
  const stops: Array<() => Promise<void>> = [];
  const pids: number[] = [];
  try {
    let storage: StorageSettings;
    const existingStorage = options.forceLocal ? undefined : env.C360_STORAGE_CONNECTION_STRING;
    if (existingStorage) {
      const blobEndpoint = blobServiceClient({ connectionString: existingStorage }).url.replace(/\/$/, "");
      storage = { connectionString: existingStorage, blobEndpoint, managed: false };
    } else {
      const azurite = await startAzurite(timeoutMs);
      storage = azurite.settings;
      pids.push(azurite.process.pid);
      stops.push(() => azurite.process.stop());
    }

    let cosmos: CosmosSettings;
    const existingCosmos = options.forceLocal ? undefined : env.C360_COSMOS_ENDPOINT;
    if (existingCosmos) {
      cosmos = {
        endpoint: existingCosmos,
        key: env.C360_COSMOS_KEY ?? COSMOS_EMULATOR_KEY,
        allowSelfSignedCertificate: isLocalHost(existingCosmos),
        managed: false,
      };
    } else {
      const server = await startCosmosServer(timeoutMs);
      cosmos = server.settings;
      pids.push(server.process.pid);
      stops.push(() => server.process.stop());
    }

    return {
      storage,
      cosmos,
      pids,
      stop: async () => {
        await Promise.all(stops.map((stop) => stop()));
      },
    };
  } catch (err) {
    await Promise.all(stops.map((stop) => stop()));
    throw err;
  }
}

/** Environment variables that make a later startLocalServices() (e.g. in a jest worker) reuse these services. */
export function servicesEnvironment(services: LocalServices): Record<string, string> {
  return {
    C360_STORAGE_CONNECTION_STRING: services.storage.connectionString,
    C360_COSMOS_ENDPOINT: services.cosmos.endpoint,
    C360_COSMOS_KEY: services.cosmos.key,
  };
}
