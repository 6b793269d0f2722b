/**
 * The batch traits sync (functions/src/core/traits-sync.ts) on 100,000 customers (× scale) against the Cosmos DB
 * server (keep-alive, in process) and Azurite: after a backfill load, a second load in which 5% of the customers'
 * traits changed. Candidate: the sync (state + traits hash, one conditional write per changed customer). Baseline,
 * same run, same load: writing every customer's traits document (one upsert each). Reported: Cosmos requests per
 * changed customer (goal ≤ 1) and for the unchanged ones (goal 0).
 */

import { exportPath } from "../contracts";
import { InMemoryChangePublisher } from "../functions/src/core/change-events";
import { IdentityIndex } from "../functions/src/core/identity-index";
import { Lake } from "../functions/src/core/lake";
import { mapPool } from "../functions/src/core/pool";
import { readTraitsExtract, syncProfileTraits, TRAITS_MODEL } from "../functions/src/core/traits-sync";
import { blobServiceClient, COSMOS_EMULATOR_KEY, cosmosClient, startLocalServices } from "../local/services";
import { keepAliveCosmos } from "./keep-alive-cosmos";
import type { AreaBench, BenchResult } from "./types";

const TIERS = ["New", "Regular", "Premium", "VIP"];

function row(i: number, loadId: string, changed: boolean): Record<string, unknown> {
  const key = `C${String(i).padStart(7, "0")}`;
  return {
    customer_key: key,
    value_tier: TIERS[(i + (changed ? 1 : 0)) % TIERS.length],
    r_score: (i % 5) + 1,
    f_score: ((i >> 1) % 5) + 1,
    m_score: ((i >> 2) % 5) + 1,
    rfm_cell: "345",
    rfm_segment: "Loyal Customers",
    historical_clv_3y: (i % 9000) + 0.5,
    factor_clv: (i % 700) + (changed ? 100.25 : 0.25),
    churn_probability: 0.2,
    is_churn_risk: false,
    lead_score: 42.5,
    lead_tier: "cool",
    top_category_1: "Electronics",
    source_ids: [key],
    external_ids: [],
    emails: [],
    phones: [],
    as_of_date: "2026-03-10",
    computed_at: loadId === "B1" ? "2026-03-10 02:00:00+00" : "2026-03-11 02:00:00+00",
    load_id: loadId,
  };
}

export const bench: AreaBench = async ({ scale, log }) => {
  const customers = Math.max(2000, Math.round(100_000 * scale));
  const changedEvery = 20; // 5% of the customers change between the two loads
  const services = await startLocalServices();
  const cosmos = await keepAliveCosmos();
  try {
    const client = cosmosClient({
      endpoint: cosmos.endpoint,
      key: COSMOS_EMULATOR_KEY,
      allowSelfSignedCertificate: true,
    });
    const { database } = await client.databases.createIfNotExists({ id: `bench-traits-${Date.now()}` });
    const { container: profiles } = await database.containers.createIfNotExists({
      id: "profiles",
      partitionKey: { paths: ["/customerId"] },
    });
    const { container: baselineProfiles } = await database.containers.createIfNotExists({
      id: "profiles-baseline",
      partitionKey: { paths: ["/customerId"] },
    });
    const index = await IdentityIndex.open(database, "identity-index");
    const lake = new Lake(blobServiceClient(services.storage), `bt${Date.now().toString(36)}-`);
    const changes = new InMemoryChangePublisher();
    const deps = { lake, profiles, index, changes, concurrency: 32 };
    const put = async (loadId: string, changed: (i: number) => boolean) => {
      const lines: string[] = [];
      for (let i = 1; i <= customers; i++) lines.push(JSON.stringify(row(i, loadId, changed(i))));
      await lake.writeOnce(
        "gold",
        exportPath(TRAITS_MODEL, loadId) + "part-00000.json",
        lines.join("\n") + "\n",
      );
    };

    log(`traits: backfill of ${customers} customers (setup)`);
    await put("B1", () => false);
    const backfill = await syncProfileTraits(deps, "B1");
    log(`traits: backfill ${backfill.synced} written in ${(backfill.durationMs / 1000).toFixed(1)} s`);

    await put("B2", (i) => i % changedEvery === 0);
    const changed = Math.floor(customers / changedEvery);
    log(`traits: second load, ${changed} of ${customers} customers changed`);
    const t0 = performance.now();
    const sync = await syncProfileTraits(deps, "B2");
    const syncMs = performance.now() - t0;

    log("traits: baseline, one upsert of every customer's traits document");
    const rows = await readTraitsExtract(lake, "B2");
    let baselineRequests = 0;
    const t1 = performance.now();
    await mapPool(rows, 32, async (r) => {
      baselineRequests++;
      await baselineProfiles.items.upsert({
        id: `${r.customerKey}|traits`,
        customerId: r.customerKey,
        docType: "batch_traits",
        traits: r.traits,
        sourceIds: r.sourceIds,
        asOf: r.asOf,
        loadId: r.loadId,
      });
    });
    const baselineMs = performance.now() - t1;
    const unchangedRequests = sync.cosmosRequests - sync.synced;
    const result: BenchResult = {
      area: "traits",
      name: "batch traits sync: only changed customers written",
      input: `${customers.toLocaleString("en-US")} customers, second load with ${changed.toLocaleString("en-US")} (5%) changed; Cosmos DB server (keep-alive), Azurite; 32 in flight`,
      candidate: {
        label: "traits sync (state hash, one If-Match replace per changed customer)",
        medianMs: syncMs,
        runs: 1,
        units: customers,
        unitName: "customers",
        extra: {
          cosmosRequests: sync.cosmosRequests,
          requestsPerChangedCustomer: Number((sync.cosmosRequests / Math.max(1, sync.synced)).toFixed(3)),
          requestsForUnchangedCustomers: unchangedRequests,
          skippedUnchanged: sync.skippedUnchanged,
          changeEvents: sync.changeEvents,
        },
      },
      baseline: {
        label: "write every customer's traits (one upsert each)",
        medianMs: baselineMs,
        runs: 1,
        units: customers,
        unitName: "customers",
        extra: {
          cosmosRequests: baselineRequests,
          requestsPerChangedCustomer: Number((baselineRequests / Math.max(1, changed)).toFixed(3)),
        },
      },
      note: `Goal: ≤ 1 Cosmos request per changed customer and none for unchanged ones (measured ${(sync.cosmosRequests / Math.max(1, sync.synced)).toFixed(2)} and ${unchangedRequests}). Backfill of the first load (setup, not compared): ${(backfill.durationMs / 1000).toFixed(1)} s, ${backfill.cosmosRequests} profile requests and ${backfill.indexRequests} index requests.`,
    };
    await database.delete().catch(() => undefined);
    for (const c of ["gold", "control"])
      await lake.service.getContainerClient(lake.prefix + c).deleteIfExists();
    return [result];
  } finally {
    await cosmos.stop();
    await services.stop();
  }
};
