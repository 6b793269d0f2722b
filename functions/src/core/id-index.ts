/**
 * Order, session and ticket ids seen per customer, outside the profile document (Cosmos container
 * `ids`, partition key /customerId, one small document per (customer, kind, id)), so a replayed id is
 * recognized however old it is: the profile's own id sets are only a cache of recent ids.
 *
 * A claim is a conditional create (409 when the document exists). The document records which event
 * claimed the id, so a claim is idempotent per event: an event whose batch failed after its claim and
 * is redelivered finds its own claim and still counts, while the same id under another event id does
 * not count again. (@vercel/cosmosdb-server has no transactional batch, so the claim and the profile
 * write are two operations; the claimant rule makes that safe.)
 */
import { createHash } from "node:crypto";

import type { Container, Database } from "@azure/cosmos";

import { statusOf } from "./retry";

/** The containers' names in the profile store's database (created by infra/components/profile-store.ts). */
export const IDS_CONTAINER = "ids";
export const ERASURE_CONTAINER = "erasure";

export type IdKind = "order" | "session" | "ticket";

/** The logical partition holding erased-identity hashes (customer ids never contain it: it has a colon). */
export const ERASED_PARTITION = "erased:identities";

export interface IdClaimDocument {
  /** `<kind>:<sha-256 of the id>` (ids may hold characters a Cosmos id cannot). */
  id: string;
  customerId: string;
  kind: IdKind;
  /** The event that counted this id. */
  claimedBy: string;
}

export const idDocumentId = (kind: IdKind, value: string) =>
  `${kind}:${createHash("sha256").update(value).digest("hex").slice(0, 40)}`;

export class IdIndex {
  readonly stats = { claims: 0, repeats: 0 };

  /** `erased`: the container of erased identities (ERASURE_CONTAINER), apart so its queries scan only them. */
  constructor(
    readonly container: Container,
    readonly erased: Container,
  ) {}

  static async open(database: Database): Promise<IdIndex> {
    const open = async (id: string) =>
      (await database.containers.createIfNotExists({ id, partitionKey: { paths: ["/customerId"] } }))
        .container;
    return new IdIndex(await open(IDS_CONTAINER), await open(ERASURE_CONTAINER));
  }

  /** True when `eventId` is the one that counts this id for the customer (now, or on an earlier attempt). */
  async claim(customerId: string, kind: IdKind, value: string, eventId: string): Promise<boolean> {
    const doc: IdClaimDocument = { id: idDocumentId(kind, value), customerId, kind, claimedBy: eventId };
    this.stats.claims++;
    try {
      await this.container.items.create(doc);
      return true;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const { resource } = await this.container.item(doc.id, customerId).read<IdClaimDocument>();
    const mine = resource?.claimedBy === eventId;
    if (!mine) this.stats.repeats++;
    return mine;
  }

  /**
   * Erased identities (hashes from identity-hash.ts), one entry per hash in the logical partition
   * ERASED_PARTITION of the `erasure` container: an upsert, so erasing a person again adds nothing.
   */
  async suppress(hashes: Iterable<string>): Promise<void> {
    for (const hash of hashes) {
      await this.erased.items.upsert({ id: hash, customerId: ERASED_PARTITION, kind: "erased" });
    }
  }

  /** Which of these hashes are erased identities: one query per 256 hashes, in one logical partition. */
  async suppressed(hashes: Iterable<string>): Promise<Set<string>> {
    const all = [...new Set(hashes)];
    const found = new Set<string>();
    for (let i = 0; i < all.length; i += 256) {
      const { resources } = await this.erased.items
        .query<{ id: string }>(
          {
            query: "SELECT c.id FROM c WHERE ARRAY_CONTAINS(@hashes, c.id)",
            parameters: [{ name: "@hashes", value: all.slice(i, i + 256) }],
          },
          { partitionKey: ERASED_PARTITION },
        )
        .fetchAll();
      for (const r of resources) found.add(r.id);
    }
    return found;
  }
}
