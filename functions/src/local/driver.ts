/**
 * `npm start`'s real-time leg: the generated stream goes through the registered Event Hub handlers
 * (partitioned by customer, in batches, with trigger metadata), profiles into the local Cosmos
 * server, landing and quarantine files into Azurite, then the lake containers are mirrored into
 * the local lake directory for the DuckDB batch path.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { localLakeDir } from "../../../contracts";
import {
  blobServiceClient,
  cosmosClient,
  type CosmosSettings,
  type StorageSettings,
} from "../../../local/services";
import { InMemoryChangePublisher } from "../core/change-events";
import { type Dependencies, setDependencies } from "../core/dependencies";
import { IdIndex } from "../core/id-index";
import { IdentityIndex } from "../core/identity-index";
import { Lake } from "../core/lake";
import { mapPool } from "../core/pool";
import type { BatchSummary } from "../core/processor";
import { PROFILES_WHERE, ProfileStore } from "../core/profile-store";
import { InMemoryPublisher } from "../core/publisher";
import { deliver, LocalEventHub } from "./hub";

export interface RealtimeOptions {
  /** Directory with `events-*.jsonl` (the generator's `<out>/stream`). */
  streamDir: string;
  services: {
    storage: Pick<StorageSettings, "connectionString">;
    cosmos: Pick<CosmosSettings, "endpoint" | "key" | "allowSelfSignedCertificate">;
  };
  /** Local lake directory the containers are mirrored into (default: C360_LAKE_DIR or `lake`). */
  lakeDir?: string;
  partitions?: number;
  batchSize?: number;
  /** Cosmos database (default: `c360-<run id>`, so runs sharing an emulator never mix). */
  databaseName?: string;
  containerName?: string;
  /** Prefix of the lake containers in Azurite (default: `r<run id>-`), for the same reason. */
  lakePrefix?: string;
  /** Partitions processed at the same time (each partition stays sequential, as with Event Hubs). */
  concurrency?: number;
  /** Redeliveries of a failing batch before it is counted as failed (the host's retry policy). */
  maxRedeliveries?: number;
  onProgress?: (progress: {
    batchesDone: number;
    batchesTotal: number;
    eventsDone: number;
    eventsTotal: number;
  }) => void;
}

/** A profile's order figures as stored (the run report reconciles them with gold, customer by customer). */
export interface ProfileTotals {
  customerId: string;
  totalSpent: number;
  orders: number;
  valueSegment: string;
}

export interface RealtimeSummary {
  /** Every profile in the store: order count, net spend and value tier. */
  profiles: ProfileTotals[];
  eventsRead: number;
  accepted: number;
  quarantined: number;
  quarantinedByCode: Record<string, number>;
  duplicatesIgnored: number;
  /** Events for erased customers, not applied to any profile. */
  erasedSkipped: number;
  anonymousEvents: number;
  profilesWritten: number;
  profilesInStore: number;
  cosmosReads: number;
  cosmosWrites: number;
  conflicts: number;
  landingFiles: number;
  quarantineFiles: number;
  mirroredFiles: number;
  batches: number;
  redeliveries: number;
  failedBatches: number;
  partitions: number;
  batchSize: number;
  lakeDir: string;
  databaseName: string;
  lakePrefix: string;
  durationMs: number;
  eventsPerSecond: number;
}

