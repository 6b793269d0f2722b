/**
 * The consent a real-time change is gated with (realtime-changes.ts): the person's latest consent statement among the
 * real-time profiles of their source ids, as gold.marketing_consent resolves it in batch (the latest statement by
 * when it took effect, the smaller profile id on a tie, a profile without a statement last). Consent is the person's,
 * whichever source recorded it last: a withdrawal made through the CRM id stops the changes of the same person's POS
 * profile too.
 *
 * The person's source ids are those the last traits sync resolved to the same customer: the identifier index names
 * the customer key of the profile's id, the key's traits document lists the ids. Before a sync has resolved the
 * profile (or without an index), the profile's own statement is the person's.
 */
import type { IdentityIndex } from "./identity-index";
import type { CustomerProfileDocument } from "./profile";
import { isErased, type ProfileStore } from "./profile-store";
import { readTraitsDocument } from "./traits";

export interface ConsentStatement {
  /** The real-time profile (source id) that holds the statement. */
  profileId: string;
  consent: CustomerProfileDocument["consent"];
  /** When the statement took effect (the profile's consent stamp); undefined when the profile has none. */
  at: string | undefined;
}

export function statementOf(doc: CustomerProfileDocument): ConsentStatement {
  return { profileId: doc.customerId, consent: doc.consent, at: doc.fieldTimestamps.consent?.at };
}

/** Epoch ms of a statement, NaN for a profile without one. */
const takenEffect = (s: ConsentStatement): number => (s.consent && s.at ? Date.parse(s.at) : Number.NaN);

/** The latest of `statements` in gold.marketing_consent's order; undefined for none. */
export function latestStatement(statements: readonly ConsentStatement[]): ConsentStatement | undefined {
  return [...statements].sort((a, b) => {
    const [ta, tb] = [takenEffect(a), takenEffect(b)];
    if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
    if (!Number.isNaN(ta) && ta !== tb) return tb - ta;
    return a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0;
  })[0];
}

/**
 * The person's latest statement for the profile `doc` (as about to be written): `doc`'s own against the stored
 * profiles of the other source ids of its resolved customer (erased ones have none).
 */
export async function personStatement(
  deps: { store: ProfileStore; index?: IdentityIndex },
  doc: CustomerProfileDocument,
): Promise<ConsentStatement> {
  const own = statementOf(doc);
  const key = deps.index ? await deps.index.resolve("id", doc.customerId) : undefined;
  if (key === undefined) return own;
  const members = (await readTraitsDocument(deps.store, key))?.sourceIds ?? [key];
  const others = await Promise.all(
    members.filter((id) => id !== doc.customerId).map((id) => deps.store.readCurrent(id)),
  );
  const statements = others.flatMap((s) => (s && !isErased(s) ? [statementOf(s.doc)] : []));
  return latestStatement([own, ...statements]) ?? own;
}
