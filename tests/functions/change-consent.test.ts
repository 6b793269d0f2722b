/**
 * Consent gates the change events that feed activation (`profile-changes`), one rule on both producers
 * (activationConsent in contracts/consent.ts): a change of a customer with marketing consent is published with the
 * consent per channel and its time; without consent it is withheld. Both ways on both paths:
 * - real time, through the registered Event Hub handlers (Cosmos DB server, Azurite): grant → the tier change is
 *   published; a withdrawal → the next batch publishes nothing, not even a change recorded before it whose send had
 *   failed (also when the withdrawal came through another source id of the person before that batch's redelivery);
 *   a renewal → changes flow again under the new consent;
 * - batch, through the DuckDB pipeline (gold.marketing_consent resolves the consent) and the queue-triggered
 *   `applyProfileTraits` handler: the same three steps, one gold load each.
 */
import type { ProfileChangeEvent } from "../../contracts";
import { type ChangePublisher, InMemoryChangePublisher } from "../../functions/src/core/change-events";
import { setDependencies } from "../../functions/src/core/dependencies";
import { isErased } from "../../functions/src/core/profile-store";
import { outboxOf } from "../../functions/src/core/realtime-changes";
import { readTraitsDocument } from "../../functions/src/core/traits";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { localDependencies } from "../../functions/src/local/driver";
import { LocalEventHub } from "../../functions/src/local/hub";
import { runTraitsSyncLocally } from "../../functions/src/local/traits-sync";
import { runPipeline } from "../../pipeline";
import { examples } from "../contracts/examples";
import { env, item, order, tempLake, writeLanding } from "../pipeline/fixture";
import { deliverAll, type Fixture, fixture } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";
import { minuteOf2026, purchaseEvents } from "./order-events";
import { resolveAsOnePerson } from "./traits-helpers";

jest.setTimeout(240_000);

type Consent = { email: boolean; sms: boolean; push?: boolean };

let fx: Fixture;
beforeEach(async () => {
  fx = await fixture("chconsent");
});
afterEach(async () => {
  await fx.deps.lake.service.getContainerClient(fx.prefix + "gold").deleteIfExists();
  await fx.cleanup();
});

