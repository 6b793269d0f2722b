/**
 * BASELINE scenarios 1 and 3: duplicates and full replay. 10,000 events over 500 customers plus
 * 2,000 redeliveries of existing event ids (producer-side re-sends: new sequence numbers), then a
 * replay of everything already processed (broker-side: same sequence numbers). Oracle: the pure fold.
 */
import type { AnyEvent } from "../../contracts";
import { foldEvents } from "../../functions/src/core/profile";
import { LocalEventHub } from "../../functions/src/local/hub";
import { rng, syntheticEvents } from "../../functions/src/local/synthetic";
import { appliedIds, comparable, deliverAll, type Fixture, fixture, storeState, total } from "./helpers";

let f: Fixture;
beforeAll(async () => {
  f = await fixture("dup");
});
afterAll(async () => {
  await f.cleanup();
});

test("duplicates: 10,000 events + 2,000 redeliveries → state equals the fold of the unique events; replay changes nothing", async () => {
  const events = syntheticEvents({ events: 10_000, customers: 500, seed: 1 });
  const random = rng(7);
  const redelivered: AnyEvent[] = [];
  for (let i = 0; i < 2000; i++) redelivered.push(events[Math.floor(random() * events.length)]);
  // Interleave each redelivery somewhere after its original.
  const stream: AnyEvent[] = [...events];
  for (const dup of redelivered) {
    const at = events.indexOf(dup);
    stream.splice(at + 1 + Math.floor(random() * (stream.length - at)), 0, structuredClone(dup));
  }
  expect(stream).toHaveLength(12_000);

  const hub = new LocalEventHub(4);
  hub.send(stream);
  const summaries = await deliverAll(hub.batches(500));

  const expected = foldEvents(events);
  const state = await storeState(f.deps);
  expect(state.size).toBe(expected.size);
  expect(comparable(state)).toEqual(comparable(expected));
  // 0 lost, 0 double-counted: every customer's applied set is exactly its unique events.
  const uniqueByCustomer = new Map<string, string[]>();
  for (const e of events) {
    if (!e.customerId) continue;
    uniqueByCustomer.set(e.customerId, [...(uniqueByCustomer.get(e.customerId) ?? []), e.eventId]);
  }
  for (const [id, ids] of uniqueByCustomer)
    expect(appliedIds(state.get(id)!)).toEqual([...new Set(ids)].sort());
  const uniqueDuplicates = redelivered.filter((e) => e.customerId !== undefined).length;
  expect(total(summaries, (s) => s.duplicates)).toBe(uniqueDuplicates);
  expect(total(summaries, (s) => s.quarantined)).toBe(0);
  expect(total(summaries, (s) => s.accepted)).toBe(12_000);

  // Scenario 3: replay everything (same partitions, same sequence numbers) → no state change, no writes.
  const writesBefore = f.deps.store.stats.writes;
  const replay = await deliverAll(hub.batches(500));
  expect(total(replay, (s) => s.profilesWritten)).toBe(0);
  expect(f.deps.store.stats.writes).toBe(writesBefore);
  const after = await storeState(f.deps);
  expect(comparable(after)).toEqual(comparable(expected));
  // Landing files are named by batch position and written once: the replay wrote none.
  expect(total(replay, (s) => s.landingFiles)).toBe(0);
  expect(f.deps.lake.stats.filesAlreadyPresent).toBeGreaterThan(0);
  // 24,000 deliveries, each with a conditional id-index write to the Cosmos server: ~60 s alone on 2 cores; room for a
  // loaded CI host (this is a correctness test, not a timed one).
}, 360_000);
