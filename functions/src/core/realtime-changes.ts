/**
 * Change events of the real-time path: when merging a batch moves a profile's value tier (`valueSegment`), one
 * `customer.profile.updated` event (kind `valueTier`, cause `realtime_event`) goes to `profile-changes`.
 *
 * Exactly once across redeliveries: the event is put in the profile's `changeOutbox` before the write, so it is
 * stored in the same conditional write as the change itself; after the write it is sent and a marker
 * `control/profile-changes/sent/<eventId>` is written to the lake. A batch redelivered after the write (nothing left
 * to apply) finds the entry in the outbox without a marker and sends it then. The event id is deterministic (the
 * customer, the new tier and the last event applied), so a crash between the send and the marker re-sends the same
 * id, as do two batches of one customer (one per stream) redelivered at once. Entries whose marker this instance saw
 * are dropped from the outbox on the customer's next write; at most OUTBOX_LIMIT are kept.
 *
 * Consent (activationConsent in contracts/consent.ts, the traits sync's rule too): a tier change is recorded only when the
 * person's latest consent statement (person-consent.ts: among the profiles of the source ids resolved to the same
 * customer, the merged profile's own included) gives marketing consent, with that consent per channel and its time.
 * A withdrawal merged by a batch also empties the outbox of what was not sent yet, and entries still pending carry the
 * person's current consent: from that batch on nothing goes out under the withdrawn consent. A redelivered batch that
 * has nothing left to apply sends the stored outbox under the person's consent read then (flushPending), so a
 * withdrawal made through another source id since the write stops those entries too; the next write drops them.
 */
import {
  activationConsent,
  PROFILE_CHANGE_SCHEMA_VERSION,
  type ProfileChangeEvent,
} from "../../../contracts";
import { changeEvent, type ChangePublisher } from "./change-events";
import type { Lake } from "./lake";
import { type ConsentStatement, statementOf } from "./person-consent";
import type { CustomerProfileDocument } from "./profile";

export const OUTBOX_FIELD = "changeOutbox";
export const OUTBOX_LIMIT = 10;
const SENT_PREFIX = "profile-changes/sent/";
const CONFIRMED_LIMIT = 10_000;

type WithOutbox = CustomerProfileDocument & { [OUTBOX_FIELD]?: ProfileChangeEvent[] };

export interface RealtimeChangeDeps {
  changes?: ChangePublisher;
  lake: Lake;
}

/** Ids this instance knows were sent (marker written or seen); bounded, cleared when full. */
const confirmed = new Set<string>();

function confirm(id: string): void {
  if (confirmed.size >= CONFIRMED_LIMIT) confirmed.clear();
  confirmed.add(id);
}

export function outboxOf(doc: CustomerProfileDocument): ProfileChangeEvent[] {
  return (doc as WithOutbox)[OUTBOX_FIELD] ?? [];
}

/** Whether the write of `doc` may record or carry a change, so that the person's consent must be known first. */
export function changeToGate(tierBefore: string, doc: CustomerProfileDocument): boolean {
  return doc.valueSegment !== tierBefore || outboxOf(doc).length > 0;
}

/**
 * Before the write of a merged profile: when the value tier moved from `tierBefore` and the person has marketing
 * consent (`statement`: the person's latest consent statement, person-consent.ts; the profile's own by default), the
 * change goes in the outbox (with entries already confirmed sent dropped; without consent, every pending entry is
 * dropped too). Returns the ids just recorded.
 */
export function recordTierChange(
  tierBefore: string,
  doc: CustomerProfileDocument,
  causeEventId: string,
  now: Date,
  statement: ConsentStatement = statementOf(doc),
): Set<string> {
  const consent = consentOf(statement);
  const pending = pendingUnder(doc, consent);
  const fresh = new Set<string>();
  if (consent && doc.valueSegment !== tierBefore) {
    const at = now.toISOString();
    const event = changeEvent({
      customerId: doc.customerId,
      kind: "valueTier",
      oldValue: tierBefore,
      newValue: doc.valueSegment,
      cause: "realtime_event",
      asOf: at,
      occurredAt: at,
      causeId: `${doc.valueSegment}|${causeEventId}`,
      causeEventId,
      consent,
    });
    pending.push(event);
    fresh.add(event.eventId);
  }
  if (pending.length > 0) (doc as WithOutbox)[OUTBOX_FIELD] = pending.slice(-OUTBOX_LIMIT);
  else delete (doc as WithOutbox)[OUTBOX_FIELD];
  return fresh;
}

/** Timed as the statement took effect (its profile's stamp; gold's consent_updated_at). */
const consentOf = (statement: ConsentStatement) => activationConsent(statement.consent, statement.at);

/**
 * The outbox entries of `doc` that may still go out under `consent` (activationConsent's): none without it; with it,
 * those not known sent, carrying that consent.
 */
function pendingUnder(
  doc: CustomerProfileDocument,
  consent: ReturnType<typeof activationConsent>,
): ProfileChangeEvent[] {
  if (!consent) return [];
  return unsentOf(doc).map((e) => ({
    ...e,
    schemaVersion: PROFILE_CHANGE_SCHEMA_VERSION,
    payload: { ...e.payload, consent },
  }));
}

/** Outbox entries this instance has not seen sent (a marker may still say they were). */
export const unsentOf = (doc: CustomerProfileDocument): ProfileChangeEvent[] =>
  outboxOf(doc).filter((e) => !confirmed.has(e.eventId));

/**
 * A redelivered batch with nothing left to apply (no write): sends the stored profile's unsent outbox entries under
 * the person's consent now (`statement`, person-consent.ts) — none after a withdrawal, also one made through another
 * source id since the write. The stored document is left as it is; its next write drops what the consent no longer
 * allows. Returns how many were sent.
 */
export async function flushPending(
  deps: RealtimeChangeDeps,
  stored: CustomerProfileDocument,
  statement: ConsentStatement,
): Promise<number> {
  const gated = { ...stored, [OUTBOX_FIELD]: pendingUnder(stored, consentOf(statement)) };
  return flushOutbox(deps, gated);
}

/**
 * Sends the outbox entries that have no sent marker yet and marks them; returns how many were sent. `fresh`: ids just
 * recorded by this write, known unsent (no marker read for them).
 */
export async function flushOutbox(
  deps: RealtimeChangeDeps,
  doc: CustomerProfileDocument,
  fresh: ReadonlySet<string> = new Set(),
): Promise<number> {
  if (!deps.changes) return 0;
  let sent = 0;
  for (const event of outboxOf(doc)) {
    if (confirmed.has(event.eventId)) continue;
    const marker = `${SENT_PREFIX}${event.eventId}`;
    if (!fresh.has(event.eventId) && (await deps.lake.read("control", marker)) !== undefined) {
      confirm(event.eventId);
      continue;
    }
    await deps.changes.publish([event]);
    await deps.lake.writeOnce("control", marker, event.occurredAt);
    confirm(event.eventId);
    sent++;
  }
  return sent;
}
