/**
 * Erasure in the real-time path: after DELETE /api/customers/{id} the profile is a tombstone, so
 * events that arrive later (late, replayed, another producer) are not applied and recreate nothing,
 * also when the erasure lands between the processor's read and its write.
 */
import type { AnyEvent } from "../../contracts";
import type { ErasureRecord } from "../../functions/src/core/customers";
import { eraseCustomer } from "../../functions/src/core/customers";
import { cosmosPart } from "../../functions/src/core/person-export";
import type { BatchSummary, ProcessorDeps } from "../../functions/src/core/processor";
import { profileKey } from "../../functions/src/core/profile";
import { ProfileStore } from "../../functions/src/core/profile-store";
import { deleteCustomer } from "../../functions/src/functions/deleteCustomer";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture, sendNew, storeState, total } from "./helpers";
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

/** Appends events to the hub and delivers only the new ones (sendNew). */
const send = (events: AnyEvent[], deps?: ProcessorDeps): Promise<BatchSummary[]> =>
  sendNew(hub, events, deps);

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
  expect(raw.erasure).toEqual({
    requestId,
    requestedAt: expect.any(String) as unknown,
    hashes: expect.any(Array) as unknown,
  });
  // Only salted hashes of the ids and contacts: nothing personal in clear.
  for (const h of (raw.erasure as { hashes: string[] }).hashes) expect(h).toMatch(/^[0-9a-f]{32}$/);
}

test("events after an erasure (late, replayed) are not applied: no profile, GET 404, counted as erasedSkipped, not landed", async () => {
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
  // Nothing about them is landed any more.
  const landed = await landedIds();
  for (const e of late.slice(0, 12)) expect(landed.has(e.eventId)).toBe(false);

  // Erasing again: nothing new held, so the same erasure is answered and nothing is stored.
  const again = await erase(id);
  expect(again).toMatchObject({
    profileDeleted: false,
    requestId: record.requestId,
    quarantineRecordsRemoved: 0,
  });
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

  // No profile yet and nothing else held: the documented rule answers "nothing held" and stores nothing
  // (so made-up ids cannot grow storage); the customer's first events then create the profile.
  const fresh = "C900003";
  const { record: freshRecord, summary: freshSummary, orders: freshOrders } = await raceErasure(fresh, 203);
  expect(freshRecord).toMatchObject({ held: false, profileDeleted: false });
  expect((await get(fresh)).status).toBe(200);
  expect(freshSummary).toMatchObject({ conflicts: 0, erasedSkipped: 0, applied: freshOrders.length });
});

test("export after erasure (and a late event): no profile, the erasure request listed", async () => {
  const id = "C900004";
  await send(eventsOf(id, 20, 301));
  const record = await erase(id);
  await send(eventsOf(id, 5, 302));
  // The Cosmos part of the export document (core/person-export.ts; the whole job: person-export.test.ts)
  const exported = await cosmosPart(f.deps, [id]);
  expect(exported.profiles).toEqual([]);
  expect(exported.erasureRequests).toEqual([
    { customerId: id, requestedAt: record.requestedAt, requestId: record.requestId },
  ]);
});

test("DELETE of an id never seen: 404, nothing stored; 300 of them create no document or file and export reads no more", async () => {
  const known = "C900005";
  await send(eventsOf(known, 10, 401));
  const documents = async () =>
    (await f.deps.store.container.items.query("SELECT VALUE COUNT(1) FROM c").fetchAll())
      .resources[0] as number;
  const files = async () =>
    (await f.deps.lake.list("control")).length + (await f.deps.lake.list("quarantine")).length;
  const exportReads = async () => {
    const before = f.deps.lake.stats.filesRead;
    expect((await cosmosPart(f.deps, [known])).profiles).toHaveLength(1);
    return f.deps.lake.stats.filesRead - before;
  };
  const [docsBefore, filesBefore, readsBefore] = [await documents(), await files(), await exportReads()];
  for (let i = 0; i < 300; i++) {
    const id = `R${String(i).padStart(7, "0")}`;
    const res = await deleteCustomer(request("DELETE", "x", { params: { id } }), context("deleteCustomer"));
    expect(res.status).toBe(404);
    expect((bodyJson(res) as { detail?: string }).detail).toMatch(/nothing was stored/);
  }
  expect(await documents()).toBe(docsBefore);
  expect(await files()).toBe(filesBefore);
  expect(await exportReads()).toBe(readsBefore);
});

