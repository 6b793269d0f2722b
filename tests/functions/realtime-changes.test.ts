/**
 * Change events of the real-time path (functions/src/core/realtime-changes.ts) through the registered Event Hub
 * handlers, the Cosmos DB server and Azurite: orders that move a customer's value tier publish one event, once, even
 * when the batch is redelivered or the publish fails after the profile was written. The customer has marketing
 * consent (a change without it is withheld: tests/functions/change-consent.test.ts).
 */
import type { ProfileChangeEvent } from "../../contracts";
import { type ChangePublisher, InMemoryChangePublisher } from "../../functions/src/core/change-events";
import { setDependencies } from "../../functions/src/core/dependencies";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { LocalEventHub } from "../../functions/src/local/hub";
import { examples } from "../contracts/examples";
import { deliverAll, type Fixture, fixture } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";
import { purchaseEvents } from "./order-events";

jest.setTimeout(120_000);

let fx: Fixture;
beforeEach(async () => {
  fx = await fixture("rtchanges");
});
afterEach(() => fx.cleanup());

/** `n` completed purchases of `amount` for C000001. */
const orders = (n: number, amount: number, from = 1) => purchaseEvents("C000001", "rt", n, amount, from);

/** C000001's profile with e-mail consent, before the orders. */
function consenting() {
  const e = examples()["customer_profile@1.0"]!;
  e.eventId = "evt-rt-profile";
  e.customerId = "C000001";
  e.occurredAt = "2025-12-31T00:00:00Z";
  Object.assign(e.payload, {
    customerId: "C000001",
    consent: { email: true, sms: false, updatedAt: "2025-12-30T00:00:00Z" },
  });
  return e;
}

function deliver(events: object[]) {
  const hub = new LocalEventHub(1);
  hub.send(events);
  return deliverAll(hub.batches(100));
}

test("an order batch that moves the value tier publishes one event; a redelivery publishes nothing", async () => {
  const changes = fx.deps.changes as InMemoryChangePublisher;
  await deliver([consenting(), ...orders(5, 150)]); // 5 orders, 750: still New (Regular needs > 5 orders)
  expect(changes.published).toEqual([]);
  const batch = orders(1, 150, 6); // the 6th: Regular
  await deliver(batch);
  expect(changes.published).toHaveLength(1);
  expect(changes.published[0]).toMatchObject({
    eventType: "customer.profile.updated",
    source: "c360-realtime",
    customerId: "C000001",
    payload: {
      kind: "valueTier",
      oldValue: "New",
      newValue: "Regular",
      cause: "realtime_event",
      causeEventId: "evt-rt-6",
      consent: { email: true, sms: false, push: false, updatedAt: "2025-12-30T00:00:00.000Z" },
    },
  });
  await deliver(batch); // redelivered: already applied, already sent
  expect(changes.published).toHaveLength(1);
  // the outbox is bookkeeping: not in the API's profile
  const res = await getCustomer(request("GET", "x", { params: { id: "C000001" } }), context("getCustomer"));
  expect(bodyJson(res).changeOutbox).toBeUndefined();
  expect(bodyJson(res).valueSegment).toBe("Regular");
});

test("a publish that fails after the profile was written is retried by the redelivery, once", async () => {
  const sink = new InMemoryChangePublisher();
  let failures = 1;
  const flaky: ChangePublisher = {
    publish: async (events: readonly ProfileChangeEvent[]) => {
      if (failures-- > 0) throw new Error("event hub unavailable");
      await sink.publish(events);
    },
  };
  setDependencies({ ...fx.deps, changes: flaky, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  await deliver([consenting()]);
  const batch = orders(6, 150, 100); // other event ids than the first test's (this process remembers sent ids)
  // The first send fails after the profile (with the change in its outbox) was written; whether the handler's own
  // retry or the host's redelivery takes the batch again, the second pass applies nothing and sends the event.
  await deliver(batch).catch(() => undefined);
  expect(failures).toBe(0); // the one failing send happened
  await deliver(batch).catch(() => undefined);
  expect(sink.published.map((e) => [e.payload.oldValue, e.payload.newValue])).toEqual([["New", "Regular"]]);
  await deliver(batch);
  expect(sink.published).toHaveLength(1);
});
