/** Shared set-up for the functions' integration tests: isolated Cosmos database and lake containers per test. */
import { randomBytes } from "node:crypto";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";

import { createHttpsServer } from "@vercel/cosmosdb-server";

import type { Dependencies } from "../../functions/src/core/dependencies";
import { setDependencies } from "../../functions/src/core/dependencies";
import { triggerMetadataFor } from "../../functions/src/core/positions";
import { type BatchSummary, processBatch, type ProcessorDeps } from "../../functions/src/core/processor";
import { comparableProfile, type CustomerProfileDocument } from "../../functions/src/core/profile";
import { localDependencies } from "../../functions/src/local/driver";
import { deliver, type Delivery, type LocalEventHub } from "../../functions/src/local/hub";
import {
  COSMOS_EMULATOR_KEY,
  type CosmosSettings,
  type LocalServices,
  startLocalServices,
} from "../../local/services";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";

/**
 * A Cosmos DB server of our own, in this worker, with keep-alive connections: the shared one closes
 * every connection after a response, so each request pays a TLS handshake (about 3x slower).
 */
export async function startKeepAliveCosmos(): Promise<{ settings: CosmosSettings; stop(): Promise<void> }> {
  const server = createHttpsServer({ keepAlive: true } as never) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    settings: {
      endpoint: `https://127.0.0.1:${port}/`,
      key: COSMOS_EMULATOR_KEY,
      allowSelfSignedCertificate: true,
      managed: true,
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Fixture {
  services: LocalServices;
  cosmos: CosmosSettings;
  /** Present with `viaProxy`: faults injected on the wire between the SDK and the server. */
  proxy?: FaultProxy;
  deps: Dependencies;
  databaseName: string;
  prefix: string;
  cleanup(): Promise<void>;
}

export async function fixture(name: string, options: { viaProxy?: boolean } = {}): Promise<Fixture> {
  const own = await startLocalServices();
  const keepAlive = await startKeepAliveCosmos();
  const proxy = options.viaProxy ? await startFaultProxy(keepAlive.settings.endpoint) : undefined;
  const cosmos = proxy ? { ...keepAlive.settings, endpoint: proxy.endpoint } : keepAlive.settings;
  const tag = randomBytes(4).toString("hex");
  const databaseName = `fn-${name}-${tag}`;
  const prefix = `t${tag}-`;
  const deps = await localDependencies({ storage: own.storage, cosmos }, databaseName, "profiles", prefix);
  setDependencies(deps);
  return {
    services: own,
    cosmos,
    proxy,
    deps,
    databaseName,
    prefix,
    cleanup: async () => {
      setDependencies(undefined);
      await deps.store.container.database.delete().catch(() => undefined);
      for (const c of ["landing", "quarantine", "control"]) {
        await deps.lake.service.getContainerClient(prefix + c).deleteIfExists();
      }
      await proxy?.stop();
      await keepAlive.stop();
      await own.stop();
    },
  };
}

/** Delivers every batch: partitions in parallel, each partition's batches in order; throws on the first failure. */
export async function deliverAll(queues: Delivery[][]): Promise<BatchSummary[]> {
  const summaries: BatchSummary[] = [];
  await Promise.all(
    queues.map(async (queue) => {
      for (const d of queue) summaries.push(await deliver(d));
    }),
  );
  return summaries;
}

/**
 * Sends events to a hub kept for the whole test file and delivers only the new ones (one hub per file: sequence
 * numbers, hence batch ids and landing file names, never repeat): through the registered handlers, or straight to
 * processBatch with `deps` (to inject a store).
 */
export async function sendNew(
  hub: LocalEventHub,
  events: readonly unknown[],
  deps?: ProcessorDeps,
): Promise<BatchSummary[]> {
  const seen = new Map(
    hub.partitionsWithMessages().map((p) => [`${p.stream.hubName}/${p.partitionId}`, p.messages.length]),
  );
  hub.send(events);
  const summaries: BatchSummary[] = [];
  for (const { stream, partitionId, messages } of hub.partitionsWithMessages()) {
    const fresh = messages.slice(seen.get(`${stream.hubName}/${partitionId}`) ?? 0);
    if (fresh.length === 0) continue;
    summaries.push(
      deps
        ? await processBatch(
            stream,
            fresh.map((m) => m.body),
            triggerMetadataFor(stream.hubName, partitionId, fresh),
            deps,
          )
        : await deliver({ stream, partitionId, messages: fresh }),
    );
  }
  return summaries;
}

/** Delivers, redelivering a failed batch (the host's retry policy) up to `max` times. */
export async function deliverWithRedelivery(
  queues: Delivery[][],
  max = 20,
): Promise<{ summaries: BatchSummary[]; failures: number }> {
  const summaries: BatchSummary[] = [];
  let failures = 0;
  await Promise.all(
    queues.map(async (queue) => {
      for (const d of queue) {
        for (let attempt = 0; ; attempt++) {
          try {
            summaries.push(await deliver(d));
            break;
          } catch (error) {
            failures++;
            if (attempt >= max) throw error;
          }
        }
      }
    }),
  );
  return { summaries, failures };
}

export function total(summaries: BatchSummary[], f: (s: BatchSummary) => number): number {
  return summaries.reduce((n, s) => n + f(s), 0);
}

/** Asserts the store holds exactly the expected profiles (system fields and bookkeeping aside). */
export async function storeState(deps: Dependencies): Promise<Map<string, CustomerProfileDocument>> {
  const docs = await deps.store.readAll();
  return new Map(docs.map((d) => [d.customerId, d]));
}

export function comparable(map: Map<string, CustomerProfileDocument>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of [...map].sort(([a], [b]) => (a < b ? -1 : 1))) out[k] = comparableProfile(v);
  return out;
}

export function appliedIds(doc: CustomerProfileDocument): string[] {
  return doc.idempotency.applied.map((a) => a.id).sort();
}
