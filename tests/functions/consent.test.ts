/**
 * Consent on the real-time path: the segments view's preferred categories (personalization, a marketing use) are
 * served only with marketing consent, judged on the person's latest consent statement (among the profiles of the
 * source ids resolved to the same customer); a withdrawal applied by the next real-time batch takes effect on the
 * next read, also through another source id, and a renewed consent brings them back.
 */
import type { AnyEvent } from "../../contracts";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture, sendNew } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";
import { resolveAsOnePerson } from "./traits-helpers";

let f: Fixture;
const hub = new LocalEventHub(1);
const id = "C888001";
beforeAll(async () => {
  f = await fixture("consent");
});
afterAll(async () => {
  await f.deps.lake.service.getContainerClient(f.prefix + "gold").deleteIfExists();
  await f.cleanup();
});

const send = (events: AnyEvent[]) => sendNew(hub, events);

const segments = async (who = id) =>
  bodyJson(
    await getCustomerSegments(request("GET", "x", { params: { id: who } }), context("getCustomerSegments")),
  ) as { marketingConsent: boolean; preferredCategories: string[] };

/** Generated events of customer `who`, and consent statements timed after all of them (in the past). */
function history(who: string, seed: number) {
  const events = syntheticEvents({ events: 60, customers: 1, seed }).map(
    (e) => JSON.parse(JSON.stringify(e).replaceAll("C000000", who)) as AnyEvent,
  );
  const template = events.find((e) => e.eventType === "customer_profile")!;
  // statements after every generated event, in the past (the clock rule rejects future events)
  const base = Math.max(...events.map((e) => Date.parse(e.occurredAt)));
  expect(base).toBeLessThan(Date.now() - 10 * 60_000);
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  /** Statement `n` of profile `of` (default: `who`) at `when`. */
  const statement = (
    n: number,
    when: string,
    consent: { email: boolean; sms: boolean },
    of = who,
  ): AnyEvent =>
    ({
      ...template,
      eventId: `consent-${who}-${n}`,
      customerId: of,
      occurredAt: when,
      payload: { ...template.payload, customerId: of, consent: { ...consent, updatedAt: when } },
    }) as AnyEvent;
  return { events, at, statement };
}

test("preferred categories only with consent; a withdrawal in the next batch empties them, a renewal restores them", async () => {
  const { events, at, statement } = history(id, 11);
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

test("the person's consent: a withdrawal through another source id of the same customer empties them too", async () => {
  const crm = "C888002";
  const pos = "POS-888002";
  // A traits sync has resolved both ids to one customer (identifier index, traits document).
  await resolveAsOnePerson(f.deps, [crm, pos]);
  const { events, at, statement } = history(crm, 12);
  await send([...events, statement(1, at(2), { email: true, sms: false })]);
  const given = await segments(crm);
  expect(given.marketingConsent).toBe(true);
  expect(given.preferredCategories.length).toBeGreaterThan(0);

  // withdrawn through the POS id, later: the CRM profile's view follows the person's latest statement
  await send([statement(2, at(4), { email: false, sms: false }, pos)]);
  expect(await segments(crm)).toMatchObject({ marketingConsent: false, preferredCategories: [] });
  expect(await segments(pos)).toMatchObject({ marketingConsent: false, preferredCategories: [] });

  // granted again through the CRM id, later still
  await send([statement(3, at(6), { email: true, sms: false })]);
  expect(await segments(crm)).toEqual(
    expect.objectContaining({ marketingConsent: true, preferredCategories: given.preferredCategories }),
  );
});