describe("real-time path", () => {
  const id = "C000042";
  const minute = minuteOf2026;

  /** A consent statement for the customer (`who`, default C000042) at minute `m` (reported at the same instant). */
  function statement(n: number, m: number, consent: Consent, who = id) {
    const e = examples()["customer_profile@1.0"]!;
    e.eventId = `evt-cc-profile-${n}`;
    e.customerId = who;
    e.occurredAt = minute(m);
    Object.assign(e.payload, { customerId: who, consent: { ...consent, updatedAt: minute(m) } });
    return e;
  }

  /** `count` completed purchases of `amount` from minute `from` on. */
  const orders = (count: number, amount: number, from: number) =>
    purchaseEvents(id, "cc-order", count, amount, from);

  const deliver = (events: object[]) => {
    const hub = new LocalEventHub(1);
    hub.send(events);
    return deliverAll(hub.batches(100));
  };
  const tierOf = async () =>
    bodyJson(await getCustomer(request("GET", "x", { params: { id } }), context("getCustomer")))
      .valueSegment as string;
  const tiers = (events: ProfileChangeEvent[]) =>
    events.map((e) => [e.payload.oldValue, e.payload.newValue, e.payload.consent]);

  /**
   * The handlers publish through a hub that is down until `recover()`; what went out afterwards is in `sink`. A failed
   * batch is redelivered as the order batch alone (the one that moved the tier): the profile statements travel in a
   * batch of their own stream, and two batches of one customer redelivered at once may both send a pending entry
   * (the same event id, which consumers deduplicate), which would make the count here depend on timing.
   */
  function hubDownUntilRecovered() {
    const sink = new InMemoryChangePublisher();
    let failing = true;
    const down: ChangePublisher = {
      publish: async (events) => {
        if (failing) throw new Error("event hub unavailable");
        await sink.publish(events);
      },
    };
    setDependencies({ ...fx.deps, changes: down, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    return { sink, recover: () => (failing = false) };
  }

  /**
   * A tier change (New → Regular: six purchases of 100 from minute `from`) recorded under e-mail consent granted at
   * minute 1, whose send failed: it waits in the profile's outbox. The hub is back up on return; `purchases` is the
   * order batch to redeliver.
   */
  async function changeWhoseSendFailed(from: number) {
    const { sink, recover } = hubDownUntilRecovered();
    const purchases = orders(6, 100, from);
    await expect(deliver([statement(from, 1, { email: true, sms: false }), ...purchases])).rejects.toThrow(
      "event hub unavailable",
    );
    expect((await storedOutbox()).map((e) => e.payload.newValue)).toEqual(["Regular"]);
    recover();
    return { sink, purchases };
  }

  /** The outbox stored in the customer's profile. */
  const storedOutbox = async () => {
    const stored = await fx.deps.store.readCurrent(id);
    if (!stored || isErased(stored)) throw new Error(`no profile ${id}`);
    return outboxOf(stored.doc);
  };

  test("grant: the tier change flows with the consent; withdrawal: the next batch publishes nothing; renewal: flows again", async () => {
    const changes = fx.deps.changes as InMemoryChangePublisher;
    // granted (e-mail) at minute 1; six purchases of 100: New → Regular
    await deliver([statement(1, 1, { email: true, sms: false }), ...orders(6, 100, 10)]);
    expect(tiers(changes.published)).toEqual([
      ["New", "Regular", { email: true, sms: false, push: false, updatedAt: minute(1) }],
    ]);

    // withdrawn at minute 100, in the batch that moves the customer to Premium (11 orders, 2,100)
    await deliver([statement(2, 100, { email: false, sms: false }), ...orders(5, 300, 101)]);
    expect(await tierOf()).toBe("Premium");
    expect(changes.published).toHaveLength(1);

    // a later batch while withdrawn: VIP (21 orders, 5,100), still nothing
    await deliver(orders(10, 300, 200));
    expect(await tierOf()).toBe("VIP");
    expect(changes.published).toHaveLength(1);

    // renewed for sms only at minute 300: the next change (a return of 200: net 4,900, back to Premium) flows
    const refund = orders(1, 200, 301)[0]!;
    Object.assign(refund.payload, { transactionType: "RETURN", status: "COMPLETED" });
    await deliver([statement(3, 300, { email: false, sms: true }), refund]);
    const last = changes.published.slice(1);
    expect(await tierOf()).toBe("Premium");
    expect(tiers(last)).toEqual([
      ["VIP", "Premium", { email: false, sms: true, push: false, updatedAt: minute(300) }],
    ]);
  });

  test("the person's consent: a withdrawal through one source id withholds the changes of another id of the same customer; a later grant through that id lets them flow", async () => {
    const changes = fx.deps.changes as InMemoryChangePublisher;
    const pos = "POS-42";
    // A traits sync has resolved C000042 and POS-42 to one customer (identifier index, traits document).
    await resolveAsOnePerson(fx.deps, [id, pos], new Date(minute(2)));
    // POS-42 granted e-mail at minute 10; the same person withdrew through C000042 at minute 50
    await deliver([statement(1, 10, { email: true, sms: false }, pos)]);
    await deliver([statement(2, 50, { email: false, sms: false })]);
    // six purchases of 100 on POS-42 (New → Regular): its own statement grants, the person's latest withdraws
    await deliver(purchaseEvents(pos, "cc-pos", 6, 100, 60));
    expect(changes.published).toEqual([]);
    // POS-42 grants sms at minute 200, the latest statement now; five purchases of 300 (→ Premium) flow under it
    await deliver([
      statement(3, 200, { email: false, sms: true }, pos),
      ...purchaseEvents(pos, "cc-pos", 5, 300, 201),
    ]);
    expect(tiers(changes.published)).toEqual([
      ["Regular", "Premium", { email: false, sms: true, push: false, updatedAt: minute(200) }],
    ]);
    expect(changes.published[0]!.customerId).toBe(pos);
  });

  test.each([
    ["withdrew the consent: it is never sent", 400, { email: false, sms: false }, []],
    [
      "narrowed it to sms: it is sent under sms only",
      600,
      { email: false, sms: true },
      [["New", "Regular", { email: false, sms: true, push: false, updatedAt: minute(700) }]],
    ],
  ])(
    "a change recorded with e-mail consent whose send failed, then the next batch %s",
    async (_, from, next, sent) => {
      const { sink, purchases } = await changeWhoseSendFailed(from);
      await deliver([statement(from + 1, 700, next)]); // the next batch: a consent statement only
      await deliver(purchases); // the failed order batch redelivered (hubDownUntilRecovered): applied already
      expect(tiers(sink.published)).toEqual(sent);
    },
  );

  test.each([
    [
      "withdrew the consent through another source id: it is never sent",
      800,
      { email: false, sms: false },
      [],
    ],
    [
      "narrowed it to sms through another source id: it is sent under sms only",
      900,
      { email: false, sms: true },
      [["New", "Regular", { email: false, sms: true, push: false, updatedAt: minute(700) }]],
    ],
  ])(
    "a change recorded with e-mail consent whose send failed; before its batch is redelivered, the person %s",
    async (_, from, next, sent) => {
      const pos = "POS-42";
      await resolveAsOnePerson(fx.deps, [id, pos], new Date(minute(0)));
      const { sink, purchases } = await changeWhoseSendFailed(from);
      await deliver([statement(from + 1, 700, next, pos)]); // lands on the other id's profile only
      await deliver(purchases); // C000042's order batch redelivered: applied already, no write, its outbox pending
      expect(tiers(sink.published)).toEqual(sent);
      expect(await storedOutbox()).toHaveLength(1); // left to the profile's next write
    },
  );
});

describe("gold / traits path", () => {
  const lake = tempLake();
  afterEach(async () => {
    const deps = await localDependencies(fx.services, fx.databaseName, "profiles", fx.prefix);
    await deps.store.container.database.delete().catch(() => undefined);
  });
  const changes = new InMemoryChangePublisher();

  const profile = (n: number, at: string, consent: Consent) =>
    env(`ev-gc-profile-${n}`, "customer_profile", "crm", at, "C7", {
      customerId: "C7",
      firstName: "Ana",
      lastName: "Silva",
      email: "ana.silva@example.com",
      customerSegment: "STANDARD",
      loyaltyTier: "BRONZE",
      loyaltyPoints: 10,
      registrationDate: "2024-01-01",
      status: "ACTIVE",
      consent: { ...consent, updatedAt: at },
    });
  /** `count` purchases of `amount` by C7 on `day` (April 2024). */
  const purchases = (load: string, day: number, count: number, amount: number) =>
    Array.from({ length: count }, (_, i) => {
      const at = `2024-04-${String(day).padStart(2, "0")}T1${i % 10}:00:00Z`;
      const orderId = `ORD-${load}-${i}`;
      return env(
        `ev-gc-${load}-${i}`,
        "order",
        "ecommerce",
        at,
        "C7",
        order(orderId, "ECOMMERCE", at, amount, [item(`${orderId}-1`, "P1", "Electronics", 1, amount)]),
      );
    });

  /** One gold load (DuckDB) with these landing lines, then its queue message to the handler. */
  async function load(loadId: string, day: number, profiles: string[], orders: string[]) {
    const date = `2024-04-${String(day).padStart(2, "0")}`;
    if (profiles.length > 0) writeLanding(lake, "crm", "customer_profile", date, `${loadId}.jsonl`, profiles);
    writeLanding(lake, "ecommerce", "order", date, `${loadId}.jsonl`, orders);
    const run = await runPipeline({ lakeDir: lake, loadId, windowEnd: "2024-05-01" });
    expect(run.status).toBe("succeeded");
    return runTraitsSyncLocally(
      {
        services: fx.services,
        lakeDir: lake,
        databaseName: fx.databaseName,
        lakePrefix: fx.prefix,
        changes,
      },
      JSON.stringify({ loadId }),
    );
  }
  /** The traits document the sync wrote (in the Cosmos DB server and Azurite containers runTraitsSyncLocally uses). */
  const tierOf = async () => {
    const deps = await localDependencies(fx.services, fx.databaseName, "profiles", fx.prefix);
    return (await readTraitsDocument(deps.store, "C7"))?.traits.valueTier;
  };

  test("grant: changes flow with the consent; withdrawal: the next gold run withholds them; renewal: they flow again", async () => {
    // L1 (backfill): e-mail consent on 1 April, 3 purchases of 100 → New
    const l1 = await load(
      "L1",
      2,
      [profile(1, "2024-04-01T08:00:00Z", { email: true, sms: false })],
      purchases("L1", 2, 3, 100),
    );
    expect(l1.events).toEqual([]);
    // L2: 3 more → 6 orders, 600 → Regular: published, with gold.marketing_consent's consent
    const l2 = await load("L2", 5, [], purchases("L2", 5, 3, 100));
    expect(await tierOf()).toBe("Regular");
    const tier2 = l2.events.find((e) => e.payload.kind === "valueTier");
    expect(tier2?.payload).toMatchObject({ oldValue: "New", newValue: "Regular" });
    for (const e of l2.events)
      expect(e.payload.consent).toEqual({
        email: true,
        sms: false,
        push: false,
        updatedAt: "2024-04-01T08:00:00.000Z",
      });
    expect(l2.summary.withheldForConsent).toBe(0);

    // L3: withdrawn on 8 April, 5 purchases of 300 → 11 orders, 2,100 → Premium: nothing published
    const l3 = await load(
      "L3",
      8,
      [profile(2, "2024-04-08T08:00:00Z", { email: false, sms: false })],
      purchases("L3", 8, 5, 300),
    );
    expect(await tierOf()).toBe("Premium");
    expect(l3.events).toEqual([]);
    expect(l3.summary.withheldForConsent).toBeGreaterThanOrEqual(1);
    expect(l3.summary.changeEvents).toBe(0);

    // L4: renewed for sms on 12 April, 10 purchases of 300 → 21 orders, 5,100 → VIP: published under sms only
    const l4 = await load(
      "L4",
      12,
      [profile(3, "2024-04-12T08:00:00Z", { email: false, sms: true })],
      purchases("L4", 12, 10, 300),
    );
    expect(await tierOf()).toBe("VIP");
    const tier4 = l4.events.find((e) => e.payload.kind === "valueTier");
    expect(tier4?.payload).toMatchObject({ oldValue: "Premium", newValue: "VIP" });
    for (const e of l4.events)
      expect(e.payload.consent).toEqual({
        email: false,
        sms: true,
        push: false,
        updatedAt: "2024-04-12T08:00:00.000Z",
      });
    expect(changes.published.map((e) => e.payload.loadId)).not.toContain("L3");
  });
});
