/**
 * BASELINE reliability scenarios 2 and 4-8 against Azurite and a Cosmos DB server, with faults
 * injected on the wire by a proxy. Oracle: the pure fold (foldEvents).
 */
import { InvocationContext } from "@azure/functions";

import type { AnyEvent } from "../../contracts";
import { triggerMetadataFor } from "../../functions/src/core/positions";
import { processBatch } from "../../functions/src/core/processor";
import { foldEvents } from "../../functions/src/core/profile";
import { ProfileStore } from "../../functions/src/core/profile-store";
import type { QuarantineRecord } from "../../functions/src/core/quarantine";
import { streamFor } from "../../functions/src/core/streams";
import { deliver, type Delivery, HANDLERS, LocalEventHub } from "../../functions/src/local/hub";
import { rng, syntheticEvents } from "../../functions/src/local/synthetic";
import {
  comparable,
  deliverAll,
  deliverWithRedelivery,
  type Fixture,
  fixture,
  storeState,
  total,
} from "./helpers";

async function quarantined(f: Fixture): Promise<QuarantineRecord[]> {
  const records: QuarantineRecord[] = [];
  for (const path of await f.deps.lake.list("quarantine")) {
    const text = (await f.deps.lake.read("quarantine", path)) ?? "";
    for (const line of text.split("\n")) if (line) records.push(JSON.parse(line) as QuarantineRecord);
  }
  return records;
}

let f: Fixture;
afterEach(async () => {
  await f?.cleanup();
});

test("scenario 2 — out of order: events shuffled within a window per customer → state equals the fold of the sorted stream", async () => {
  f = await fixture("ooo");
  const sorted = syntheticEvents({ events: 2000, customers: 100, seed: 2 });
  const random = rng(22);
  const shuffled = [...sorted];
  for (let start = 0; start < shuffled.length; start += 40) {
    const end = Math.min(shuffled.length, start + 40);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
  }
  expect(shuffled.map((e) => e.eventId)).not.toEqual(sorted.map((e) => e.eventId));
  const hub = new LocalEventHub(3);
  hub.send(shuffled);
  const batches = hub.batches(100);
  const summaries = await deliverAll(batches);
  expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(sorted)));
  // Coalescing: exactly one successful write per distinct customer per batch.
  const distinctPerBatch = batches
    .flat()
    .map((d) => new Set(d.messages.map((m) => (m.body as AnyEvent).customerId).filter(Boolean)).size);
  const written = total(summaries, (s) => s.profilesWritten);
  expect(written).toBe(distinctPerBatch.reduce((a, b) => a + b, 0));
  expect(f.deps.store.stats.writes).toBe(written + total(summaries, (s) => s.conflicts));
});

test("scenario 4 — crash mid-batch after some writes (one of them acknowledged never), redelivered repeatedly → state equals the reference", async () => {
  f = await fixture("crash", { viaProxy: true });
  const events = syntheticEvents({ events: 1500, customers: 80, seed: 4 });
  const hub = new LocalEventHub(2);
  hub.send(events);
  const random = rng(44);
  let crashes = 0;
  for (const queue of hub.batches(100)) {
    for (const delivery of queue) {
      for (let round = 0; round < 2; round++) {
        let writesBeforeCrash = 1 + Math.floor(random() * 4);
        let crashed = false;
        f.proxy!.setPolicy((req) => {
          if (crashed)
            return { kind: "respond", status: 400, body: { code: "BadRequest", message: "host crashed" } };
          if (req.isDocumentWrite && --writesBeforeCrash < 0) {
            crashed = true;
            return { kind: "drop-after-forward" };
          }
          return { kind: "pass" };
        });
        try {
          await deliver(delivery);
        } catch {
          crashes++;
        }
      }
      f.proxy!.setPolicy(() => ({ kind: "pass" }));
      await deliver(delivery);
    }
  }
  expect(crashes).toBeGreaterThan(10);
  expect(f.proxy!.counts.dropped).toBeGreaterThan(10);
  expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(events)));
});

