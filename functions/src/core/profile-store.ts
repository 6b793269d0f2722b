/**
 * Profiles in Cosmos DB (container partitioned by /customerId), written with optimistic
 * concurrency: a new profile is created (409 if someone else created it first), an existing one
 * replaced with If-Match on the ETag it was read with (412 if it changed since). On either
 * conflict the caller re-reads and merges again.
 *
 * Erasure replaces a profile with a tombstone (same id and partition key, no personal data) rather
 * than deleting it: a deleted document is indistinguishable from one never written, so a late or
 * replayed event would recreate the profile. The processor sees the tombstone and applies nothing;
 * the API paths treat it as absent.
 */
import type { Container, Database, ItemDefinition } from "@azure/cosmos";

import type { CustomerProfileDocument } from "./profile";
import { statusOf } from "./retry";

export interface StoredProfile {
  doc: CustomerProfileDocument;
  etag: string;
}

/** What is left of an erased customer: the erasure request's ids, nothing personal. */
export interface ErasureTombstone {
  id: string;
  customerId: string;
  docType: "erasure_tombstone";
  /** `hashes`: the salted hashes of every id and contact the profile held (identity-hash.ts). */
  erasure: { requestId: string; requestedAt: string; hashes?: string[] };
}

export interface StoredTombstone {
  tombstone: ErasureTombstone;
  etag: string;
}

/** What the processor reads before a write: a profile, an erased customer, or nothing yet. */
export type StoredDocument = StoredProfile | StoredTombstone;

export function isErased(stored: StoredDocument | undefined): stored is StoredTombstone {
  return stored !== undefined && "tombstone" in stored;
}

const TOMBSTONE: ErasureTombstone["docType"] = "erasure_tombstone";

export class ConcurrencyConflict extends Error {
  constructor(customerId: string, status: number) {
    super(`profile ${customerId} changed concurrently (HTTP ${status})`);
    this.name = "ConcurrencyConflict";
  }
}

/** Request counters (each Cosmos call is one request; the Cosmos server reports 1 RU for each). */
export interface StoreStats {
  reads: number;
  writes: number;
  conflicts: number;
  requestCharge: number;
  /** Reads saved by the write cache. */
  cacheHits: number;
}

/** Profiles this instance wrote last, with their ETags (LRU). Saves the read before a write in the
 * steady state, where each partition (so each customer) is owned by one instance; a stale entry
 * costs one 412 and a fresh read. */
export const DEFAULT_CACHE_SIZE = 2_000; // ~10 MB at 5 KB per profile; bounded by count, not bytes

export class ProfileStore {
  readonly stats: StoreStats = { reads: 0, writes: 0, conflicts: 0, requestCharge: 0, cacheHits: 0 };
  private readonly cache = new Map<string, StoredProfile>();

  constructor(
    readonly container: Container,
    readonly cacheSize = DEFAULT_CACHE_SIZE,
  ) {}

  /** The last version this instance wrote (a private copy), or a fresh read. */
  async readForUpdate(customerId: string): Promise<StoredDocument | undefined> {
    const cached = this.cache.get(customerId);
    if (cached) {
      this.stats.cacheHits++;
      return { doc: structuredClone(cached.doc), etag: cached.etag };
    }
    return this.readCurrent(customerId);
  }

  forget(customerId: string): void {
    this.cache.delete(customerId);
  }

