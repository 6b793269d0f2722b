/**
 * Erasure in the real-time path: after DELETE /api/customers/{id} the profile is a tombstone, so
 * events that arrive later (late, replayed, another producer) are not applied and recreate nothing,
 * also when the erasure lands between the processor's read and its write.
 */
import type { AnyEvent } from "../../contracts";
import type { ErasureRecord } from "../../functions/src/core/customers";
import { eraseCustomer } from "../../functions/src/core/customers";
import { triggerMetadataFor } from "../../functions/src/core/positions";
import { type BatchSummary, processBatch, type ProcessorDeps } from "../../functions/src/core/processor";
import { profileKey } from "../../functions/src/core/profile";
import { ProfileStore } from "../../functions/src/core/profile-store";
import { deleteCustomer } from "../../functions/src/functions/deleteCustomer";
import { exportCustomer } from "../../functions/src/functions/exportCustomer";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { deliver, LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture, storeState, total } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";

let f: Fixture;
// One hub for the file: sequence numbers (hence batch ids and landing file names) never repeat.
const hub = new LocalEventHub(1);
beforeAll(async () => {
  f = await fixture("erasure");
});
afterAll(async () => {
  await f.cleanup();
});

/** `count` events of one customer; the seed keeps event ids apart between calls. */
function eventsOf(customerId: string, count: number, seed: number): AnyEvent[] {
  return syntheticEvents({ events: count, customers: 1, seed }).map(
    (e) => JSON.parse(JSON.stringify(e).replaceAll("C000000", customerId)) as AnyEvent,
  );
}

const profileEvents = (events: AnyEvent[]) => events.filter((e) => profileKey(e) !== undefined).length;

/** Appends events to the hub and delivers only the new ones: through the registered handlers, or
 * straight to processBatch with the given deps (to inject a store). */
async function send(events: AnyEvent[], deps?: ProcessorDeps): Promise<BatchSummary[]> {
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

const get = (id: string) => getCustomer(request("GET", "x", { params: { id } }), context("getCustomer"));

type Erased = ErasureRecord & { profileDeleted: boolean; quarantineRecordsRemoved: number };

async function erase(id: string): Promise<Erased> {
  const res = await deleteCustomer(request("DELETE", "x", { params: { id } }), context("deleteCustomer"));
  expect(res.status).toBe(202);
  return bodyJson(res) as unknown as Erased;
}

async function landedIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const path of await f.deps.lake.list("landing")) {
    const text = (await f.deps.lake.read("landing", path)) ?? "";
    for (const line of text.split("\n")) if (line) ids.add((JSON.parse(line) as AnyEvent).eventId);
  }
  return ids;
}

/** A store whose first read for update lets an erasure in before returning: the race, made certain. */
class EraseAfterFirstRead extends ProfileStore {
  private fired = false;
  constructor(
    store: ProfileStore,
    private readonly eraseNow: () => Promise<unknown>,
  ) {
    super(store.container, 0);
  }
  override async readForUpdate(customerId: string) {
    const stored = await super.readForUpdate(customerId);
    if (!this.fired) {
      this.fired = true;
      await this.eraseNow();
    }
    return stored;
  }
}

/** The stored document is exactly a tombstone: ids and the erasure request, nothing personal. */
async function expectTombstone(id: string, requestId: string): Promise<void> {
  const raw = (await f.deps.store.container.item(id, id).read<Record<string, unknown>>()).resource!;
  const fields = Object.keys(raw).filter((k) => !k.startsWith("_"));
  expect(fields.sort()).toEqual(["customerId", "docType", "erasure", "id"]);
  expect(raw.docType).toBe("erasure_tombstone");
  expect(raw.erasure).toEqual({ requestId, requestedAt: expect.any(String) as unknown });
}

test("events after an erasure (late, replayed) are not applied: no profile, GET 404, counted as erasedSkipped, still landed", async () => {
  const id = "C900001";
  const before = eventsOf(id, 20, 101);
  expect(total(await send(before), (s) => s.profilesWritten)).toBeGreaterThan(0);
  expect((await get(id)).status).toBe(200);

  const record = await erase(id);
  expect(record.profileDeleted).toBe(true);

  const late = [...eventsOf(id, 12, 102), ...before.slice(0, 5)]; // new events and a replay
  const summaries = await send(late);
  expect((await get(id)).status).toBe(404);
  const segments = await getCustomerSegments(
    request("GET", "x", { params: { id } }),
    context("getCustomerSegments"),
  );
  expect(segments.status).toBe(404);
  expect((await storeState(f.deps)).has(id)).toBe(false);
  await expectTombstone(id, record.requestId);

  expect(total(summaries, (s) => s.erasedSkipped)).toBe(profileEvents(late));
  expect(total(summaries, (s) => s.applied)).toBe(0);
  expect(total(summaries, (s) => s.profilesWritten)).toBe(0);
  // Landing is unchanged: the batch path drops erased customers itself (control/erasure).
  const landed = await landedIds();
  for (const e of late) expect(landed.has(e.eventId)).toBe(true);

  // Erasing again: recorded, but no profile existed any more.
  expect((await erase(id)).profileDeleted).toBe(false);
});