test("scenario 5 — throttling storm: 30% of Cosmos calls answered 429 with retry-after → 0 lost, nothing in quarantine", async () => {
  f = await fixture("throttle", { viaProxy: true });
  const events = syntheticEvents({ events: 2000, customers: 100, seed: 5 });
  const random = rng(55);
  f.proxy!.setPolicy(() =>
    random() < 0.3
      ? {
          kind: "respond",
          status: 429,
          headers: { "x-ms-retry-after-ms": "2", "x-ms-substatus": "3200" },
          body: { code: "TooManyRequests", message: "Request rate is large" },
        }
      : { kind: "pass" },
  );
  const hub = new LocalEventHub(2);
  hub.send(events);
  const summaries = await deliverAll(hub.batches(100));
  f.proxy!.setPolicy(() => ({ kind: "pass" }));
  expect(f.proxy!.counts.injected).toBeGreaterThan(200);
  expect(total(summaries, (s) => s.quarantined)).toBe(0);
  expect(await quarantined(f)).toHaveLength(0);
  expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(events)));
});

test("scenario 6 — mixed batch: valid applied once, invalid quarantined once with reason and position, transient applied after retry", async () => {
  f = await fixture("mixed", { viaProxy: true });
  const valid = syntheticEvents({ events: 1200, customers: 60, seed: 6 });
  const random = rng(66);
  const invalid: unknown[] = [];
  const stream: unknown[] = [...valid];
  for (let i = 0; i < 40; i++) {
    let bad = structuredClone(valid[Math.floor(random() * valid.length)]) as unknown as Record<
      string,
      unknown
    >;
    bad.eventId = `BAD-${i}`;
    if (i % 4 === 0) bad.occurredAt = "yesterday";
    else if (i % 4 === 1) bad.schemaVersion = "9.0";
    else if (i % 4 === 2) {
      // An own "__proto__" key, as JSON.parse produces it from a hostile producer, and an unknown source.
      bad.source = "fax";
      bad = JSON.parse(JSON.stringify(bad).replace("{", '{"__proto__":{"polluted":true},')) as Record<
        string,
        unknown
      >;
    } else delete bad.payload;
    invalid.push(bad);
    stream.splice(Math.floor(random() * stream.length), 0, bad);
  }
  // Transient: every Cosmos call for two customers fails with 503 until each has failed 30 times
  // (more than one delivery's retry budget, so their batches fail and are redelivered).
  const failuresLeft = new Map([
    ["C000003", 30],
    ["C000007", 30],
  ]);
  f.proxy!.setPolicy((req) => {
    const left = req.partitionKey ? failuresLeft.get(req.partitionKey) : undefined;
    if (left && left > 0) {
      failuresLeft.set(req.partitionKey!, left - 1);
      return { kind: "respond", status: 503, body: { code: "ServiceUnavailable", message: "injected" } };
    }
    return { kind: "pass" };
  });
  const hub = new LocalEventHub(2);
  hub.send(stream);
  const { summaries, failures } = await deliverWithRedelivery(hub.batches(150));
  expect(failures).toBeGreaterThan(0);
  expect([...failuresLeft.values()]).toEqual([0, 0]);
  expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(valid)));
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();

  const records = await quarantined(f);
  expect(records).toHaveLength(invalid.length);
  expect(new Set(records.map((r) => r.eventId)).size).toBe(invalid.length);
  expect(total(summaries, (s) => s.quarantined)).toBe(invalid.length);
  for (const r of records) {
    expect(r.eventId).toMatch(/^BAD-/);
    expect(r.position.partitionId).toMatch(/^[01]$/);
    expect(typeof r.position.sequenceNumber).toBe("number");
    expect(r.position.offset).toMatch(/^\d+$/);
    expect(r.violations.length).toBeGreaterThan(0);
  }
  const byReason = (code: string) => records.filter((r) => r.reason === code).length;
  expect(byReason("invalid_timestamp")).toBe(10);
  expect(byReason("unknown_schema_version")).toBe(10);
  expect(byReason("missing_required_field")).toBe(10);
  expect(byReason("unknown_source")).toBe(10);
});