async function readStream(dir: string): Promise<unknown[]> {
  const files = (await readdir(dir)).filter((f) => /^events-.*\.jsonl$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no events-*.jsonl files in ${dir}`);
  const bodies: unknown[] = [];
  for (const file of files) {
    for (const line of (await readFile(join(dir, file), "utf8")).split("\n")) {
      if (line.trim() === "") continue;
      try {
        bodies.push(JSON.parse(line) as unknown);
      } catch {
        bodies.push(line); // delivered as the raw text it is; the handler quarantines it
      }
    }
  }
  return bodies;
}

export async function localDependencies(
  services: RealtimeOptions["services"],
  databaseName = "c360",
  containerName = "profiles",
  lakePrefix = "",
): Promise<Dependencies> {
  const client = cosmosClient(services.cosmos);
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  const store = await ProfileStore.open(database, containerName);
  return {
    store,
    ids: await IdIndex.open(database),
    index: await IdentityIndex.open(database, "identity-index"),
    lake: new Lake(blobServiceClient(services.storage), lakePrefix),
    publisher: new InMemoryPublisher(),
    changes: new InMemoryChangePublisher(),
  };
}

export async function runRealtimeLocally(options: RealtimeOptions): Promise<RealtimeSummary> {
  const started = Date.now();
  const partitions = options.partitions ?? 4;
  const batchSize = options.batchSize ?? 500; // host.json maxEventBatchSize
  const lakeDir = options.lakeDir ?? localLakeDir();
  const runId = randomBytes(4).toString("hex");
  const databaseName = options.databaseName ?? `c360-${runId}`;
  const lakePrefix = options.lakePrefix ?? `r${runId}-`;
  const deps = await localDependencies(options.services, databaseName, options.containerName, lakePrefix);
  setDependencies(deps);
  try {
    const bodies = await readStream(options.streamDir);
    const hub = new LocalEventHub(partitions);
    hub.send(bodies);
    const queues = hub.batches(batchSize);
    const batchesTotal = queues.reduce((n, q) => n + q.length, 0);
    const summaries: BatchSummary[] = [];
    let batchesDone = 0;
    let eventsDone = 0;
    let redeliveries = 0;
    let failedBatches = 0;
    const maxRedeliveries = options.maxRedeliveries ?? 5;
    await mapPool(queues, options.concurrency ?? 4, async (queue) => {
      for (const delivery of queue) {
        for (let attempt = 0; ; attempt++) {
          try {
            summaries.push(await deliver(delivery));
            break;
          } catch {
            if (attempt >= maxRedeliveries) {
              failedBatches++;
              break;
            }
            redeliveries++;
          }
        }
        batchesDone++;
        eventsDone += delivery.messages.length;
        options.onProgress?.({ batchesDone, batchesTotal, eventsDone, eventsTotal: bodies.length });
      }
    });
    const mirroredFiles = await deps.lake.mirrorTo(lakeDir);
    const quarantinedByCode: Record<string, number> = {};
    for (const s of summaries) {
      for (const [code, n] of Object.entries(s.quarantinedByCode))
        quarantinedByCode[code] = (quarantinedByCode[code] ?? 0) + n;
    }
    const sum = (f: (s: BatchSummary) => number) => summaries.reduce((n, s) => n + f(s), 0);
    const durationMs = Date.now() - started;
    const { resources } = await deps.store.container.items
      .query<{ n: number }>(`SELECT VALUE COUNT(1) FROM c WHERE ${PROFILES_WHERE}`)
      .fetchAll();
    const { resources: profiles } = await deps.store.container.items
      .query<ProfileTotals>(
        `SELECT c.customerId, c.orders.totalSpent AS totalSpent, c.orders["count"] AS orders, c.valueSegment FROM c WHERE ${PROFILES_WHERE}`,
      )
      .fetchAll();
    return {
      profiles,
      eventsRead: bodies.length,
      accepted: sum((s) => s.accepted),
      quarantined: sum((s) => s.quarantined),
      quarantinedByCode,
      duplicatesIgnored: sum((s) => s.duplicates),
      erasedSkipped: sum((s) => s.erasedSkipped),
      anonymousEvents: sum((s) => s.anonymous),
      profilesWritten: sum((s) => s.profilesWritten),
      profilesInStore: Number(resources[0] ?? 0),
      cosmosReads: deps.store.stats.reads,
      cosmosWrites: deps.store.stats.writes,
      conflicts: sum((s) => s.conflicts),
      landingFiles: sum((s) => s.landingFiles),
      quarantineFiles: sum((s) => s.quarantineFiles),
      mirroredFiles,
      batches: batchesTotal,
      redeliveries,
      failedBatches,
      partitions,
      batchSize,
      lakeDir,
      databaseName,
      lakePrefix,
      durationMs,
      eventsPerSecond: Math.round((bodies.length / Math.max(1, durationMs)) * 1000),
    };
  } finally {
    setDependencies(undefined);
  }
}