test("erasure removes the customer's quarantined events (export lists none after), and no one else's", async () => {
  const id = "C900006";
  const other = "C900007";
  // Invalid events (an unknown schema version) of both customers land in the same quarantine files.
  const broken = (customerId: string, seed: number) =>
    eventsOf(customerId, 6, seed).map((e) => ({ ...e, schemaVersion: "9.9" }) as unknown as AnyEvent);
  await send([...broken(id, 501), ...broken(other, 502), ...eventsOf(id, 4, 503)]);
  const exported = async (customerId: string) =>
    (await cosmosPart(f.deps, [customerId])).quarantinedEvents.length;
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

async function quarantineText(): Promise<string> {
  let text = "";
  for (const path of await f.deps.lake.list("quarantine", "realtime/"))
    text += (await f.deps.lake.read("quarantine", path)) ?? "";
  return text;
}

test("after an erasure, later events about the person — valid under another id with their e-mail, invalid, unparseable — are dropped with a count; nothing about them is stored; an unparseable line with their e-mail does not survive", async () => {
  const id = "C900008";
  const generated = eventsOf(id, 40, 601).find((e) => e.eventType === "customer_profile") as AnyEvent & {
    eventType: "customer_profile";
  };
  // A phone of their own: the synthetic one is shared by every single-customer stream of this file, and
  // an erased contact suppresses every event that carries it.
  const profile = { ...generated, payload: { ...generated.payload, phone: "+14155559008" } };
  const email = profile.payload.email.toLowerCase();
  await send([profile, ...eventsOf(id, 10, 602)]);
  // Before the erasure: a line that does not parse and names them only by e-mail.
  await send([`garbage ${email} !` as unknown as AnyEvent]);
  const exported = await cosmosPart(f.deps, [id]);
  expect(exported.quarantinedEvents).toHaveLength(1);

  const record = await erase(id);
  expect(record.quarantineRecordsRemoved).toBe(1);
  expect(await quarantineText()).not.toContain(email);

  const otherId = "C900099";
  const sameEmail = {
    ...profile,
    eventId: "ERASED-OTHER-ID",
    customerId: otherId,
    payload: { ...profile.payload, customerId: otherId },
  } as AnyEvent;
  const invalid = { ...eventsOf(id, 3, 603)[0], eventId: "ERASED-INVALID", schemaVersion: "9.9" } as AnyEvent;
  const unparseable = `{"note": "${email}"` as unknown as AnyEvent;
  const valid = { ...eventsOf(id, 3, 604)[0], eventId: "ERASED-VALID" } as AnyEvent;
  const summaries = await send([sameEmail, invalid, unparseable, valid]);
  expect(total(summaries, (s) => s.erasedSkipped)).toBe(4);
  expect(total(summaries, (s) => s.quarantined + s.accepted)).toBe(0);
  expect((await get(otherId)).status).toBe(404);
  const landed = await landedIds();
  for (const eventId of ["ERASED-OTHER-ID", "ERASED-INVALID", "ERASED-VALID"])
    expect(landed.has(eventId)).toBe(false);
  const quarantine = await quarantineText();
  expect(quarantine).not.toContain(email);
  expect(quarantine).not.toContain(`"${id}"`);

  // A second erasure finds nothing left, and export lists nothing about them.
  expect((await erase(id)).quarantineRecordsRemoved).toBe(0);
  const after = await cosmosPart(f.deps, [id]);
  expect(after.profiles).toEqual([]);
  expect(after.quarantinedEvents).toEqual([]);
});

test("export and erasure read a customer's quarantine files through the index: 1 file downloaded of the 25 and more held", async () => {
  const broken = (customerId: string, seed: number) =>
    eventsOf(customerId, 1, seed).map((e) => ({ ...e, schemaVersion: "9.9" }) as unknown as AnyEvent);
  for (let i = 0; i < 30; i++) await send(broken(`C91${String(i).padStart(4, "0")}`, 700 + i));
  const target = "C900010";
  await send(broken(target, 800));
  // (A profile event carrying the phone number of a customer erased above is dropped, not quarantined.)
  expect((await f.deps.lake.list("quarantine", "realtime/")).length).toBeGreaterThanOrEqual(25);

  let before = f.deps.lake.stats.filesRead;
  expect((await cosmosPart(f.deps, [target])).quarantinedEvents).toHaveLength(1);
  expect(f.deps.lake.stats.filesRead - before).toBe(1);

  before = f.deps.lake.stats.filesRead;
  expect((await erase(target)).quarantineRecordsRemoved).toBe(1);
  expect(f.deps.lake.stats.filesRead - before).toBe(1);
});
