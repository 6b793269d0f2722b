/**
 * The Customer 360 profile document (Cosmos DB, partitioned by /customerId) and its merge.
 *
 * Every merge rule is commutative, so the order in which a customer's events arrive does not
 * change the result:
 * - attributes are last-writer-wins per field by (occurredAt, eventId), with the winning stamp
 *   kept in `fieldTimestamps` (a late event never overwrites newer data);
 * - aggregates are sums and counts in integers (money in cents), maxima, and sets of ids;
 * - derived fields (average order value, preferred categories, value segment, averages) are
 *   recomputed from those after each merge.
 * Exactly-once is the job of the idempotency bookkeeping (idempotency.ts): an event is merged
 * only if it has not been applied before.
 *
 * `foldEvents` is the pure reference fold: the oracle of the reliability tests.
 */
import {
  type AnyEvent,
  averageOrderValueCents,
  countsAsOrder,
  MAX_FUTURE_SKEW_SECONDS,
  spendSign,
  validateEvent,
  type ValueSegment,
  valueSegment,
} from "../../../contracts";
import { enrich, type EnrichedEvent } from "./enrich";
import type { IdKind } from "./id-index";
import { emptyIdempotency, type IdempotencyState } from "./idempotency";

type Address = AnyEvent & { eventType: "customer_profile" } extends { payload: { address?: infer A } }
  ? A
  : never;

type Consent = (AnyEvent & { eventType: "customer_profile" })["payload"]["consent"];

export interface Stamp {
  at: string;
  eventId: string;
}

/** Sets of ids kept inside the document are capped: they are a cache of recent ids; the id index
 * (id-index.ts) is what recognizes an older one. */
export const MAX_TRACKED_IDS = 1000;

/** The ids an event counts once per customer: a completed order's id, a session, a ticket. */
export function idClaimsOf(event: AnyEvent): Array<{ kind: IdKind; value: string }> {
  switch (event.eventType) {
    case "order":
      return event.payload.status === "COMPLETED" ? [{ kind: "order", value: event.payload.orderId }] : [];
    case "behavioral_event":
      return [{ kind: "session", value: event.payload.sessionId }];
    case "support_interaction":
      return [{ kind: "ticket", value: event.payload.ticketId }];
    default:
      return [];
  }
}

/** Whether the profile's own cache already holds an id (then it is not new, and needs no index lookup). */
export function cachedId(profile: CustomerProfileDocument, kind: IdKind, value: string): boolean {
  if (kind === "ticket") {
    const state = Object.prototype.hasOwnProperty.call(profile.support.ticketStatus, value)
      ? profile.support.ticketStatus[value]
      : undefined;
    return state !== undefined && state.uncounted !== true;
  }
  return sortedHas(kind === "order" ? profile.orders.orderIds : profile.behaviour.sessionIds, value);
}

/** First-seen decisions for ids outside the cache, keyed `<kind>:<id>`: true = this event counts it. */
export type IdDecisions = ReadonlyMap<string, boolean>;
export const idKey = (kind: IdKind, value: string) => `${kind}:${value}`;

export interface TicketState {
  status: string;
  at: string;
  eventId: string;
  /** Set by an event that did not count the ticket (its claimant is not merged here yet). */
  uncounted?: true;
}

export interface CustomerProfileDocument {
  id: string;
  customerId: string;
  docType: "customer_profile";
  personal: {
    firstName?: string;
    lastName?: string;
    email?: string;
    phone?: string;
    dateOfBirth?: string;
    gender?: string;
  };
  address?: Address;
  crm: {
    customerSegment?: string;
    loyaltyTier?: string;
    loyaltyPoints?: number;
    registrationDate?: string;
    status?: string;
  };
  preferences: {
    preferredChannel?: string;
    categories?: string[];
    communication?: string[];
  };
  consent?: Consent;
  externalIds?: Record<string, string>;
  orders: {
    count: number;
    returns: number;
    totalSpentCents: number;
    totalSpent: number;
    averageOrderValue: number;
    lastOrderAt?: string;
    lastOrderId?: string;
    loyaltyPointsEarned: number;
    loyaltyPointsRedeemed: number;
    unitsByCategory: Record<string, number>;
    orderIds: string[];
  };
  behaviour: {
    events: number;
    sessions: number;
    sessionIds: string[];
    lastSeenAt?: string;
    actions: Record<string, number>;
    viewsByCategory: Record<string, number>;
  };
  support: {
    interactions: number;
    tickets: number;
    openTickets: number;
    ticketStatus: Record<string, TicketState>;
    satisfactionSum: number;
    satisfactionCount: number;
    averageSatisfaction: number | null;
    lastInteractionAt?: string;
  };
  preferredCategories: string[];
  valueSegment: ValueSegment;
  sources: string[];
  eventTypes: string[];
  fieldTimestamps: Record<string, Stamp>;
  firstEventAt?: string;
  lastEventAt?: string;
  dataQuality: { scoreSum: number; events: number; averageScore: number };
  idempotency: IdempotencyState;
}