/** Sends one customer's orders through a store that erases the customer right after the processor's first read. */
async function raceErasure(id: string, seed: number) {
  let record: Erased | undefined;
  const orders = eventsOf(id, 30, seed).filter((e) => e.eventType === "order");
  const racing = new EraseAfterFirstRead(f.deps.store, async () => {
    record = await eraseCustomer(f.deps, id);
  });
  const [summary] = await send(orders, { ...f.deps, store: racing });
  return { record: record!, summary: summary!, orders };
}

test("race: the erasure lands between the processor's read and its write → conflict, re-read, tombstone honoured", async () => {
  // An existing profile: the processor's replace carries the old ETag → 412.
  const existing = "C900002";
  await send(eventsOf(existing, 20, 201));
  expect((await get(existing)).status).toBe(200);
  const { record, summary, orders } = await raceErasure(existing, 202);
  expect(record?.profileDeleted).toBe(true);
  expect((await get(existing)).status).toBe(404);
  await expectTombstone(existing, record.requestId);
  expect(summary).toMatchObject({ conflicts: 1, applied: 0, profilesWritten: 0 });
  expect(summary.erasedSkipped).toBe(orders.length);

  // No profile yet: the processor's create meets the tombstone → 409.
  const fresh = "C900003";
  const { record: freshRecord, summary: freshSummary, orders: freshOrders } = await raceErasure(fresh, 203);
  expect(freshRecord?.profileDeleted).toBe(false);
  expect((await get(fresh)).status).toBe(404);
  await expectTombstone(fresh, freshRecord.requestId);
  expect(freshSummary).toMatchObject({ conflicts: 1, applied: 0, profilesWritten: 0 });
  expect(freshSummary.erasedSkipped).toBe(freshOrders.length);
});

test("export after erasure (and a late event): profile null, the erasure request listed", async () => {
  const id = "C900004";
  await send(eventsOf(id, 20, 301));
  const record = await erase(id);
  await send(eventsOf(id, 5, 302));
  const res = await exportCustomer(request("GET", "x", { params: { id } }), context("exportCustomer"));
  expect(res.status).toBe(200);
  const exported = bodyJson(res) as { profile: unknown; erasureRequests: ErasureRecord[] };
  expect(exported.profile).toBeNull();
  expect(exported.erasureRequests).toEqual([
    { customerId: id, requestedAt: record.requestedAt, requestId: record.requestId },
  ]);
});

test("erasing a customer never seen still blocks their later events", async () => {
  const id = "C900005";
  expect((await get(id)).status).toBe(404);
  const record = await erase(id);
  expect(record.profileDeleted).toBe(false);

  const events = eventsOf(id, 25, 401);
  const summaries = await send(events);
  expect((await get(id)).status).toBe(404);
  await expectTombstone(id, record.requestId);
  expect(total(summaries, (s) => s.erasedSkipped)).toBe(profileEvents(events));
  expect(total(summaries, (s) => s.profilesWritten)).toBe(0);
});

test("erasure removes the customer's quarantined events (export lists none after), and no one else's", async () => {
  const id = "C900006";
  const other = "C900007";
  // Invalid events (an unknown schema version) of both customers land in the same quarantine files.
  const broken = (customerId: string, seed: number) =>
    eventsOf(customerId, 6, seed).map((e) => ({ ...e, schemaVersion: "9.9" }) as unknown as AnyEvent);
  await send([...broken(id, 501), ...broken(other, 502), ...eventsOf(id, 4, 503)]);
  const exported = async (customerId: string) =>
    (
      bodyJson(
        await exportCustomer(request("GET", "x", { params: { id: customerId } }), context("exportCustomer")),
      ) as {
        quarantinedEvents: unknown[];
      }
    ).quarantinedEvents.length;
  expect(await exported(id)).toBe(6);
  expect(await exported(other)).toBe(6);

  expect((await erase(id)).quarantineRecordsRemoved).toBe(6);
  expect(await exported(id)).toBe(0);
  expect(await exported(other)).toBe(6);
  for (const path of await f.deps.lake.list("quarantine", "realtime/"))
    expect((await f.deps.lake.read("quarantine", path)) ?? "").not.toContain(id);
  // erasing again finds nothing left to remove
  expect((await erase(id)).quarantineRecordsRemoved).toBe(0);
});