test("scenario 7 — two consumers writing the same customers, interleaved → no lost update", async () => {
  f = await fixture("concurrent");
  const events = syntheticEvents({ events: 2000, customers: 40, seed: 7 });
  const hub = new LocalEventHub(2);
  hub.send(events);
  const consumerA = f.deps;
  const consumerB = { ...f.deps, store: new ProfileStore(f.deps.store.container) };
  const all: Delivery[] = hub.batches(25).flat();
  const run = async (deps: typeof consumerA, deliveries: Delivery[]) => {
    let conflicts = 0;
    for (const d of deliveries) {
      const s = await processBatch(
        d.stream,
        d.messages.map((m) => m.body),
        triggerMetadataFor(d.stream.hubName, d.partitionId, d.messages),
        deps,
      );
      conflicts += s.conflicts;
    }
    return conflicts;
  };
  // Different hubs' batches for the same customers run at the same time on the two consumers.
  const [a, b] = await Promise.all([
    run(
      consumerA,
      all.filter((_, i) => i % 2 === 0),
    ),
    run(
      consumerB,
      all.filter((_, i) => i % 2 === 1),
    ),
  ]);
  expect(a + b).toBeGreaterThan(0);
  expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(events)));
});

test("scenario 8 — schema evolution: 1.0 and 1.1 mixed plus an unknown version → known applied, unknown parked, no exception", async () => {
  f = await fixture("schema");
  const known = syntheticEvents({ events: 1500, customers: 80, seed: 8, versions: "mixed" });
  expect(new Set(known.map((e) => e.schemaVersion))).toEqual(new Set(["1.0", "1.1"]));
  const unknown = known
    .filter((e) => e.eventType === "order" || e.eventType === "customer_profile")
    .slice(0, 30)
    .map(
      (e, i) =>
        ({ ...structuredClone(e), eventId: `V2-${i}`, schemaVersion: i % 2 ? "2.0" : "1.2" }) as AnyEvent,
    );
  const hub = new LocalEventHub(2);
  hub.send([...known, ...unknown]);
  const summaries = await deliverAll(hub.batches(100));
  expect(total(summaries, (s) => s.quarantinedByCode.unknown_schema_version ?? 0)).toBe(30);
  const records = await quarantined(f);
  expect(records.map((r) => r.eventId).sort()).toEqual(unknown.map((e) => e.eventId).sort());
  expect(records.every((r) => r.reason === "unknown_schema_version")).toBe(true);
  expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(known)));
  // The routing the profile hub uses is the event type's own.
  expect(streamFor("order").hubName).toBe("order");
});

test("last retry of a batch that still cannot complete: the batch is parked in quarantine (retries_exhausted), not lost", async () => {
  f = await fixture("exhausted", { viaProxy: true });
  const events = syntheticEvents({ events: 40, customers: 5, seed: 10 }).filter(
    (e) => e.eventType === "order",
  );
  const hub = new LocalEventHub(1);
  hub.send(events);
  const [delivery] = hub.batches(100).flat();
  f.proxy!.setPolicy(() => ({ kind: "respond", status: 400, body: { code: "BadRequest", message: "down" } }));
  const handler = HANDLERS[delivery.stream.functionName];
  const invoke = (retryCount: number) =>
    handler(
      delivery.messages.map((m) => m.body),
      new InvocationContext({
        functionName: delivery.stream.functionName,
        triggerMetadata: triggerMetadataFor(delivery.stream.hubName, delivery.partitionId, delivery.messages),
        retryContext: { retryCount, maxRetryCount: 10 },
        logHandler: () => {},
      }),
    );
  // Cosmos DB answers every call with an error: the first call of the batch (erased-identity lookup or profile write) fails it.
  await expect(invoke(3)).rejects.toThrow(/profile write\(s\) failed|down/);
  expect(await quarantined(f)).toHaveLength(0);
  const parked = await invoke(10);
  expect(parked.quarantinedByCode).toEqual({ retries_exhausted: events.length });
  const records = await quarantined(f);
  expect(records.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
  expect(records.every((r) => r.reason === "retries_exhausted" && r.position.partitionId === "0")).toBe(true);
});
