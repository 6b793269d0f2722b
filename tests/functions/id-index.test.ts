/**
 * Issue 23 item 5: order, session and ticket idempotency does not silently expire. The profile keeps
 * only a capped cache of ids (MAX_TRACKED_IDS); the id index outside it recognizes a replayed id
 * however old. Oracle: the pure fold, which tracks every id.
 */
import type { AnyEvent } from "../../contracts";
import { comparableProfile, foldEvents, MAX_TRACKED_IDS } from "../../functions/src/core/profile";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { deliverAll, type Fixture, fixture, storeState, total } from "./helpers";

let f: Fixture;
beforeAll(async () => {
  f = await fixture("ids");
});
afterAll(async () => {
  await f.cleanup();
});

type Order = AnyEvent & { eventType: "order" };
const template = syntheticEvents({ events: 100, customers: 1, seed: 61, mix: { order: 1 } }).find(
  (e) =>
    e.eventType === "order" && e.payload.status === "COMPLETED" && e.payload.transactionType === "PURCHASE",
) as Order;

function order(customerId: string, eventId: string, orderId: string, minute: number): Order {
  const e = structuredClone(template);
  const at = new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString();
  return {
    ...e,
    eventId,
    customerId,
    occurredAt: at,
    payload: { ...e.payload, orderId, orderedAt: at },
  };
}

test("the 1,001st order sent twice under two event ids is counted once (and so is the 1st, long after)", async () => {
  const id = "C600001";
  const orders = Array.from({ length: MAX_TRACKED_IDS + 1 }, (_, i) => order(id, `E-${i}`, `O-${i}`, i));
  const replays = [
    order(id, "E-again-1001", `O-${MAX_TRACKED_IDS}`, 5000), // the 1,001st, under another event id
    order(id, "E-again-1", "O-0", 5001), // the first, long out of any window
  ];
  const hub = new LocalEventHub(1);
  hub.send([...orders, ...replays]);
  const summaries = await deliverAll(hub.batches(500));
  expect(total(summaries, (s) => s.applied)).toBe(orders.length + replays.length); // no event skipped...

  const stored = (await storeState(f.deps)).get(id)!;
  expect(stored.orders.count).toBe(MAX_TRACKED_IDS + 1); // ...but no order counted twice
  const expected = foldEvents([...orders, ...replays]).get(id)!;
  expect(expected.orders.count).toBe(MAX_TRACKED_IDS + 1);
  expect(comparableProfile(stored)).toEqual(comparableProfile(expected));
});
