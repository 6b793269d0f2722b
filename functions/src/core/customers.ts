/** Reads, segments, erasure and export of a customer (the logic behind the /api/customers endpoints). */
import { randomUUID } from "node:crypto";

import { hasMarketingConsent } from "../../../contracts";
import type { ChangePublisher } from "./change-events";
import type { IdIndex } from "./id-index";
import { identityHash, identityHashesOf, identityHashesOfProfile } from "./identity-hash";
import type { IdentityIndex } from "./identity-index";
import type { Lake } from "./lake";
import { type ConsentStatement, statementOf } from "./person-consent";
import type { CustomerProfileDocument } from "./profile";
import { isErased, type ProfileStore, type StoredDocument } from "./profile-store";
import type { QuarantineRecord } from "./quarantine";
import { indexedQuarantineFiles, recordIdentityHashes, removeIndexEntries } from "./quarantine-index";
import { OUTBOX_FIELD } from "./realtime-changes";
import { readTraitsDocument } from "./traits";
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
 * (hasMarketingConsent, the batch path's rule too), judged on the person's latest consent statement (`statement`,
 * person-consent.ts; the profile's own by default) — so a withdrawal applied by the next real-time batch, through
 * any source id of the person, empties them on the next read.
 */
export function segmentsOf(doc: CustomerProfileDocument, statement: ConsentStatement = statementOf(doc)) {
  const marketingConsent = hasMarketingConsent(statement.consent);
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

export interface ErasureOutcome extends ErasureRecord, TraitsErasureOutcome {
  /** False when nothing was held about the id: then nothing was stored either (see eraseCustomer). */
  held: boolean;
  profileDeleted: boolean;
  quarantineRecordsRemoved: number;
}

type CustomerDeps = {
  store: ProfileStore;
  lake: Lake;
  ids?: IdIndex;
  index?: IdentityIndex;
  changes?: ChangePublisher;
};

/** Every identity hash of a customer: the id, and the contacts of the profile or of its tombstone. */
export function identityOf(customerId: string, stored: StoredDocument | undefined): Set<string> {
  if (isErased(stored)) {
    return new Set([identityHash(customerId), ...(stored.tombstone.erasure.hashes ?? [])]);
  }
  return identityHashesOfProfile(customerId, stored?.doc);
}

/**
 * Erasure: the request is recorded first (control/erasure/<requestId>.jsonl, which the batch path
 * honours), then the profile is replaced by a tombstone holding only the hashes of the ids and contacts it
 * had, those hashes become erased identities (events naming any of them are dropped from then on), and
 * the quarantined records naming any of them — found through the quarantine index — are removed.
 *
 * Rules that keep DELETE from growing storage per request: an id about which nothing is held (no profile,
 * no tombstone, no quarantined record) stores nothing and answers `held: false`; an erased customer with
 * nothing new held answers the existing erasure again and stores nothing.
 */
export async function eraseCustomer(
  deps: CustomerDeps,
  customerId: string,
  now: Date = new Date(),
): Promise<ErasureOutcome> {
  const before = await deps.store.readCurrent(customerId);
  const hashes = identityOf(customerId, before);
  const files = await indexedQuarantineFiles(deps.lake, hashes);
  const nothingNew = { quarantineRecordsRemoved: 0, indexEntriesRemoved: 0, changeEventId: null };
  if (isErased(before) && files.length === 0) {
    const { requestId, requestedAt } = before.tombstone.erasure;
    return { customerId, requestId, requestedAt, held: true, profileDeleted: false, ...nothingNew };
  }
  const record: ErasureRecord = { customerId, requestedAt: now.toISOString(), requestId: randomUUID() };
  if (!before && files.length === 0 && !(await readTraitsDocument(deps.store, customerId))) {
    return { ...record, held: false, profileDeleted: false, ...nothingNew };
  }
  await deps.lake.writeOnce(
    "control",
    `${ERASURE_PREFIX}${record.requestId}.jsonl`,
    JSON.stringify(record) + "\n",
  );
  const current = await deps.store.read(customerId);
  const profileDeleted = await deps.store.erase(customerId, {
    requestId: record.requestId,
    requestedAt: record.requestedAt,
    hashes: [...hashes].sort(),
  });
  // Batch traits (tombstoned), identifier index entries, and the erasure's change event (traits-erasure.ts).
  const traits = await eraseTraitsAndIndex(deps, record, current?.doc.personal ?? {});
  await deps.ids?.suppress(hashes);
  const quarantineRecordsRemoved = await purgeQuarantine(deps.lake, files, hashes);
  await removeIndexEntries(deps.lake, hashes);
  return { ...record, held: true, profileDeleted, quarantineRecordsRemoved, ...traits };
}

export const namesAny = (record: QuarantineRecord, hashes: ReadonlySet<string>) =>
  [...recordIdentityHashes(record)].some((h) => hashes.has(h));

/**
 * Removes the records naming any of `hashes` from these quarantine files: each is rewritten without them
 * (deleted when nothing else is left), conditional on its ETag and re-read on a conflict, so a concurrent
 * erasure of someone else in the same file is never undone. A line that is not a record is judged by its
 * text (identityHashesOf). Returns the number of records removed.
 */
async function purgeQuarantine(
  lake: Lake,
  paths: readonly string[],
  hashes: ReadonlySet<string>,
): Promise<number> {
  let removed = 0;
  for (const path of paths) {
    for (let attempt = 0; ; attempt++) {
      const file = await lake.readVersioned("quarantine", path);
      if (!file) break;
      const lines = file.text.split("\n").filter((l) => l.trim() !== "");
      const kept = lines.filter((line) => {
        try {
          return !namesAny(JSON.parse(line) as QuarantineRecord, hashes);
        } catch {
          return ![...identityHashesOf(line)].some((h) => hashes.has(h));
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
