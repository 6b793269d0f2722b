/**
 * Batch traits of a resolved customer, as gold computes them (models/gold/profile_traits.sql, exported as JSON
 * lines per load) and as the profiles container keeps them: a `batch_traits` document beside the real-time profile,
 * in the same partition (`/customerId` = the canonical id), id `<customer id>|traits` (`|` is never part of a
 * customer id, so it cannot collide with a profile). A separate document, not fields in the profile: the sync
 * writes it without reading the profile (one request), and never touches a real-time field.
 */
import { createHash } from "node:crypto";

import type { ProfileChangeEvent, TrackedTrait } from "../../../contracts";
import { type IdentifierKind, indexId } from "./identity-index";
import type { ProfileStore } from "./profile-store";
import { statusOf } from "./retry";

export interface BatchTraits {
  valueTier: string | null;
  rfm: {
    recencyScore: number | null;
    frequencyScore: number | null;
    monetaryScore: number | null;
    cell: string | null;
    segment: string | null;
  };
  clv: { historical3y: number | null; factor: number | null };
  churn: { probability: number | null; atRisk: boolean | null };
  lead: { score: number | null; tier: string | null };
  topCategories: string[];
}

/** One line of the traits extract, parsed. */
export interface TraitsRow {
  customerKey: string;
  traits: BatchTraits;
  /** Every source id resolved to this customer (sorted), the key among them. */
  sourceIds: string[];
  /** The source ids matched through a profile's externalIds. */
  externalIds: string[];
  emails: string[];
  phones: string[];
  /** When gold computed the traits (ISO instant). */
  asOf: string;
  /** The as-of date of recency-based traits (YYYY-MM-DD). */
  asOfDate: string;
  loadId: string;
  /**
   * The customer's marketing consent as gold.marketing_consent resolved it (the latest statement among the
   * customer's current profiles, per channel, with the instant it took effect). It gates the change events
   * (activationConsent); it is not a trait, so it is not in the traits hash. A missing column is no consent.
   */
  consent: { email: boolean; sms: boolean; push: boolean; updatedAt: string | null };
}

export const TRAITS_DOC_TYPE = "batch_traits";

export function traitsDocId(customerKey: string): string {
  return `${customerKey}|traits`;
}

export interface TraitsDocument {
  id: string;
  customerId: string;
  docType: typeof TRAITS_DOC_TYPE;
  traits: BatchTraits;
  sourceIds: string[];
  externalIds: string[];
  /** Ids of this customer's identifier index entries (hashed), so erasure can remove them. */
  identifiers: string[];
  traitsHash: string;
  identifiersHash: string;
  asOf: string;
  asOfDate: string;
  loadId: string;
  syncedAt: string;
  /** The outbox: the change events this load's write made, re-sent from here if the sync is retried. */
  changes: ProfileChangeEvent[];
}

export class TraitsExtractError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = "TraitsExtractError";
  }
}

type Json = Record<string, unknown>;

