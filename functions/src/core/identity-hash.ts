/**
 * The identities a record names — customer ids, e-mail addresses, phone numbers, ids in other systems —
 * as salted SHA-256 hashes. Erasure keeps only these hashes (in the tombstone and as erased-identity
 * entries in the `ids` container), and the quarantine index is keyed by them, so neither holds the
 * person's data in clear. Parsed records yield their fields; text that did not parse yields the e-mail
 * addresses and `"customerId":"…"` values it contains (bounded), so an unparseable line naming a person
 * is found and erased too.
 */
import { createHash } from "node:crypto";

import { normalizeEmail, normalizePhone } from "../../../contracts";
import type { CustomerProfileDocument } from "./profile";

export const identityHash = (value: string) =>
  createHash("sha256").update(`c360-identity\u0000${value}`).digest("hex").slice(0, 32);

const MAX_TEXT_IDENTITIES = 64;
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
const CUSTOMER_ID = /"customerId"\s*:\s*"([^"\\]{1,128})"/g;

const email = (raw: string) => normalizeEmail(raw) ?? raw.trim().toLowerCase();
const phone = (raw: string) => normalizePhone(raw) ?? raw.trim();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Identity values of a parsed event (or any object shaped like one): envelope and payload fields. */
function valuesOfObject(event: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof event.customerId === "string") out.push(event.customerId);
  const payload = isObject(event.payload) ? event.payload : undefined;
  if (!payload) return out;
  if (typeof payload.customerId === "string") out.push(payload.customerId);
  if (typeof payload.email === "string") out.push(email(payload.email));
  if (typeof payload.phone === "string") out.push(phone(payload.phone));
  if (isObject(payload.externalIds)) {
    for (const v of Object.values(payload.externalIds)) if (typeof v === "string") out.push(v);
  }
  return out;
}

function valuesOfText(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(EMAIL)) {
    out.push(email(m[0]));
    if (out.length >= MAX_TEXT_IDENTITIES) return out;
  }
  for (const m of text.matchAll(CUSTOMER_ID)) {
    out.push(m[1]);
    if (out.length >= MAX_TEXT_IDENTITIES) break;
  }
  return out;
}

/** Hashes of the identities a message names: a parsed event's fields, or what its text shows. */
export function identityHashesOf(body: unknown): Set<string> {
  const values = isObject(body) ? valuesOfObject(body) : typeof body === "string" ? valuesOfText(body) : [];
  return new Set(values.map(identityHash));
}

/** Hashes of everything a profile identifies its customer by (erasure keeps these in the tombstone). */
export function identityHashesOfProfile(customerId: string, doc?: CustomerProfileDocument): Set<string> {
  const values = [customerId];
  if (doc?.personal.email) values.push(email(doc.personal.email));
  if (doc?.personal.phone) values.push(phone(doc.personal.phone));
  for (const v of Object.values(doc?.externalIds ?? {})) if (typeof v === "string") values.push(v);
  return new Set(values.map(identityHash));
}
