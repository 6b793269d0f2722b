/**
 * What erasure removes beyond the real-time profile (customers.ts eraseCustomer): the batch traits document
 * (replaced by a tombstone, so the traits sync never recreates it), the identifier index entries that lead to the
 * customer, and one `customer.profile.erased` change event so downstream systems delete too.
 */
import { changeEvent, type ChangePublisher } from "./change-events";
import type { ErasureRecord } from "./customers";
import { type IdentityIndex, indexId } from "./identity-index";
import type { ProfileStore } from "./profile-store";
import { readTraitsDocument, traitsDocId } from "./traits";

export interface TraitsErasureOutcome {
  indexEntriesRemoved: number;
  changeEventId: string | null;
}

export async function eraseTraitsAndIndex(
  deps: { store: ProfileStore; index?: IdentityIndex; changes?: ChangePublisher },
  record: ErasureRecord,
  contact: { email?: string; phone?: string },
): Promise<TraitsErasureOutcome> {
  const { customerId } = record;
  const traits = await readTraitsDocument(deps.store, customerId);
  deps.store.stats.writes++;
  await deps.store.container.items.upsert({
    id: traitsDocId(customerId),
    customerId,
    docType: "erasure_tombstone",
    erasure: { requestId: record.requestId, requestedAt: record.requestedAt },
  });
  let indexEntriesRemoved = 0;
  if (deps.index) {
    // The entries this customer's cluster owns (when it is the canonical id), and the ones its own id, email
    // and phone lead to, as long as they still name the customer's canonical id.
    const key = (await deps.index.resolve("id", customerId)) ?? customerId;
    const candidates = new Set<string>(traits?.identifiers ?? []);
    const own = indexId("id", customerId);
    if (contact.email) candidates.add(indexId("email", contact.email));
    if (contact.phone) candidates.add(indexId("phone", contact.phone));
    candidates.delete(own);
    if (await deps.index.remove(own)) indexEntriesRemoved++;
    for (const id of candidates) if (await deps.index.remove(id, key)) indexEntriesRemoved++;
  }
  let changeEventId: string | null = null;
  if (deps.changes) {
    const event = changeEvent({
      customerId,
      kind: "erased",
      oldValue: null,
      newValue: null,
      cause: "erasure",
      asOf: record.requestedAt,
      occurredAt: record.requestedAt,
      causeId: record.requestId,
      requestId: record.requestId,
    });
    await deps.changes.publish([event]);
    changeEventId = event.eventId;
  }
  return { indexEntriesRemoved, changeEventId };
}