export function emptyProfile(customerId: string): CustomerProfileDocument {
  return {
    id: customerId,
    customerId,
    docType: "customer_profile",
    personal: {},
    crm: {},
    preferences: {},
    orders: {
      count: 0,
      returns: 0,
      totalSpentCents: 0,
      totalSpent: 0,
      averageOrderValue: 0,
      loyaltyPointsEarned: 0,
      loyaltyPointsRedeemed: 0,
      unitsByCategory: {},
      orderIds: [],
    },
    behaviour: { events: 0, sessions: 0, sessionIds: [], actions: {}, viewsByCategory: {} },
    support: {
      interactions: 0,
      tickets: 0,
      openTickets: 0,
      ticketStatus: {},
      satisfactionSum: 0,
      satisfactionCount: 0,
      averageSatisfaction: null,
    },
    preferredCategories: [],
    valueSegment: "New",
    sources: [],
    eventTypes: [],
    fieldTimestamps: {},
    dataQuality: { scoreSum: 0, events: 0, averageScore: 0 },
    idempotency: emptyIdempotency(),
  };
}

/**
 * An instant for comparisons. Event times reach the merge only after the shared clock rule (leap
 * seconds and times beyond the future skew are rejected at every door), but a stored stamp may predate
 * that rule: one that is not an instant (a leap second, garbage) counts as the oldest possible, so no
 * single bad timestamp can win every later comparison.
 */
