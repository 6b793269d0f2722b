/**
 * The identifier index: a Cosmos container (partition key `/id`) with one small document per identifier of a
 * resolved customer — each source id of its cluster (CRM, POS, e-commerce, external ids), each normalized email
 * and E.164 phone — naming the customer's canonical id. A lookup is one point read, never a cross-partition query.
 *
 * Identifiers are stored hashed: the document id is `<kind>:<SHA-256 of kind:value>`, so the index holds no email,
 * phone or id in clear (SHA-256 of a known address is still guessable: this keeps identifiers out of plain sight,
 * it is not anonymization). The traits sync writes the entries (traits-sync.ts); erasure removes them.
 */
import { createHash } from "node:crypto";

import type { Container, Database } from "@azure/cosmos";

import { normalizeEmail, normalizePhone } from "../../../contracts";
import { statusOf } from "./retry";

export const IDENTIFIER_KINDS = ["id", "email", "phone"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface IndexEntry {
  id: string;
  kind: IdentifierKind;
  customerKey: string;
}

export function indexId(kind: IdentifierKind, value: string): string {
  return `${kind}:${createHash("sha256").update(`${kind}:${value}`).digest("hex")}`;
}

/** A query value in the form the index holds it (lower-cased email, E.164 phone), or undefined when invalid. */
export function normalizeIdentifier(kind: IdentifierKind, raw: string): string | undefined {
  if (kind === "email") return normalizeEmail(raw);
  if (kind === "phone") return normalizePhone(raw);
  const id = raw.trim();
  return id === "" ? undefined : id;
}

export interface IndexStats {
  reads: number;
  writes: number;
  deletes: number;
}

export class IdentityIndex {
  readonly stats: IndexStats = { reads: 0, writes: 0, deletes: 0 };

  constructor(readonly container: Container) {}

  static async open(database: Database, containerId: string): Promise<IdentityIndex> {
    const { container } = await database.containers.createIfNotExists({
      id: containerId,
      partitionKey: { paths: ["/id"] },
    });
    return new IdentityIndex(container);
  }

  /** The canonical customer id an identifier belongs to (one point read), or undefined. */
  async resolve(kind: IdentifierKind, value: string): Promise<string | undefined> {
    return (await this.entry(indexId(kind, value)))?.customerKey;
  }

  /** An entry by its (hashed) id, without Cosmos system fields (one point read), or undefined. */
  async entry(id: string): Promise<IndexEntry | undefined> {
    this.stats.reads++;
    try {
      const res = await this.container.item(id, id).read<IndexEntry>();
      if (res.statusCode === 404 || !res.resource) return undefined;
      const { id: entryId, kind, customerKey } = res.resource;
      return { id: entryId, kind, customerKey };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async put(entry: IndexEntry): Promise<void> {
    this.stats.writes++;
    await this.container.items.upsert(entry);
  }

  /** Removes an entry; only when it still names `customerKey` if given (another customer may own it by now). */
  async remove(id: string, customerKey?: string): Promise<boolean> {
    if (customerKey !== undefined) {
      this.stats.reads++;
      try {
        const res = await this.container.item(id, id).read<IndexEntry>();
        if (!res.resource || res.resource.customerKey !== customerKey) return false;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    }
    this.stats.deletes++;
    try {
      await this.container.item(id, id).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }
}
