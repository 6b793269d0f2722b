/** Reads, segments, erasure and export of a customer (the logic behind the /api/customers endpoints). */
import { randomUUID } from "node:crypto";

import { hasMarketingConsent } from "../../../contracts";
import type { ChangePublisher } from "./change-events";
import type { IdentityIndex } from "./identity-index";
import type { Lake } from "./lake";
import type { CustomerProfileDocument } from "./profile";
import type { ProfileStore } from "./profile-store";
import type { QuarantineRecord } from "./quarantine";
import { OUTBOX_FIELD } from "./realtime-changes";
import { eraseTraitsAndIndex, type TraitsErasureOutcome } from "./traits-erasure";

/** The profile as the API shows it: without Cosmos system fields and idempotency bookkeeping. */
export function publicProfile(doc: CustomerProfileDocument): Omit<CustomerProfileDocument, "idempotency"> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k.startsWith("_") || k === "idempotency" || k === OUTBOX_FIELD) continue;
    out[k] = v;
  }
  return out as Omit<CustomerProfileDocument, "idempotency">;
}

/**
 * The segments view. Preferred categories are personalization, a marketing use: shown only with marketing consent
 * (hasMarketingConsent, the batch path's rule too), judged on the profile's latest consent statement — so a
 * withdrawal applied by the next real-time batch empties them on the next read.
 */
export function segmentsOf(doc: CustomerProfileDocument) {
  const marketingConsent = hasMarketingConsent(doc.consent);
  return {
    customerId: doc.customerId,
    valueSegment: doc.valueSegment,
    valueSegmentBasis: { totalSpent: doc.orders.totalSpent, orderCount: doc.orders.count },
    crmSegment: doc.crm.customerSegment ?? null,
    loyaltyTier: doc.crm.loyaltyTier ?? null,
    marketingConsent,
    preferredCategories: marketingConsent ? doc.preferredCategories : [],
    engagement: {
      sessions: doc.behaviour.sessions,
      lastSeenAt: doc.behaviour.lastSeenAt ?? null,
      openTickets: doc.support.openTickets,
      averageSatisfaction: doc.support.averageSatisfaction,
    },
  };
}

export interface ErasureRecord {
  customerId: string;
  requestedAt: string;
  requestId: string;
}

export const ERASURE_PREFIX = "erasure/";

/**
 * Erasure: the request is recorded first (control/erasure/<requestId>.jsonl, which the batch path
 * honours), then the profile is replaced by a tombstone, so a failure in between leaves a record to
 * act on. The tombstone (not a delete) is what stops a later event from recreating the profile.
 * Last, the real-time quarantine records that name the customer are removed (the ones export lists).
 * `profileDeleted`: a profile existed and was erased.
 */
export async function eraseCustomer(
  deps: { store: ProfileStore; lake: Lake; index?: IdentityIndex; changes?: ChangePublisher },
  customerId: string,
  now: Date = new Date(),
): Promise<
  ErasureRecord & { profileDeleted: boolean; quarantineRecordsRemoved: number } & TraitsErasureOutcome
> {
  const record: ErasureRecord = { customerId, requestedAt: now.toISOString(), requestId: randomUUID() };
  await deps.lake.writeOnce(
    "control",
    `${ERASURE_PREFIX}${record.requestId}.jsonl`,
    JSON.stringify(record) + "\n",
  );
  const current = await deps.store.read(customerId);
  const profileDeleted = await deps.store.erase(customerId, {
    requestId: record.requestId,
    requestedAt: record.requestedAt,
  });
  // Batch traits (tombstoned), identifier index entries, and the erasure's change event (traits-erasure.ts).
  const traits = await eraseTraitsAndIndex(deps, record, current?.doc.personal ?? {});
  const quarantineRecordsRemoved = await purgeQuarantine(deps.lake, customerId);
  return { ...record, profileDeleted, quarantineRecordsRemoved, ...traits };
}

/** A real-time quarantine record names the customer by its envelope or its payload (as export matches). */
function namesCustomer(record: QuarantineRecord, customerId: string): boolean {
  const payloadCustomer = (record.event as { payload?: { customerId?: unknown } } | null)?.payload
    ?.customerId;
  return record.customerId === customerId || payloadCustomer === customerId;
}

/**
 * Removes the customer's records from the real-time quarantine files: each file holding one is rewritten
 * without it (deleted when nothing else is left), conditional on its ETag and re-read on a conflict, so a
 * concurrent erasure of someone else in the same file is never undone. Lines that do not parse are kept (they
 * name no one we can tell). Returns the number of records removed.
 */
async function purgeQuarantine(lake: Lake, customerId: string): Promise<number> {
  let removed = 0;
  for (const path of await lake.list("quarantine", "realtime/")) {
    for (let attempt = 0; ; attempt++) {
      const file = await lake.readVersioned("quarantine", path);
      if (!file || !file.text.includes(customerId)) break;
      const lines = file.text.split("\n").filter((l) => l.trim() !== "");
      const kept = lines.filter((line) => {
        try {
          return !namesCustomer(JSON.parse(line) as QuarantineRecord, customerId);
        } catch {
          return true;
        }
      });
      if (kept.length === lines.length) break;
      const content = kept.length > 0 ? kept.join("\n") + "\n" : undefined;
      if (await lake.replaceIfUnchanged("quarantine", path, content, file.etag)) {
        removed += lines.length - kept.length;
        break;
      }
      if (attempt >= 4) throw new Error(`quarantine file ${path} kept changing; erasure not finished`);
    }
  }
  return removed;
}

function parseLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a torn or foreign line is not this customer's data
    }
  }
  return out;
}

/**
 * Everything held about a customer: the profile, the quarantined events that name them, and
 * erasure requests. The quarantine and control zones are scanned (fine at their size; the batch
 * path's gold tables are exported by the batch path).
 */
export async function exportCustomerData(deps: { store: ProfileStore; lake: Lake }, customerId: string) {
  const stored = await deps.store.read(customerId);
  const quarantinedEvents: QuarantineRecord[] = [];
  for (const path of await deps.lake.list("quarantine", "realtime/")) {
    const text = await deps.lake.read("quarantine", path);
    if (!text || !text.includes(customerId)) continue;
    for (const record of parseLines<QuarantineRecord>(text)) {
      if (namesCustomer(record, customerId))
        quarantinedEvents.push({ ...record, position: { ...record.position } });
    }
  }
  const erasureRequests: ErasureRecord[] = [];
  for (const path of await deps.lake.list("control", ERASURE_PREFIX)) {
    const text = await deps.lake.read("control", path);
    if (!text) continue;
    erasureRequests.push(...parseLines<ErasureRecord>(text).filter((r) => r.customerId === customerId));
  }
  return {
    customerId,
    exportedAt: new Date().toISOString(),
    profile: stored ? publicProfile(stored.doc) : null,
    quarantinedEvents,
    erasureRequests,
  };
}
