/**
 * The batch traits sync against Azurite (the gold export, state, run records, publish log) and the Cosmos DB server
 * (traits documents, identifier index): requests per customer, unchanged customers, idempotency per load, resumed
 * syncs, erased customers, and real-time fields left alone.
 */
import type { ProfileChangeEvent } from "../../contracts";
import { type ChangePublisher, InMemoryChangePublisher } from "../../functions/src/core/change-events";
import { eraseCustomer } from "../../functions/src/core/customers";
import { IdentityIndex, indexId } from "../../functions/src/core/identity-index";
import { emptyProfile } from "../../functions/src/core/profile";
import { readTraitsDocument, traitsDocId } from "../../functions/src/core/traits";
import {
  readTraitsExtract,
  runRecordPath,
  syncProfileTraits,
  type TraitsSyncDeps,
  TraitsSyncError,
} from "../../functions/src/core/traits-sync";
import { type Fixture, fixture } from "./helpers";
import { extractRow, writeExtract } from "./traits-helpers";

jest.setTimeout(120_000);

let fx: Fixture;
let changes: InMemoryChangePublisher;

beforeEach(async () => {
  fx = await fixture("traits");
  changes = new InMemoryChangePublisher();
});
afterEach(async () => {
  await fx.deps.lake.service.getContainerClient(fx.prefix + "gold").deleteIfExists();
  await fx.cleanup();
});

function syncDeps(publisher: ChangePublisher = changes): TraitsSyncDeps {
  return {
    lake: fx.deps.lake,
    profiles: fx.deps.store.container,
    index: fx.deps.index!,
    changes: publisher,
    now: () => new Date("2026-03-10T02:05:00Z"),
  };
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => `C${String(i + 1).padStart(6, "0")}`);

