/**
 * Profiles in Cosmos DB (container partitioned by /customerId), written with optimistic
 * concurrency: a new profile is created (409 if someone else created it first), an existing one
 * replaced with If-Match on the ETag it was read with (412 if it changed since). On either
 * conflict the caller re-reads and merges again.
 */
import type { Container, Database, ItemDefinition } from "@azure/cosmos";

import type { CustomerProfileDocument } from "./profile";
import { statusOf } from "./retry";

export interface StoredProfile {
  doc: CustomerProfileDocument;
  etag: string;
}

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
  async readForUpdate(customerId: string): Promise<StoredProfile | undefined> {
    const cached = this.cache.get(customerId);
    if (cached) {
      this.stats.cacheHits++;
      return { doc: structuredClone(cached.doc), etag: cached.etag };
    }
    return this.read(customerId);
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

  async read(customerId: string): Promise<StoredProfile | undefined> {
    this.stats.reads++;
    try {
      const res = await this.container.item(customerId, customerId).read<CustomerProfileDocument>();
      this.stats.requestCharge += res.requestCharge ?? 0;
      if (res.statusCode === 404 || !res.resource) return undefined;
      return { doc: res.resource, etag: res.etag ?? res.resource._etag! };
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
      // 404 on replace: deleted (erased) since it was read; re-read and create.
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

  async delete(customerId: string): Promise<boolean> {
    this.forget(customerId);
    try {
      await this.container.item(customerId, customerId).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async readAll(): Promise<CustomerProfileDocument[]> {
    const { resources } = await this.container.items
      .query<CustomerProfileDocument>("SELECT * FROM c")
      .fetchAll();
    return resources;
  }
}

function stripSystemFields(doc: CustomerProfileDocument): ItemDefinition {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith("_")) out[k] = v;
  return out as ItemDefinition;
}
