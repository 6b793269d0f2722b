/**
 * Real-time path benchmarks (issue 3), each candidate next to its baseline in the same run:
 * (a) validate + enrich throughput vs JSON.parse only, on the same serialized events;
 * (b) Cosmos requests of the coalescing writer vs one read + upsert per event (the seeds' approach),
 *     100-event batches over 1,000 active customers spread over 32 partitions;
 * (c) profile point-read latency vs a query for the same profile, against the local Cosmos server;
 * (d) POST /api/customers/validate latency in-process vs JSON.parse of the same body.
 */
import { HttpRequest, InvocationContext } from "@azure/functions";

import { type AnyEvent, validateEvent } from "../contracts";
import { enrich } from "../functions/src/core/enrich";
import { Lake } from "../functions/src/core/lake";
import { mapPool } from "../functions/src/core/pool";
import { type Accepted, applyToProfiles } from "../functions/src/core/processor";
import { emptyProfile, finalizeProfile, mergeEvent } from "../functions/src/core/profile";
import { ProfileStore } from "../functions/src/core/profile-store";
import { validateCustomer } from "../functions/src/functions/validateCustomer";
import { partitionFor } from "../functions/src/local/hub";
import { syntheticEvents } from "../functions/src/local/synthetic";
import { blobServiceClient, COSMOS_EMULATOR_KEY, cosmosClient, startLocalServices } from "../local/services";
import { keepAliveCosmos } from "./keep-alive-cosmos";
import { type AreaBench, type BenchResult, median, timeMedian } from "./types";

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const bench: AreaBench = async ({ scale, log }) => {
  const results: BenchResult[] = [];

  // (a) validate + enrich vs parse only.
  const n = Math.max(2000, Math.round(50_000 * scale));
  const lines = syntheticEvents({ events: n, customers: 1000, seed: 3 }).map((e) => JSON.stringify(e));
  log(`functions: validate + enrich on ${n} events`);
  const parseOnly = await timeMedian(() => {
    for (const l of lines) JSON.parse(l);
  }, 5);
  const full = await timeMedian(() => {
    for (const l of lines) {
      const e = JSON.parse(l) as unknown;
      const v = validateEvent(e);
      if (v.valid) enrich(e as AnyEvent, v.violations);
    }
  }, 5);
  results.push({
    area: "functions",
    name: "validate + enrich throughput",
    input: `${n} serialized events (4 types) over 1,000 customers, one core`,
    candidate: {
      label: "JSON.parse + contract validation + enrichment",
      medianMs: full,
      runs: 5,
      units: n,
      unitName: "events",
      extra: { eventsPerSecond: Math.round((n / full) * 1000) },
    },
    baseline: {
      label: "JSON.parse only",
      medianMs: parseOnly,
      runs: 5,
      units: n,
      unitName: "events",
      extra: { eventsPerSecond: Math.round((n / parseOnly) * 1000) },
    },
    note: "Goal: ≥ 50,000 events/s and ≥ 30% of the parse-only throughput.",
  });

  // (b)-(d) need the Cosmos server (keep-alive, in process) and Azurite.
  const services = await startLocalServices();
  const cosmos = await keepAliveCosmos();
  try {
    const client = cosmosClient({
      endpoint: cosmos.endpoint,
      key: COSMOS_EMULATOR_KEY,
      allowSelfSignedCertificate: true,
    });
    const { database } = await client.databases.createIfNotExists({ id: `bench-${Date.now()}` });
    const lake = new Lake(blobServiceClient(services.storage), `b${Date.now().toString(36)}-`);

    // (b) Coalescing writer vs naive read + upsert per event.
    const events = Math.max(2000, Math.round(15_000 * scale));
    const stream = syntheticEvents({ events, customers: 1000, seed: 4 }).filter(
      (e) => e.customerId !== undefined,
    );
    const partitions = 32;
    const byPartition = new Map<number, AnyEvent[]>();
    for (const e of stream) {
      const p = partitionFor(e.customerId!, partitions);
      byPartition.set(p, [...(byPartition.get(p) ?? []), e]);
    }
    const batches: Array<{ partition: number; events: AnyEvent[] }> = [];
    for (const [partition, list] of byPartition) {
      for (let i = 0; i < list.length; i += 100) batches.push({ partition, events: list.slice(i, i + 100) });
    }
    log(
      `functions: coalescing writer vs one upsert per event, ${stream.length} events in ${batches.length} batches`,
    );
    const coalesced = await ProfileStore.open(database, "coalesced");
    // Both writers run the 32 partitions as 32 consumers would (8 at a time), each partition in order.
    const byPartitionBatches = [...byPartition.keys()].map((p) => batches.filter((b) => b.partition === p));
    const t0 = performance.now();
    await mapPool(byPartitionBatches, 8, async (list) => {
      let seq = 0;
      for (const b of list) {
        const accepted: Accepted[] = b.events.map((e) => ({
          enriched: enrich(e),
          line: "",
          position: {
            partitionId: String(b.partition),
            sequenceNumber: seq++,
            offset: "0",
            enqueuedTimeUtc: e.occurredAt,
          },
        }));
        const outcome = await applyToProfiles(accepted, `bench/${b.partition}`, { store: coalesced, lake });
        if (outcome.failures.length) throw outcome.failures[0] as Error;
      }
    });
    const coalescedMs = performance.now() - t0;
    const naive = await ProfileStore.open(database, "naive");
    const t1 = performance.now();
    await mapPool([...byPartition.values()], 8, async (list) => {
      for (const e of list) {
        const stored = await naive.read(e.customerId!);
        const doc = stored?.doc ?? emptyProfile(e.customerId!);
        mergeEvent(doc, enrich(e));
        await naive.upsert(finalizeProfile(doc));
      }
    });
    const naiveMs = performance.now() - t1;
    const cReq = coalesced.stats.reads + coalesced.stats.writes;
    const nReq = naive.stats.reads + naive.stats.writes;
    results.push({
      area: "functions",
      name: "Cosmos requests: coalescing writer",
      input: `${stream.length} events over 1,000 customers, 32 partitions, 100-event batches`,
      candidate: {
        label: "one ETag write per customer per batch (+ write-through cache)",
        medianMs: coalescedMs,
        runs: 1,
        units: stream.length,
        unitName: "events",
        extra: {
          requests: cReq,
          writes: coalesced.stats.writes,
          reads: coalesced.stats.reads,
          requestsPerEvent: +(cReq / stream.length).toFixed(3),
        },
      },
      baseline: {
        label: "read + upsert per event (seeds)",
        medianMs: naiveMs,
        runs: 1,
        units: stream.length,
        unitName: "events",
        extra: {
          requests: nReq,
          writes: naive.stats.writes,
          reads: naive.stats.reads,
          requestsPerEvent: +(nReq / stream.length).toFixed(3),
        },
      },
      note: `${(nReq / cReq).toFixed(1)}× fewer Cosmos requests (goal ≥ 5×), ${(naive.stats.writes / coalesced.stats.writes).toFixed(1)}× fewer writes (≈ 5 RU each per KB in Azure); the candidate's reads are its cold cache (one per customer).`,
    });

    // (c) Point read vs query, same profiles.
    const ids = [...new Set(stream.map((e) => e.customerId!))].slice(0, 200);
    const reads: number[] = [];
    const queries: number[] = [];
    for (const id of ids) {
      let t = performance.now();
      await coalesced.read(id);
      reads.push(performance.now() - t);
      t = performance.now();
      await coalesced.container.items
        .query({
          query: "SELECT * FROM c WHERE c.customerId = @id",
          parameters: [{ name: "@id", value: id }],
        })
        .fetchAll();
      queries.push(performance.now() - t);
    }
    results.push({
      area: "functions",
      name: "profile read latency",
      input: `${ids.length} profiles, local Cosmos DB server (in-memory, keep-alive)`,
      candidate: {
        label: "point read (id + partition key)",
        medianMs: median(reads),
        runs: reads.length,
        extra: { p50Ms: +percentile(reads, 50).toFixed(2), p99Ms: +percentile(reads, 99).toFixed(2) },
      },
      baseline: {
        label: "query by customerId",
        medianMs: median(queries),
        runs: queries.length,
        extra: { p50Ms: +percentile(queries, 50).toFixed(2), p99Ms: +percentile(queries, 99).toFixed(2) },
      },
      note: "GET /api/customers/{id} uses the point read (1 RU for 1 KB in Azure).",
    });
    await database.delete();
  } finally {
    await cosmos.stop();
    await services.stop();
  }

  // (d) /customers/validate in-process.
  const body = JSON.stringify({
    customerId: "C000123",
    firstName: "Ana",
    lastName: "Silva",
    email: "Ana.Silva@Example.COM",
    phone: "(415) 555-2671",
    dateOfBirth: "1988-04-12",
    address: { line1: "1 Main St", city: "Springfield", countryCode: "US" },
    customerSegment: "STANDARD",
    loyaltyTier: "GOLD",
    loyaltyPoints: 1200,
    registrationDate: "2024-03-01",
    status: "ACTIVE",
    consent: { email: true, sms: false },
  });
  const calls = Math.max(500, Math.round(5000 * scale));
  const handler: number[] = [];
  const parse: number[] = [];
  for (let i = 0; i < calls; i++) {
    let t = performance.now();
    const res = await validateCustomer(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/customers/validate",
        headers: { "content-type": "application/json" },
        body: { string: body },
      }),
      new InvocationContext({ functionName: "validateCustomer", logHandler: () => {} }),
    );
    handler.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`validate answered ${res.status}`);
    t = performance.now();
    JSON.parse(body);
    parse.push(performance.now() - t);
  }
  results.push({
    area: "functions",
    name: "/customers/validate latency",
    input: `${calls} in-process calls with a valid record`,
    candidate: {
      label: "handler: request → problem/record response",
      medianMs: median(handler),
      runs: calls,
      extra: { p50Ms: +percentile(handler, 50).toFixed(3), p99Ms: +percentile(handler, 99).toFixed(3) },
    },
    baseline: {
      label: "JSON.parse of the body",
      medianMs: median(parse),
      runs: calls,
      extra: { p50Ms: +percentile(parse, 50).toFixed(4), p99Ms: +percentile(parse, 99).toFixed(4) },
    },
    note: "In-process: excludes the host's HTTP front end and network.",
  });
  return results;
};
