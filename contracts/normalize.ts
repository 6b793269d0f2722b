/**
 * Identifier normalization shared by the validator, the functions' enrichment and the generator.
 * The SQL models apply the same rules (lower/trim email, E.164 digits) in silver.
 */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/** Region assumed for phone numbers written without a leading `+` and without a known country. */
export const DEFAULT_PHONE_REGION: CountryCode = "US";

// Deliberately stricter than RFC 5322: what mail systems actually deliver to (and what seed 000 uses).
const EMAIL_PATTERN =
  /^[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/;

export function normalizeEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL_PATTERN.test(email) || email.includes("..")) return undefined;
  return email;
}

export function isValidEmail(raw: string): boolean {
  return normalizeEmail(raw) !== undefined;
}

// Parsing with full metadata costs ~20 µs; the validator and the enrichment both ask for the same
// number, and streams repeat a customer's number, so a small memo pays. Bounded: cleared when full.
const PHONE_MEMO_LIMIT = 10_000;
const phoneMemo = new Map<string, string | undefined>();

/** Returns the E.164 form (`+14155552671`) or undefined when the number is not a valid phone number. */
export function normalizePhone(raw: string, region?: string): string | undefined {
  if (raw.length > 40) return undefined;
  const key = (region ?? "") + "|" + raw;
  if (phoneMemo.has(key)) return phoneMemo.get(key);
  const normalized = parsePhone(raw, region);
  if (phoneMemo.size >= PHONE_MEMO_LIMIT) phoneMemo.clear();
  phoneMemo.set(key, normalized);
  return normalized;
}

function parsePhone(raw: string, region?: string): string | undefined {
  const defaultCountry = (
    region && region.length === 2 ? region.toUpperCase() : DEFAULT_PHONE_REGION
  ) as CountryCode;
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry });
  if (!parsed || !parsed.isValid()) return undefined;
  return parsed.number;
}

export function isValidPhone(raw: string): boolean {
  return normalizePhone(raw) !== undefined;
}