describe("traits sync", () => {
  test("a first sync creates one traits document per customer and indexes every identifier, without events", async () => {
    await writeExtract(
      fx.deps.lake,
      "L1",
      keys(5).map((k) => extractRow(k)),
    );
    const s = await syncProfileTraits(syncDeps(), "L1");
    expect(s).toMatchObject({ customers: 5, synced: 5, created: 5, skippedUnchanged: 0, changeEvents: 0 });
    expect(s.cosmosRequests).toBe(5); // one create each, no read
    expect(changes.published).toEqual([]);
    const doc = await readTraitsDocument(fx.deps.store, "C000002");
    expect(doc).toMatchObject({
      id: "C000002|traits",
      customerId: "C000002",
      docType: "batch_traits",
      sourceIds: ["C000002", "POS-2"],
      loadId: "L1",
      asOf: "2026-03-10T02:00:00.000Z",
      asOfDate: "2026-03-10",
      traits: {
        valueTier: "Regular",
        rfm: {
          recencyScore: 3,
          frequencyScore: 4,
          monetaryScore: 3,
          cell: "343",
          segment: "Loyal Customers",
        },
        clv: { historical3y: 1234.5, factor: 640.2 },
        churn: { probability: 0.1, atRisk: false },
        lead: { score: 55.25, tier: "cool" },
        topCategories: ["Electronics", "Home"],
      },
    });
    const index = fx.deps.index!;
    expect(await index.resolve("id", "POS-2")).toBe("C000002");
    expect(await index.resolve("id", "C000002")).toBe("C000002");
    expect(await index.resolve("email", "customer2@example.com")).toBe("C000002");
    expect(await index.resolve("phone", "+14155550002")).toBe("C000002");
    // hashed: no identifier in clear in the index
    const { resources } = await index.container.items.query("SELECT * FROM c").fetchAll();
    expect(JSON.stringify(resources)).not.toMatch(/POS-2|customer2@example\.com|4155550002/);
  });

  test("a later load writes only changed customers, one conditional request each, and emits one event per tracked change", async () => {
    const customers = keys(20);
    await writeExtract(
      fx.deps.lake,
      "L1",
      customers.map((k) => extractRow(k)),
    );
    await syncProfileTraits(syncDeps(), "L1");
    const later = { computed_at: "2026-03-11 02:00:00+00", as_of_date: "2026-03-11" };
    await writeExtract(
      fx.deps.lake,
      "L2",
      customers.map((k) =>
        k === "C000003"
          ? extractRow(k, { ...later, value_tier: "Premium", factor_clv: 2100 })
          : k === "C000007"
            ? extractRow(k, { ...later, lead_tier: "warm", lead_score: 61, is_churn_risk: true })
            : extractRow(k, later),
      ),
    );
    const s = await syncProfileTraits(syncDeps(), "L2");
    expect(s).toMatchObject({ customers: 20, synced: 2, created: 0, skippedUnchanged: 18, conflicts: 0 });
    expect(s.cosmosRequests).toBe(2); // ≤ 1 per changed customer, none for the 18 unchanged
    expect(s.indexRequests).toBe(0); // identifiers unchanged
    const kinds = changes.published.map((e) => [
      e.customerId,
      e.payload.kind,
      e.payload.oldValue,
      e.payload.newValue,
    ]);
    expect(kinds.sort()).toEqual([
      ["C000003", "valueTier", "Regular", "Premium"],
      ["C000007", "churnRisk", "not_at_risk", "at_risk"],
      ["C000007", "leadTier", "cool", "warm"],
    ]);
    const premium = changes.published.find((e) => e.customerId === "C000003")!;
    expect(premium).toMatchObject({
      eventType: "customer.profile.updated",
      source: "c360-traits-sync",
      payload: { cause: "batch_traits_sync", asOf: "2026-03-11T02:00:00.000Z", loadId: "L2" },
    });
    expect(s.changesByKind).toEqual({ valueTier: 1, churnRisk: 1, leadTier: 1 });
    expect((await readTraitsDocument(fx.deps.store, "C000003"))!.traits.valueTier).toBe("Premium");
    // an unchanged customer keeps the first load's document
    expect((await readTraitsDocument(fx.deps.store, "C000004"))!.loadId).toBe("L1");
  });

  test("the same load again does nothing: no request, no event", async () => {
    await writeExtract(
      fx.deps.lake,
      "L1",
      keys(3).map((k) => extractRow(k)),
    );
    await syncProfileTraits(syncDeps(), "L1");
    await writeExtract(
      fx.deps.lake,
      "L2",
      keys(3).map((k) => extractRow(k, { value_tier: "VIP" })),
    );
    const first = await syncProfileTraits(syncDeps(), "L2");
    expect(first.changeEvents).toBe(3);
    const reads = fx.deps.store.stats.reads;
    const again = await syncProfileTraits(syncDeps(), "L2");
    expect(again).toMatchObject({ alreadySynced: true, synced: 3, changeEvents: 3 });
    expect(changes.published).toHaveLength(3);
    expect(fx.deps.store.stats.reads).toBe(reads);
    expect(await fx.deps.lake.read("control", runRecordPath("L2"))).toContain('"synced": 3');
  });

  test("never overwrites real-time fields: the profile document is not touched", async () => {
    const profile = emptyProfile("C000001");
    profile.personal.email = "rt@example.com";
    profile.orders.count = 7;
    await fx.deps.store.write(profile, undefined);
    const before = await fx.deps.store.read("C000001");
    await writeExtract(fx.deps.lake, "L1", [extractRow("C000001")]);
    await syncProfileTraits(syncDeps(), "L1");
    await writeExtract(fx.deps.lake, "L2", [extractRow("C000001", { value_tier: "VIP" })]);
    await syncProfileTraits(syncDeps(), "L2");
    const after = await fx.deps.store.read("C000001");
    expect(after!.etag).toBe(before!.etag);
    expect(after!.doc.personal.email).toBe("rt@example.com");
    // and the real-time path can still write its profile after a sync (no conflict with the traits document)
    after!.doc.orders.count = 8;
    await fx.deps.store.write(after!.doc, after!.etag);
    expect((await readTraitsDocument(fx.deps.store, "C000001"))!.traits.valueTier).toBe("VIP");
  });

  test("a sync interrupted after its writes resumes: nothing written twice, each event published once", async () => {
    await writeExtract(
      fx.deps.lake,
      "L1",
      keys(4).map((k) => extractRow(k)),
    );
    await syncProfileTraits(syncDeps(), "L1");
    await writeExtract(
      fx.deps.lake,
      "L2",
      keys(4).map((k) => extractRow(k, { rfm_segment: "Champions" })),
    );
    let calls = 0;
    const flaky: ChangePublisher = {
      publish: async (events: readonly ProfileChangeEvent[]) => {
        if (calls++ === 0) throw new Error("event hub unavailable");
        await changes.publish(events);
      },
    };
    await expect(syncProfileTraits(syncDeps(flaky), "L2")).rejects.toThrow("event hub unavailable");
    expect(await fx.deps.lake.read("control", runRecordPath("L2"))).toBeUndefined();
    const resumed = await syncProfileTraits(syncDeps(flaky), "L2");
    expect(resumed).toMatchObject({ resumed: 4, synced: 0, changeEvents: 4, published: 4 });
    expect(changes.published).toHaveLength(4);
    expect(new Set(changes.published.map((e) => e.eventId)).size).toBe(4);
    // a third attempt (the queue redelivering) publishes nothing more
    await syncProfileTraits(syncDeps(flaky), "L2");
    expect(changes.published).toHaveLength(4);
  });

  test("the publish log keeps a retry from re-sending events that were sent before a crash", async () => {
    await writeExtract(
      fx.deps.lake,
      "L1",
      keys(2).map((k) => extractRow(k)),
    );
    await syncProfileTraits(syncDeps(), "L1");
    await writeExtract(
      fx.deps.lake,
      "L2",
      keys(2).map((k) => extractRow(k, { value_tier: "VIP" })),
    );
    const s1 = await syncProfileTraits(syncDeps(), "L2");
    expect(s1.published).toBe(2);
    // as if the run had crashed after publishing but before recording that it finished
    await fx.deps.lake.container("control").getBlockBlobClient(runRecordPath("L2")).delete();
    const s2 = await syncProfileTraits(syncDeps(), "L2");
    expect(s2.published).toBe(0);
    expect(changes.published).toHaveLength(2);
  });

  test("never recreates an erased customer; erasure removes its index entries and emits one event", async () => {
    await writeExtract(
      fx.deps.lake,
      "L1",
      keys(3).map((k) => extractRow(k)),
    );
    await syncProfileTraits(syncDeps(), "L1");
    const deps = { ...fx.deps, changes };
    const erased = await eraseCustomer(deps, "C000002", new Date("2026-03-10T03:00:00Z"));
    expect(erased.indexEntriesRemoved).toBe(4); // C000002, POS-2, email, phone
    expect(changes.published).toHaveLength(1);
    expect(changes.published[0]).toMatchObject({
      eventType: "customer.profile.erased",
      source: "c360-erasure",
      customerId: "C000002",
      payload: { kind: "erased", cause: "erasure", requestId: erased.requestId },
    });
    expect(erased.changeEventId).toBe(changes.published[0]!.eventId);
    const index = fx.deps.index!;
    for (const [kind, v] of [
      ["id", "POS-2"],
      ["id", "C000002"],
      ["email", "customer2@example.com"],
      ["phone", "+14155550002"],
    ] as const)
      expect(await index.resolve(kind, v)).toBeUndefined();
    expect(await index.resolve("id", "POS-3")).toBe("C000003");

    // the next gold load still has the customer (the batch erasure runs later) with changed traits
    await writeExtract(
      fx.deps.lake,
      "L2",
      keys(3).map((k) => extractRow(k, { value_tier: "VIP" })),
    );
    const s = await syncProfileTraits(syncDeps(), "L2");
    expect(s).toMatchObject({ erasedSkipped: 1, synced: 2 });
    expect(await readTraitsDocument(fx.deps.store, "C000002")).toBeUndefined();
    const raw = await fx.deps.store.container.item(traitsDocId("C000002"), "C000002").read();
    expect(raw.resource.docType).toBe("erasure_tombstone");
    expect(await index.resolve("id", "POS-2")).toBeUndefined();
    expect(changes.published.filter((e) => e.customerId === "C000002")).toHaveLength(1);

    // An id nothing is held about is not erased: nothing is stored for it (docs/functions.md, Erasure: made-up
    // ids cannot grow storage), so a later load may create its traits, and a DELETE then erases them.
    expect(await eraseCustomer(deps, "C000099")).toMatchObject({ held: false });
    await writeExtract(
      fx.deps.lake,
      "L3",
      [...keys(3), "C000099"].map((k) => extractRow(k, { value_tier: "VIP" })),
    );
    const s3 = await syncProfileTraits(syncDeps(), "L3");
    expect(s3.erasedSkipped).toBe(1);
    expect(await readTraitsDocument(fx.deps.store, "C000099")).toBeDefined();
    expect(await eraseCustomer(deps, "C000099")).toMatchObject({ held: true });
    expect(await readTraitsDocument(fx.deps.store, "C000099")).toBeUndefined();
  });

  test("a customer merged into another key is removed with its index entries; identifiers move to the new key", async () => {
    await writeExtract(fx.deps.lake, "L1", [
      extractRow("C000001", { source_ids: ["C000001"], external_ids: [], emails: ["a@example.com"] }),
      extractRow("C000005", { source_ids: ["C000005", "POS-5"], emails: ["b@example.com"] }),
    ]);
    await syncProfileTraits(syncDeps(), "L1");
    await writeExtract(fx.deps.lake, "L2", [
      extractRow("C000001", {
        source_ids: ["C000001", "C000005", "POS-5"],
        external_ids: ["POS-5"],
        emails: ["a@example.com", "b@example.com"],
      }),
    ]);
    const s = await syncProfileTraits(syncDeps(), "L2");
    expect(s).toMatchObject({ synced: 1, removed: 1 });
    expect(await readTraitsDocument(fx.deps.store, "C000005")).toBeUndefined();
    const index = fx.deps.index!;
    expect(await index.resolve("id", "POS-5")).toBe("C000001");
    expect(await index.resolve("id", "C000005")).toBe("C000001");
    expect(await index.resolve("email", "b@example.com")).toBe("C000001");
  });

  test("bad extracts are clear errors", async () => {
    await expect(syncProfileTraits(syncDeps(), "L9")).rejects.toThrow(
      new TraitsSyncError(
        "no traits extract for load L9 (expected gold/_exports/profile_traits/load_id=L9/part-*.json)",
      ),
    );
    await fx.deps.lake.writeOnce(
      "gold",
      "_exports/profile_traits/load_id=L8/part-00000.json",
      JSON.stringify({ ...extractRow("C1"), load_id: "L8" }) + "\n{not json\n",
    );
    await expect(readTraitsExtract(fx.deps.lake, "L8")).rejects.toThrow(
      "gold/_exports/profile_traits/load_id=L8/part-00000.json:2: not a JSON line",
    );
    await writeExtract(fx.deps.lake, "L7", [extractRow("C1", { value_tier: 5 as never })]);
    await expect(readTraitsExtract(fx.deps.lake, "L7")).rejects.toThrow("value_tier is not a string");
    await writeExtract(fx.deps.lake, "L6", [extractRow("C1"), extractRow("C1")]);
    await expect(readTraitsExtract(fx.deps.lake, "L6")).rejects.toThrow("customer C1 appears twice");
    // Spark's JSON writer leaves NULL fields out, and adds _SUCCESS beside the parts
    await fx.deps.lake.writeOnce(
      "gold",
      "_exports/profile_traits/load_id=L5/part-00000-abc.json",
      JSON.stringify({
        customer_key: "C1",
        value_tier: "New",
        as_of_date: "2026-03-10",
        computed_at: "2026-03-10T02:00:00.000Z",
        load_id: "L5",
      }) + "\n",
    );
    await fx.deps.lake.writeOnce("gold", "_exports/profile_traits/load_id=L5/_SUCCESS", "");
    const [row] = await readTraitsExtract(fx.deps.lake, "L5");
    expect(row).toMatchObject({
      customerKey: "C1",
      sourceIds: ["C1"],
      traits: { valueTier: "New", rfm: { segment: null }, topCategories: [] },
    });
  });

  test("an older load is not applied over a newer one", async () => {
    await writeExtract(fx.deps.lake, "L2", [extractRow("C1", { computed_at: "2026-03-11 02:00:00+00" })]);
    await syncProfileTraits(syncDeps(), "L2");
    await writeExtract(fx.deps.lake, "L1", [extractRow("C1", { value_tier: "VIP" })]);
    await expect(syncProfileTraits(syncDeps(), "L1")).rejects.toThrow(/older than the last synced load L2/);
  });
});

test("the index answers with one point read (no query)", async () => {
  const index = new IdentityIndex(fx.deps.index!.container);
  await index.put({ id: indexId("email", "x@example.com"), kind: "email", customerKey: "C1" });
  const query = jest.spyOn(index.container.items, "query");
  expect(await index.resolve("email", "x@example.com")).toBe("C1");
  expect(await index.resolve("email", "y@example.com")).toBeUndefined();
  expect(index.stats.reads).toBe(2);
  expect(query).not.toHaveBeenCalled();
});