export function instantOf(at: string | undefined): number {
  if (at === undefined) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(at);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** (occurredAt, eventId) ordering; instants compared as instants, not strings. */
export function newer(a: Stamp, b: Stamp | undefined): boolean {
  if (!b) return true;
  const ta = instantOf(a.at);
  const tb = instantOf(b.at);
  if (ta !== tb) return ta > tb;
  return a.eventId > b.eventId;
}

function maxInstant(a: string | undefined, b: string): string {
  return instantOf(b) > instantOf(a) ? b : (a ?? b);
}
function minInstant(a: string | undefined, b: string): string {
  return a === undefined || instantOf(a) === Number.NEGATIVE_INFINITY || instantOf(b) < instantOf(a) ? b : a;
}

/**
 * When a consent statement took effect: its own `updatedAt`, but never later than the event that
 * reports it (a producer cannot know a consent given after it sent the event). So a consent dated in
 * the future cannot outrank the customer's later real change.
 */
export function consentInstant(updatedAt: string | undefined, occurredAt: string): string {
  if (updatedAt === undefined) return occurredAt;
  const t = instantOf(updatedAt);
  return t === Number.NEGATIVE_INFINITY || t > instantOf(occurredAt) ? occurredAt : updatedAt;
}

/**
 * Stamps stored before the clock rule existed may be far in the future (9999-12-31) or not instants at
 * all; kept, they would win every later comparison. The processor calls this on each stored profile
 * before merging: such a stamp is dropped (the next real value of that field wins), and such a bound
 * (first/last event, last order, last seen, last interaction) is cleared to be set again. Returns how
 * many were released.
 */
export function releasePinnedStamps(
  profile: CustomerProfileDocument,
  now: Date,
  maxFutureSkewSeconds = MAX_FUTURE_SKEW_SECONDS,
): number {
  const limit = now.getTime() + maxFutureSkewSeconds * 1000;
  const pinned = (at: string | undefined) =>
    at !== undefined && (instantOf(at) === Number.NEGATIVE_INFINITY || instantOf(at) > limit);
  let released = 0;
  for (const [field, stamp] of Object.entries(profile.fieldTimestamps)) {
    if (pinned(stamp.at)) {
      delete profile.fieldTimestamps[field];
      released++;
    }
  }
  for (const [ticket, state] of Object.entries(profile.support.ticketStatus)) {
    if (pinned(state.at)) {
      profile.support.ticketStatus[ticket] = { ...state, at: "1970-01-01T00:00:00.000Z" };
      released++;
    }
  }
  const clear = <T extends object>(owner: T, key: keyof T) => {
    if (pinned(owner[key] as string | undefined)) {
      delete owner[key];
      released++;
    }
  };
  clear(profile, "firstEventAt");
  clear(profile, "lastEventAt");
  clear(profile.orders, "lastOrderAt");
  clear(profile.behaviour, "lastSeenAt");
  clear(profile.support, "lastInteractionAt");
  return released;
}

/** The first index of a sorted set whose id is not below `id` (where `id` is or would be inserted). */
function lowerBound(set: readonly string[], id: string): number {
  let lo = 0;
  let hi = set.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (set[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedHas(set: readonly string[], id: string): boolean {
  return set[lowerBound(set, id)] === id;
}

/** Adds an id to a sorted, capped set; returns true if it was not there (and is now counted). */
function addToSet(set: string[], id: string): boolean {
  const lo = lowerBound(set, id);
  if (set[lo] === id) return false;
  if (set.length < MAX_TRACKED_IDS) set.splice(lo, 0, id);
  return true;
}

function bump(counter: Record<string, number>, key: string, by = 1): void {
  counter[key] = (counter[key] ?? 0) + by;
}

function insertSorted(list: string[], value: string): void {
  if (!list.includes(value)) {
    list.push(value);
    list.sort();
  }
}

const cents = (amount: number) => Math.round(amount * 100);

/** Copies contract fields only: unexpected fields (kept as warnings by the validator) never reach the profile. */
function pick<T extends object>(source: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(source, key) && source[key] !== undefined)
      out[key] = source[key];
  }
  return out;
}
const ADDRESS_FIELDS = ["line1", "line2", "city", "stateCode", "postalCode", "countryCode"] as const;
const CONSENT_FIELDS = ["email", "sms", "push", "updatedAt"] as const;

/** Applies one event's facts to the profile (no idempotency check here: see applyEvents). */
export function mergeEvent(
  profile: CustomerProfileDocument,
  enriched: EnrichedEvent,
  decisions?: IdDecisions,
): void {
  // First time this customer sees the id? The id index's decision when there is one; else the cache.
  // Only the event that counts an id puts it in the cache: the cache then proves the count is in this
  // document (another consumer's event with the same id, merged first, must not hide the claimant's).
  const firstSeen = (kind: IdKind, set: string[], value: string) => {
    const decided = decisions?.get(idKey(kind, value));
    if (decided === undefined) return addToSet(set, value);
    if (decided) addToSet(set, value);
    return decided;
  };
  const { event, enrichment } = enriched;
  const stamp: Stamp = { at: event.occurredAt, eventId: event.eventId };
  insertSorted(profile.sources, event.source);
  insertSorted(profile.eventTypes, event.eventType);
  profile.firstEventAt = minInstant(profile.firstEventAt, event.occurredAt);
  profile.lastEventAt = maxInstant(profile.lastEventAt, event.occurredAt);
  profile.dataQuality.scoreSum += enrichment.dataQualityScore;
  profile.dataQuality.events += 1;

  // Last-writer-wins per field: `set` applies a value only if this event is newer than the field's stamp.
  const set = (field: string, apply: () => void) => {
    if (newer(stamp, profile.fieldTimestamps[field])) {
      profile.fieldTimestamps[field] = stamp;
      apply();
    }
  };

  switch (event.eventType) {
    case "customer_profile": {
      const p = event.payload;
      set("personal.firstName", () => (profile.personal.firstName = p.firstName.trim()));
      set("personal.lastName", () => (profile.personal.lastName = p.lastName.trim()));
      set("personal.email", () => (profile.personal.email = enrichment.normalizedEmail ?? p.email));
      if (p.phone !== undefined) {
        set("personal.phone", () => (profile.personal.phone = enrichment.normalizedPhone ?? p.phone));
      }
      if (p.dateOfBirth !== undefined)
        set("personal.dateOfBirth", () => (profile.personal.dateOfBirth = p.dateOfBirth));
      if (p.gender !== undefined) set("personal.gender", () => (profile.personal.gender = p.gender));
      if (p.address !== undefined) set("address", () => (profile.address = pick(p.address!, ADDRESS_FIELDS)));
      set("crm.customerSegment", () => (profile.crm.customerSegment = p.customerSegment));
      set("crm.loyaltyTier", () => (profile.crm.loyaltyTier = p.loyaltyTier));
      set("crm.loyaltyPoints", () => (profile.crm.loyaltyPoints = p.loyaltyPoints));
      set("crm.registrationDate", () => (profile.crm.registrationDate = p.registrationDate));
      set("crm.status", () => (profile.crm.status = p.status));
      if (p.preferredChannel !== undefined) {
        set(
          "preferences.preferredChannel",
          () => (profile.preferences.preferredChannel = p.preferredChannel),
        );
      }
      if (p.preferences !== undefined) {
        set(
          "preferences.categories",
          () => (profile.preferences.categories = [...p.preferences!.categories]),
        );
        set(
          "preferences.communication",
          () => (profile.preferences.communication = [...p.preferences!.communication]),
        );
      }
      // Consent is judged by its own updatedAt when given (a consent change can be older than the record).
      const consentStamp: Stamp = {
        at: consentInstant(p.consent.updatedAt, event.occurredAt),
        eventId: event.eventId,
      };
      if (newer(consentStamp, profile.fieldTimestamps.consent)) {
        profile.fieldTimestamps.consent = consentStamp;
        profile.consent = pick(p.consent, CONSENT_FIELDS);
      }
      if (p.externalIds !== undefined)
        set("externalIds", () => (profile.externalIds = Object.fromEntries(Object.entries(p.externalIds!))));
      break;
    }
    case "order": {
      const o = event.payload;
      // Order count, net spend and returns: contracts' ORDER_METRICS, the definition gold.customer_360 renders.
      const sign = spendSign(o.transactionType, o.status);
      if (sign === 0) break;
      if (!firstSeen("order", profile.orders.orderIds, o.orderId)) break; // the same order sent twice under two event ids
      if (sign > 0) {
        if (countsAsOrder(o.transactionType, o.status)) profile.orders.count += 1;
        profile.orders.totalSpentCents += cents(o.totalAmount);
        for (const item of o.items) bump(profile.orders.unitsByCategory, item.category, item.quantity);
        const orderStamp: Stamp = { at: o.orderedAt, eventId: event.eventId };
        if (newer(orderStamp, profile.fieldTimestamps["orders.lastOrder"])) {
          profile.fieldTimestamps["orders.lastOrder"] = orderStamp;
          profile.orders.lastOrderAt = o.orderedAt;
          profile.orders.lastOrderId = o.orderId;
        }
      } else {
        profile.orders.returns += 1;
        profile.orders.totalSpentCents -= cents(o.totalAmount);
      }
      profile.orders.loyaltyPointsEarned += o.loyaltyPointsEarned ?? 0;
      profile.orders.loyaltyPointsRedeemed += o.loyaltyPointsRedeemed ?? 0;
      break;
    }
    case "behavioral_event": {
      const b = event.payload;
      profile.behaviour.events += 1;
      bump(profile.behaviour.actions, b.action);
      if (firstSeen("session", profile.behaviour.sessionIds, b.sessionId)) profile.behaviour.sessions += 1;
      if (b.category && (b.action === "PRODUCT_VIEW" || b.action === "CART_ADD")) {
        bump(profile.behaviour.viewsByCategory, b.category);
      }
      profile.behaviour.lastSeenAt = maxInstant(profile.behaviour.lastSeenAt, event.occurredAt);
      break;
    }
    case "support_interaction": {
      const s = event.payload;
      const support = profile.support;
      support.interactions += 1;
      const previous = support.ticketStatus[s.ticketId];
      const decided = decisions?.get(idKey("ticket", s.ticketId));
      const counts = decided ?? !previous;
      if (counts) support.tickets += 1;
      const latest = { status: s.status, at: event.occurredAt, eventId: event.eventId };
      if (!previous) {
        // An entry made by an event that did not count the ticket is marked, so it is no cache hit.
        if (Object.keys(support.ticketStatus).length < MAX_TRACKED_IDS)
          support.ticketStatus[s.ticketId] = counts ? latest : { ...latest, uncounted: true };
      } else {
        const next: TicketState = newer(stamp, { at: previous.at, eventId: previous.eventId })
          ? latest
          : { ...previous };
        if (counts) delete next.uncounted;
        else if (previous.uncounted) next.uncounted = true;
        support.ticketStatus[s.ticketId] = next;
      }
      if (s.satisfactionScore !== undefined) {
        support.satisfactionSum += s.satisfactionScore;
        support.satisfactionCount += 1;
      }
      support.lastInteractionAt = maxInstant(support.lastInteractionAt, event.occurredAt);
      break;
    }
    case "product":
      break;
  }
}

/** Recomputes every derived field from the aggregates (idempotent, order-independent). */
export function finalizeProfile(profile: CustomerProfileDocument): CustomerProfileDocument {
  const o = profile.orders;
  o.totalSpent = o.totalSpentCents / 100;
  o.averageOrderValue = averageOrderValueCents(o.totalSpentCents, o.count) / 100;
  const s = profile.support;
  s.openTickets = Object.values(s.ticketStatus).filter(
    (t) => t.status === "OPEN" || t.status === "IN_PROGRESS",
  ).length;
  s.averageSatisfaction =
    s.satisfactionCount > 0 ? Math.round((s.satisfactionSum / s.satisfactionCount) * 100) / 100 : null;
  const q = profile.dataQuality;
  q.averageScore = q.events > 0 ? Math.round((q.scoreSum / q.events) * 10) / 10 : 0;
  // Purchases weigh three times a view; ties by name so the ranking is deterministic.
  const score: Record<string, number> = {};
  for (const [c, n] of Object.entries(o.unitsByCategory)) score[c] = (score[c] ?? 0) + 3 * n;
  for (const [c, n] of Object.entries(profile.behaviour.viewsByCategory)) score[c] = (score[c] ?? 0) + n;
  profile.preferredCategories = Object.entries(score)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([c]) => c);
  profile.valueSegment = valueSegment(o.totalSpent, o.count);
  return profile;
}

/** The customer an event belongs to in the profile store (anonymous behaviour has none). */
export function profileKey(event: AnyEvent): string | undefined {
  if (event.eventType === "product") return undefined;
  return event.customerId;
}

/**
 * The pure reference fold: raw events → profiles. Invalid events (including unknown schema
 * versions) are skipped; each valid event counts once by eventId (the first occurrence wins, as
 * the platform keeps the first delivery of an id).
 */
export function foldEvents(events: Iterable<unknown>): Map<string, CustomerProfileDocument> {
  const profiles = new Map<string, CustomerProfileDocument>();
  const seen = new Set<string>();
  const idsSeen = new Map<string, Set<string>>();
  for (const raw of events) {
    const validation = validateEvent(raw);
    if (!validation.valid) continue;
    const event = raw as AnyEvent;
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const key = profileKey(event);
    if (key === undefined) continue;
    let profile = profiles.get(key);
    if (!profile) {
      profile = emptyProfile(key);
      profiles.set(key, profile);
    }
    // Every id ever seen per customer, unbounded: what the id index gives the processor.
    let ids = idsSeen.get(key);
    if (!ids) idsSeen.set(key, (ids = new Set()));
    const decisions = new Map<string, boolean>();
    for (const { kind, value } of idClaimsOf(event)) {
      const k = idKey(kind, value);
      decisions.set(k, !ids.has(k));
      ids.add(k);
    }
    mergeEvent(profile, enrich(event, validation.violations), decisions);
  }
  for (const profile of profiles.values()) finalizeProfile(profile);
  return profiles;
}

/** A profile without the bookkeeping and system fields, for state comparisons. */
export function comparableProfile(doc: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    // changeOutbox: change events waiting to be sent (realtime-changes.ts), bookkeeping like idempotency
    if (k.startsWith("_") || k === "idempotency" || k === "changeOutbox") continue;
    out[k] = v;
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}