/** DuckDB writes `2026-12-06 01:46:23.683+00`, Spark `2026-12-06T01:46:23.683Z`: both to ISO UTC. */
export function isoInstant(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value
    .trim()
    .replace(" ", "T")
    .replace(/([+-]\d{2})$/, "$1:00");
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Parses one extract line. Spark leaves NULL fields out of a line: a missing field is NULL. */
export function parseTraitsLine(line: string, where: string): TraitsRow {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new TraitsExtractError(where, "not a JSON line");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new TraitsExtractError(where, "not a JSON object");
  const r = raw as Json;
  const str = (k: string): string | null => {
    const v = r[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string") throw new TraitsExtractError(where, `${k} is not a string`);
    return v;
  };
  const num = (k: string): number | null => {
    const v = r[k];
    if (v === undefined || v === null) return null;
    const n = typeof v === "string" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isFinite(n))
      throw new TraitsExtractError(where, `${k} is not a number`);
    return n;
  };
  const bool = (k: string): boolean | null => {
    const v = r[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== "boolean") throw new TraitsExtractError(where, `${k} is not a boolean`);
    return v;
  };
  const list = (k: string): string[] => {
    const v = r[k];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
      throw new TraitsExtractError(where, `${k} is not a list of strings`);
    return [...(v as string[])].sort();
  };
  const customerKey = str("customer_key");
  if (!customerKey) throw new TraitsExtractError(where, "customer_key is missing");
  const loadId = str("load_id");
  if (!loadId) throw new TraitsExtractError(where, `customer ${customerKey}: load_id is missing`);
  const asOf = isoInstant(r.computed_at);
  if (!asOf) throw new TraitsExtractError(where, `customer ${customerKey}: computed_at is not an instant`);
  const asOfDate = str("as_of_date");
  if (!asOfDate || !/^\d{4}-\d{2}-\d{2}$/.test(asOfDate))
    throw new TraitsExtractError(where, `customer ${customerKey}: as_of_date is not a date`);
  const sourceIds = list("source_ids");
  if (!sourceIds.includes(customerKey)) sourceIds.push(customerKey);
  return {
    customerKey,
    traits: {
      valueTier: str("value_tier"),
      rfm: {
        recencyScore: num("r_score"),
        frequencyScore: num("f_score"),
        monetaryScore: num("m_score"),
        cell: str("rfm_cell"),
        segment: str("rfm_segment"),
      },
      clv: { historical3y: num("historical_clv_3y"), factor: num("factor_clv") },
      churn: { probability: num("churn_probability"), atRisk: bool("is_churn_risk") },
      lead: { score: num("lead_score"), tier: str("lead_tier") },
      topCategories: ["top_category_1", "top_category_2", "top_category_3"]
        .map(str)
        .filter((c): c is string => c !== null),
    },
    sourceIds: sourceIds.sort(),
    externalIds: list("external_ids"),
    emails: list("emails"),
    phones: list("phones"),
    asOf,
    asOfDate,
    loadId,
    consent: {
      email: bool("consent_email") === true,
      sms: bool("consent_sms") === true,
      push: bool("consent_push") === true,
      updatedAt: consentUpdatedAt(r.consent_updated_at, where, customerKey),
    },
  };
}

function consentUpdatedAt(value: unknown, where: string, customerKey: string): string | null {
  if (value === undefined || value === null) return null;
  const at = isoInstant(value);
  if (!at)
    throw new TraitsExtractError(where, `customer ${customerKey}: consent_updated_at is not an instant`);
  return at;
}

const sha256 = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/** What decides "changed": the traits and the cluster's members, not when or by which load they were computed. */
export function traitsHash(row: TraitsRow): string {
  return sha256([row.traits, row.sourceIds, row.externalIds]);
}

/** The customer's index entries (hashed ids) with their kinds. */
export function identifiersOf(row: TraitsRow): Array<{ id: string; kind: IdentifierKind }> {
  const out = new Map<string, IdentifierKind>();
  for (const id of row.sourceIds) out.set(indexId("id", id), "id");
  for (const e of row.emails) out.set(indexId("email", e), "email");
  for (const p of row.phones) out.set(indexId("phone", p), "phone");
  return [...out].map(([id, kind]) => ({ id, kind })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function identifiersHash(ids: ReadonlyArray<{ id: string }>): string {
  return sha256(ids.map((i) => i.id));
}

/** The values whose changes are published, as the events carry them (churn risk as a label). */
export type TrackedValues = Record<TrackedTrait, string | null>;

export function trackedValues(traits: BatchTraits): TrackedValues {
  return {
    valueTier: traits.valueTier,
    rfmSegment: traits.rfm.segment,
    churnRisk: traits.churn.atRisk === null ? null : traits.churn.atRisk ? "at_risk" : "not_at_risk",
    leadTier: traits.lead.tier,
  };
}

/** The batch traits document of a customer; undefined when none, or when erased (a tombstone). */
export async function readTraitsDocument(
  store: ProfileStore,
  customerId: string,
): Promise<TraitsDocument | undefined> {
  store.stats.reads++;
  try {
    const res = await store.container.item(traitsDocId(customerId), customerId).read<TraitsDocument>();
    if (res.statusCode === 404 || !res.resource || res.resource.docType !== TRAITS_DOC_TYPE) return undefined;
    return res.resource;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