  private remember(doc: CustomerProfileDocument, etag: string): void {
    if (this.cacheSize <= 0 || !etag) return;
    this.cache.delete(doc.customerId);
    this.cache.set(doc.customerId, { doc: structuredClone(doc), etag });
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  static async open(database: Database, containerId: string): Promise<ProfileStore> {
    const { container } = await database.containers.createIfNotExists({
      id: containerId,
      partitionKey: { paths: ["/customerId"] },
    });
    return new ProfileStore(container);
  }

  /** The profile as the API sees it: an erased customer has none. */
  async read(customerId: string): Promise<StoredProfile | undefined> {
    const stored = await this.readCurrent(customerId);
    return isErased(stored) ? undefined : stored;
  }

  /** A fresh read that tells "never written" (undefined) from "erased" (a tombstone). */
  async readCurrent(customerId: string): Promise<StoredDocument | undefined> {
    this.stats.reads++;
    try {
      const res = await this.container
        .item(customerId, customerId)
        .read<CustomerProfileDocument | ErasureTombstone>();
      this.stats.requestCharge += res.requestCharge ?? 0;
      if (res.statusCode === 404 || !res.resource) return undefined;
      const etag = res.etag ?? res.resource._etag!;
      const resource: CustomerProfileDocument | ErasureTombstone = res.resource;
      return resource.docType === TOMBSTONE ? { tombstone: resource, etag } : { doc: resource, etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Creates (etag undefined) or replaces if unchanged since read; throws ConcurrencyConflict otherwise. */
  async write(doc: CustomerProfileDocument, etag: string | undefined): Promise<string> {
    this.stats.writes++;
    const body = stripSystemFields(doc);
    try {
      const res = etag
        ? await this.container
            .item(doc.id, doc.customerId)
            .replace(body, { accessCondition: { type: "IfMatch", condition: etag } })
        : await this.container.items.create(body);
      this.stats.requestCharge += res.requestCharge ?? 0;
      this.remember(doc, res.etag ?? "");
      return res.etag ?? "";
    } catch (error) {
      const status = statusOf(error);
      // 412/409: changed or created since read (an erasure's tombstone among others); re-read.
      // 404 on replace: the document was removed outside the app since it was read; re-read and create.
      if (status === 412 || status === 409 || (status === 404 && etag)) {
        this.forget(doc.customerId);
        this.stats.conflicts++;
        throw new ConcurrencyConflict(doc.customerId, status);
      }
      throw error;
    }
  }

  /** Unconditional upsert: the naive one-write-per-event baseline of the benchmark. */
  async upsert(doc: CustomerProfileDocument): Promise<void> {
    this.stats.writes++;
    const res = await this.container.items.upsert(stripSystemFields(doc));
    this.stats.requestCharge += res.requestCharge ?? 0;
  }

  /**
   * Replaces whatever is stored with a tombstone. Unconditional on purpose: it must win over any
   * profile, and it changes the ETag, so a processor that read the old profile gets 412 (or 409 if
   * it read nothing and tries to create) and re-reads into the tombstone. Returns whether a
   * profile existed (a repeated erasure replaces a tombstone, not a profile).
   */
  async erase(customerId: string, erasure: ErasureTombstone["erasure"]): Promise<boolean> {
    const before = await this.readCurrent(customerId);
    const tombstone: ErasureTombstone = { id: customerId, customerId, docType: TOMBSTONE, erasure };
    this.stats.writes++;
    const res = await this.container.items.upsert(tombstone);
    this.stats.requestCharge += res.requestCharge ?? 0;
    // After the upsert: a write of ours that raced it is stale now, and serving it from the cache
    // would only cost a 412.
    this.forget(customerId);
    // 200 = it replaced a document (201 = created one). That was a profile unless the read found a
    // tombstone (a repeated erasure); a profile created between the read and the upsert counts.
    return res.statusCode === 200 && !isErased(before);
  }

  /** Every profile (tombstones are not profiles). */
  async readAll(): Promise<CustomerProfileDocument[]> {
    const { resources } = await this.container.items
      .query<CustomerProfileDocument>(PROFILES_QUERY)
      .fetchAll();
    return resources;
  }
}

/** Profiles only: every profile carries docType "customer_profile" (tombstones and batch traits documents do not). */
export const PROFILES_WHERE = `c.docType = "customer_profile"`;
const PROFILES_QUERY = `SELECT * FROM c WHERE ${PROFILES_WHERE}`;

function stripSystemFields(doc: CustomerProfileDocument): ItemDefinition {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith("_")) out[k] = v;
  return out as ItemDefinition;
}
