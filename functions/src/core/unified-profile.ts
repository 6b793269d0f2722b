/**
 * The unified profile: any identifier of a resolved customer (a source id of its cluster, a normalized email or
 * phone) → its canonical id through the identifier index (one point read), then the canonical id's real-time
 * profile and batch traits document (two point reads in its partition). Never a cross-partition query.
 */
import { publicProfile } from "./customers";
import { type IdentifierKind, type IdentityIndex } from "./identity-index";
import type { CustomerProfileDocument } from "./profile";
import { isErased, type ProfileStore } from "./profile-store";
import { readTraitsDocument, type TraitsDocument } from "./traits";

export interface UnifiedProfile extends Partial<Omit<CustomerProfileDocument, "idempotency">> {
  customerId: string;
  /** The resolved customer key every source id of the cluster maps to. */
  canonicalId: string;
  /** The identifier the caller asked with (as given, before normalization). */
  requestedBy: { kind: IdentifierKind; value: string };
  /** Source ids of the cluster (from the last traits sync; just the canonical id before one). */
  memberIds: string[];
  /** Batch traits with when they were computed; null when no sync has reached this customer yet. */
  traits: (TraitsDocument["traits"] & { asOf: string; asOfDate: string; loadId: string }) | null;
}

async function profileAt(store: ProfileStore, customerId: string) {
  const [stored, traits] = await Promise.all([
    store.readCurrent(customerId),
    readTraitsDocument(store, customerId),
  ]);
  if (isErased(stored)) return { erased: true as const };
  return { erased: false as const, profile: stored?.doc, traits };
}

export async function readUnifiedProfile(
  deps: { store: ProfileStore; index?: IdentityIndex },
  kind: IdentifierKind,
  value: string,
): Promise<UnifiedProfile | undefined> {
  const resolved = deps.index ? await deps.index.resolve(kind, value) : undefined;
  if (kind !== "id" && resolved === undefined) return undefined;
  const key = resolved ?? value;
  let found = await profileAt(deps.store, key);
  if (found.erased) return undefined;
  // A source id the index maps elsewhere, whose canonical id holds nothing (yet): its own real-time profile.
  if (!found.profile && !found.traits && kind === "id" && key !== value) {
    found = await profileAt(deps.store, value);
    if (found.erased || (!found.profile && !found.traits)) return undefined;
    return unify(value, kind, value, found.profile, found.traits);
  }
  if (!found.profile && !found.traits) return undefined;
  return unify(key, kind, value, found.profile, found.traits);
}

function unify(
  key: string,
  kind: IdentifierKind,
  value: string,
  profile: CustomerProfileDocument | undefined,
  traits: TraitsDocument | undefined,
): UnifiedProfile {
  return {
    ...(profile ? publicProfile(profile) : {}),
    customerId: key,
    canonicalId: key,
    requestedBy: { kind, value },
    memberIds: traits?.sourceIds ?? [key],
    traits: traits
      ? { ...traits.traits, asOf: traits.asOf, asOfDate: traits.asOfDate, loadId: traits.loadId }
      : null,
  };
}
