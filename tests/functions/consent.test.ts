/**
 * Consent on the real-time path: the segments view's preferred categories (personalization, a marketing use) are
 * served only with marketing consent, judged on the profile's latest consent statement; a withdrawal applied by the
 * next real-time batch takes effect on the next read, and a renewed consent brings them back.
 */
import type { AnyEvent } from "../../contracts";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture, sendNew } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";

let f: Fixture;
const hub = new LocalEventHub(1);
const id = "C888001";
beforeAll(async () => {
  f = await fixture("consent");
});
afterAll(async () => {
  await f.cleanup();
});

const send = (events: AnyEvent[]) => sendNew(hub, events);

const segments = async () =>
  bodyJson(
    await getCustomerSegments(request("GET", "x", { params: { id } }), context("getCustomerSegments")),
  ) as { marketingConsent: boolean; preferredCategories: string[] };

test("preferred categories only with consent; a withdrawal in the next batch empties them, a renewal restores them", async () => {
  const events = syntheticEvents({ events: 60, customers: 1, seed: 11 }).map(
    (e) => JSON.parse(JSON.stringify(e).replaceAll("C000000", id)) as AnyEvent,
  );
  const template = events.find((e) => e.eventType === "customer_profile")!;
  // statements after every generated event, in the past (the clock rule rejects future events)
  const base = Math.max(...events.map((e) => Date.parse(e.occurredAt)));
  expect(base).toBeLessThan(Date.now() - 10 * 60_000);
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  const statement = (n: number, when: string, consent: { email: boolean; sms: boolean }): AnyEvent =>
    ({
      ...template,
      eventId: `consent-${n}`,
      occurredAt: when,
      payload: { ...template.payload, consent: { ...consent, updatedAt: when } },
    }) as AnyEvent;
  await send([...events, statement(1, at(2), { email: true, sms: false })]);
  const given = await segments();
  expect(given.marketingConsent).toBe(true);
  expect(given.preferredCategories.length).toBeGreaterThan(0);

  await send([statement(2, at(4), { email: false, sms: false })]);
  expect(await segments()).toMatchObject({ marketingConsent: false, preferredCategories: [] });

  // an older statement delivered late does not undo the withdrawal
  await send([statement(3, at(3), { email: true, sms: true })]);
  expect(await segments()).toMatchObject({ marketingConsent: false, preferredCategories: [] });

  await send([statement(4, at(6), { email: false, sms: true })]);
  expect(await segments()).toEqual(
    expect.objectContaining({ marketingConsent: true, preferredCategories: given.preferredCategories }),
  );
});
