/** Shared set-up for the functions' integration tests: isolated Cosmos database and lake containers per test. */
import { randomBytes } from "node:crypto";

import type { Dependencies } from "../../functions/src/core/dependencies";
import { setDependencies } from "../../functions/src/core/dependencies";
import { type BatchSummary } from "../../functions/src/core/processor";
import { comparableProfile, type CustomerProfileDocument } from "../../functions/src/core/profile";
import { localDependencies } from "../../functions/src/local/driver";
import { deliver, type Delivery } from "../../functions/src/local/hub";
import { type LocalServices, startLocalServices } from "../../local/services";

export interface Fixture {
  services: LocalServices;
  deps: Dependencies;
  databaseName: string;
  prefix: string;
  cleanup(): Promise<void>;
}

export async function fixture(name: string, services?: LocalServices): Promise<Fixture> {
  const own = services ?? (await startLocalServices());
  const tag = randomBytes(4).toString("hex");
  const databaseName = `fn-${name}-${tag}`;
  const prefix = `t${tag}-`;
  const deps = await localDependencies(own, databaseName, "profiles", prefix);
  setDependencies(deps);
  return {
    services: own,
    deps,
    databaseName,
    prefix,
    cleanup: async () => {
      setDependencies(undefined);
      await deps.store.container.database.delete().catch(() => undefined);
      for (const c of ["landing", "quarantine", "control"]) {
        await deps.lake.service.getContainerClient(prefix + c).deleteIfExists();
      }
      if (!services) await own.stop();
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
