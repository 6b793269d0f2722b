/**
 * Identifier normalization shared by the validator, the functions' enrichment, the generator and — rendered as
 * SQL by models/rules.ts — the batch path (silver customers and identity resolution). One rule, evaluated by
 * both paths; tests/contracts/normalize-agreement.test.ts runs the TypeScript and the SQL over one corpus.
 *
 * The rules are deliberately explicit so that SQL can state them exactly:
 * - trimming removes spaces (U+0020) only, as SQL `trim` does; a tab or a no-break space makes the value invalid;
 * - email case folding is ASCII only (`translate` in SQL): a non-ASCII letter never turns into an ASCII one;
 * - a phone is digits with the usual separators (space, `-`, `.`, parentheses), optionally after one `+`:
 *   letters, extensions and `tel:` URIs are invalid. With `+` the digits are the international number; without,
 *   a national number of `region` (default US, the validator's), whose trunk prefix is dropped once. The number
 *   is valid when libphonenumber's numbering plan for its calling code accepts it (contracts/phone-plans.ts).
 */
import { type CountryCode } from "libphonenumber-js";

import { type CallingCodePlan, nationalFormat, PHONE_PLANS, type RegionPlan } from "./phone-plans";

/** Region assumed for phone numbers written without a leading `+` and without a known country. */
export const DEFAULT_PHONE_REGION: CountryCode = "US";

// Deliberately stricter than RFC 5322: what mail systems actually deliver to (and what seed 000 uses).
export const EMAIL_PATTERN =
  /^[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/;
export const EMAIL_MAX_LENGTH = 254;
/** A phone's characters (after trimming spaces): digits and separators, at most one leading `+`. */
export const PHONE_SHAPE = /^[+]?[0-9 ().-]+$/;
export const PHONE_MAX_LENGTH = 40;

const trimSpaces = (raw: string): string => raw.replace(/^ +| +$/g, "");
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

export function normalizeEmail(raw: string): string | undefined {
  const email = asciiLower(trimSpaces(raw));
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email) || email.includes("..")) return undefined;
  return email;
}

export function isValidEmail(raw: string): boolean {
  return normalizeEmail(raw) !== undefined;
}

const compiled = new Map<string, RegExp>();
function matches(text: string, pattern: string, anchoredEnd = true): boolean {
  const key = (anchoredEnd ? "$" : "^") + pattern;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(`^(?:${pattern})${anchoredEnd ? "$" : ""}`);
    compiled.set(key, re);
  }
  return re.test(text);
}

/** libphonenumber's isValid for a region: the national pattern and one number type (pattern and length). */
export function validForRegion(nsn: string, plan: RegionPlan): boolean {
  if (!matches(nsn, plan.nationalPattern)) return false;
  return plan.types === undefined || hasNumberType(nsn, plan);
}

/** libphonenumber's getNumberType(...) !== undefined: never for a region without number types. */
function hasNumberType(nsn: string, plan: RegionPlan): boolean {
  return (
    plan.types !== undefined &&
    matches(nsn, plan.nationalPattern) &&
    plan.types.some((t) => t.lengths.includes(nsn.length) && matches(nsn, t.pattern))
  );
}

/** The region libphonenumber assigns (first claiming by leading digits, or valid without them; else the main one). */
export function validForCallingCode(nsn: string, plan: CallingCodePlan): boolean {
  for (const region of plan.regions) {
    if (region.leadingDigits !== undefined) {
      if (matches(nsn, region.leadingDigits, false)) return validForRegion(nsn, region);
    } else if (hasNumberType(nsn, region)) return true;
  }
  return validForRegion(nsn, plan.regions[0] as RegionPlan);
}

const PLANS_BY_CODE = new Map(PHONE_PLANS.map((p) => [p.callingCode, p]));

// The numbering-plan walk costs a few µs; streams repeat a customer's number, so a small memo pays.
// Bounded: cleared when full.
const PHONE_MEMO_LIMIT = 10_000;
const phoneMemo = new Map<string, string | undefined>();

/** Returns the E.164 form (`+14155552671`) or undefined when the number is not a valid phone number. */
export function normalizePhone(raw: string, region?: string): string | undefined {
  const key = (region ?? "") + "|" + raw;
  if (phoneMemo.has(key)) return phoneMemo.get(key);
  const normalized = parsePhone(raw, region);
  if (phoneMemo.size >= PHONE_MEMO_LIMIT) phoneMemo.clear();
  phoneMemo.set(key, normalized);
  return normalized;
}

function parsePhone(raw: string, region?: string): string | undefined {
  const text = trimSpaces(raw);
  if (text.length > PHONE_MAX_LENGTH || !PHONE_SHAPE.test(text)) return undefined;
  const digits = text.replace(/[^0-9]/g, "");
  let international = digits;
  if (!text.startsWith("+")) {
    const national =
      (region && region.length === 2 ? nationalFormat(region) : undefined) ??
      (nationalFormat(DEFAULT_PHONE_REGION) as NonNullable<ReturnType<typeof nationalFormat>>);
    const prefix = national.nationalPrefix;
    const nsn = prefix !== undefined && digits.startsWith(prefix) ? digits.slice(prefix.length) : digits;
    international = national.callingCode + nsn;
  }
  for (let length = 1; length <= 3; length++) {
    const plan = PLANS_BY_CODE.get(international.slice(0, length));
    if (plan) {
      const nsn = international.slice(length);
      return validForCallingCode(nsn, plan) ? "+" + international : undefined;
    }
  }
  return undefined;
}

export function isValidPhone(raw: string): boolean {
  return normalizePhone(raw) !== undefined;
}
