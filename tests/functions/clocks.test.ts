/**
 * Issue 23 item 3, the processor's side: no single bad timestamp pins a profile or a consent. An event
 * dated 9999-12-31 and a leap-second consent are rejected by the shared clock rule; a consent dated
 * after the event that reports it takes effect no later than that event; stamps stored before the rule
 * existed are released. In every case a real later opt-out wins.
 */
import type { AnyEvent } from "../../contracts";
import { foldEvents } from "../../functions/src/core/profile";
import { streamFor } from "../../functions/src/core/streams";
import { deliver, type HubMessage } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture } from "./helpers";

let f: Fixture;
let seq = 0;
beforeAll(async () => {
  f = await fixture("clocks");
});
afterAll(async () => {
  await f.cleanup();
});

type ProfileEvent = AnyEvent & { eventType: "customer_profile" };
const template = syntheticEvents({ events: 50, customers: 1, seed: 3, mix: { customer_profile: 1 } }).find(
  (e) => e.eventType === "customer_profile",
) as ProfileEvent;

function profileEvent(
  customerId: string,
  eventId: string,
  occurredAt: string,
  email: boolean,
  updatedAt: string,
): ProfileEvent {
  const e = structuredClone(template);
  return {
    ...e,
    eventId,
    customerId,
    occurredAt,
    payload: { ...e.payload, customerId, consent: { ...e.payload.consent, email, updatedAt } },
  } as ProfileEvent;
}

async function send(events: unknown[]) {
  const messages: HubMessage[] = events.map((body) => ({
    body: Buffer.from(JSON.stringify(body)),
    sequenceNumber: seq,
    offset: String(seq++),
    enqueuedTimeUtc: new Date().toISOString(),
    partitionKey: "k",
  }));
  return deliver({ stream: streamFor("customer_profile"), partitionId: "0", messages });
}

async function consentOf(id: string) {
  return (await f.deps.store.read(id))!.doc.consent;
}

test("a 9999-12-31 event and a leap-second consent are rejected; a consent dated after its event cannot outrank a later real opt-out", async () => {
  const id = "C230301";
  const summary = await send([
    profileEvent(id, "E1", "2026-01-10T09:00:00Z", true, "2026-01-10T09:00:00Z"),
    profileEvent(id, "E2", "9999-12-31T00:00:00Z", true, "9999-12-31T00:00:00Z"),
    profileEvent(id, "E3", "2026-02-01T09:00:00Z", true, "2026-06-30T23:59:60Z"),
    // Contract-valid and not in the future, but dated long after the event that reports it.
    profileEvent(id, "E4", "2026-03-01T09:00:00Z", true, "2026-11-30T09:00:00Z"),
  ]);
  expect(summary.quarantinedByCode).toEqual({ future_timestamp: 1, invalid_timestamp: 1 });
  expect((await consentOf(id))?.email).toBe(true);

  await send([profileEvent(id, "E5", "2026-04-01T09:00:00Z", false, "2026-04-01T09:00:00Z")]);
  expect((await consentOf(id))?.email).toBe(false);
});

test("stamps stored before the clock rule (9999-12-31, a leap second) are released: a real later change wins", async () => {
  const id = "C230302";
  const [doc] = foldEvents([
    profileEvent(id, "P1", "2026-01-10T09:00:00Z", true, "2026-01-10T09:00:00Z"),
  ]).values();
  doc.fieldTimestamps.consent = { at: "9999-12-31T00:00:00Z", eventId: "P0" };
  doc.fieldTimestamps["personal.firstName"] = { at: "2026-06-30T23:59:60Z", eventId: "P0" };
  doc.personal.firstName = "Pinned";
  doc.lastEventAt = "9999-12-31T00:00:00Z";
  await f.deps.store.write(doc, undefined);

  const optOut = profileEvent(id, "P2", "2026-05-01T09:00:00Z", false, "2026-05-01T09:00:00Z");
  await send([optOut]);
  const stored = (await f.deps.store.read(id))!.doc;
  expect(stored.consent?.email).toBe(false);
  expect(stored.personal.firstName).toBe(optOut.payload.firstName);
  expect(stored.lastEventAt).toBe("2026-05-01T09:00:00Z");
});
