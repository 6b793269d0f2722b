/**
 * Issue 23 item 2: no batch is lost when dependencies fail. The host checkpoints past a batch once
 * its last retry ends, so the last retry must not end while an event is neither applied nor parked:
 * storage refused on the last retry, and Cosmos DB and storage both down on it, are held until one of
 * them is back; afterwards every event is landed (applied) or parked in quarantine, none in neither.
 */
import { InvocationContext } from "@azure/functions";
import { BlobServiceClient, type StoragePipelineOptions } from "@azure/storage-blob";

import type { AnyEvent } from "../../contracts";
import { setDependencies } from "../../functions/src/core/dependencies";
import { Lake } from "../../functions/src/core/lake";
import { triggerMetadataFor } from "../../functions/src/core/positions";
import { foldEvents } from "../../functions/src/core/profile";
import type { QuarantineRecord } from "../../functions/src/core/quarantine";
import { HANDLERS, LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import { comparable, type Fixture, fixture, storeState } from "./helpers";

let f: Fixture;
let storageProxy: FaultProxy;
let lake: Lake;

beforeEach(async () => {
  f = await fixture("lastretry", { viaProxy: true });
  const blobEndpoint = /BlobEndpoint=([^;]+)/.exec(f.services.storage.connectionString)![1];
  const { origin, pathname } = new URL(blobEndpoint);
  storageProxy = await startFaultProxy(origin);
  const viaProxy = f.services.storage.connectionString.replace(
    blobEndpoint,
    `${storageProxy.endpoint.replace(/\/$/, "")}${pathname}`,
  );
  // One try per storage call: the outage is seen at once (the SDK's own retries would only slow the test).
  const options: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };
  lake = new Lake(BlobServiceClient.fromConnectionString(viaProxy, options), f.prefix);
  setDependencies({
    ...f.deps,
    lake,
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    hold: { baseDelayMs: 20, maxDelayMs: 50 },
  });
});
afterEach(async () => {
  await storageProxy.stop();
  await f.cleanup();
});

const events = syntheticEvents({ events: 60, customers: 5, seed: 230 }).filter(
  (e) => e.eventType === "order",
);

function lastRetry(): Promise<unknown> {
  const hub = new LocalEventHub(1);
  hub.send(events);
  const [delivery] = hub.batches(500).flat();
  return HANDLERS[delivery.stream.functionName](
    delivery.messages.map((m) => Buffer.from(JSON.stringify(m.body))),
    new InvocationContext({
      functionName: delivery.stream.functionName,
      triggerMetadata: triggerMetadataFor(delivery.stream.hubName, delivery.partitionId, delivery.messages),
      retryContext: { retryCount: 5, maxRetryCount: 5 },
      logHandler: () => {},
    }),
  );
}

/** Waits for the outage to have been met often enough, or for the invocation to have ended. */
async function until(condition: () => boolean, settled: () => boolean): Promise<void> {
  while (!condition() && !settled()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Every event is landed (then its profile is applied) or parked, and none is neither. */
async function expectNoneInNeither(): Promise<void> {
  const landed = new Set<string>();
  for (const path of await f.deps.lake.list("landing")) {
    for (const line of ((await f.deps.lake.read("landing", path)) ?? "").split("\n"))
      if (line) landed.add((JSON.parse(line) as AnyEvent).eventId);
  }
  const parked = new Set<string>();
  for (const path of await f.deps.lake.list("quarantine")) {
    for (const line of ((await f.deps.lake.read("quarantine", path)) ?? "").split("\n")) {
      if (!line) continue;
      const record = JSON.parse(line) as QuarantineRecord;
      expect(record.reason).toBe("retries_exhausted");
      parked.add(record.eventId!);
    }
  }
  const neither = events.filter((e) => !landed.has(e.eventId) && !parked.has(e.eventId));
  expect(neither.map((e) => e.eventId)).toEqual([]);
  if (landed.size === events.length) {
    expect(comparable(await storeState(f.deps))).toEqual(comparable(foldEvents(events)));
  }
}

test("storage refused on the last retry: the invocation holds the batch until storage is back, then none is in neither place", async () => {
  storageProxy.setPolicy(() => ({ kind: "refuse" }));
  let settled = false;
  const invocation = lastRetry().finally(() => (settled = true));
  await until(
    () => storageProxy.counts.refused >= 12,
    () => settled,
  );
  expect(settled).toBe(false); // still holding: returning or throwing now would let the checkpoint move on
  storageProxy.setPolicy(() => ({ kind: "pass" }));
  await expect(invocation).resolves.toBeDefined();
  await expectNoneInNeither();
});

test("landing refused on the last retry: the batch is parked whole, each record with its event's ids", async () => {
  storageProxy.setPolicy((r) =>
    r.path.includes(`/${f.prefix}landing`) ? { kind: "refuse" } : { kind: "pass" },
  );
  const summary = (await lastRetry()) as { quarantinedByCode: Record<string, number> };
  expect(summary.quarantinedByCode).toEqual({ retries_exhausted: events.length });
  const records: QuarantineRecord[] = [];
  for (const path of await f.deps.lake.list("quarantine")) {
    if (path.startsWith("index/")) continue;
    for (const line of ((await f.deps.lake.read("quarantine", path)) ?? "").split("\n"))
      if (line) records.push(JSON.parse(line) as QuarantineRecord);
  }
  // The messages arrive as bytes and are kept as received (text); their ids are read from it, so a parked
  // event can be found, replayed, exported and erased by id like any other quarantined one.
  expect(records.map((r) => [r.eventId, r.customerId]).sort()).toEqual(
    events.map((e) => [e.eventId, e.customerId]).sort(),
  );
  expect(records.every((r) => typeof r.event === "string")).toBe(true);
  await expectNoneInNeither();
});

test("Cosmos DB and storage both down on the last retry: held, then every event applied or parked", async () => {
  storageProxy.setPolicy(() => ({ kind: "refuse" }));
  f.proxy!.setPolicy(() => ({
    kind: "respond",
    status: 503,
    body: { code: "ServiceUnavailable", message: "injected" },
  }));
  let settled = false;
  const invocation = lastRetry().finally(() => (settled = true));
  await until(
    () => storageProxy.counts.refused >= 8 && f.proxy!.counts.injected >= 8,
    () => settled,
  );
  expect(settled).toBe(false);
  f.proxy!.setPolicy(() => ({ kind: "pass" }));
  storageProxy.setPolicy(() => ({ kind: "pass" }));
  await expect(invocation).resolves.toBeDefined();
  await expectNoneInNeither();
});
