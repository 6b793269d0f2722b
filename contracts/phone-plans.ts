/**
 * The phone rule as data: libphonenumber's numbering plans (its "min" metadata, the one `libphonenumber-js`
 * validates with) reduced to what validity needs — per country calling code, its regions in the library's order,
 * each region's leading digits (which pick the region among those sharing a calling code), national number
 * pattern, and per number type a pattern with its possible lengths.
 *
 * `normalizePhone` (normalize.ts) evaluates these plans in TypeScript and `models/rules.ts` renders the very same
 * plans as SQL (`models/silver/customer_phones.sql`), so the real-time validator and both batch engines apply one
 * rule; an agreement test runs both over a corpus of real and hostile strings.
 */
import metadataJson from "libphonenumber-js/metadata.min.json";

export interface NumberType {
  /** Anchored by the evaluator: the whole national number must match. */
  pattern: string;
  lengths: readonly number[];
}

export interface RegionPlan {
  region: string;
  /** Picks this region among those sharing the calling code when the national number starts with it. */
  leadingDigits?: string;
  nationalPattern: string;
  /** Absent when the metadata has no number types for the region: then the national pattern alone decides. */
  types?: readonly NumberType[];
}

export interface CallingCodePlan {
  callingCode: string;
  /** The library's order; the first is the main region (used when no region claims the number). */
  regions: readonly RegionPlan[];
}

/** The region whose national format applies to numbers written without `+` (the validator's default). */
export interface NationalFormat {
  region: string;
  callingCode: string;
  /** Trunk prefix dialled before a national number (`1` in NANP, `0` in most of Europe); stripped once. */
  nationalPrefix?: string;
}

type RawPlan = readonly unknown[];
interface RawMetadata {
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, RawPlan>;
  nonGeographic?: Record<string, RawPlan>;
}
const metadata = metadataJson as unknown as RawMetadata;

// Array layout of libphonenumber-js metadata v4 (source/metadata.js: NumberingPlan, v1/v2 flags off).
const CALLING_CODE = 0;
const NATIONAL_PATTERN = 2;
const POSSIBLE_LENGTHS = 3;
const NATIONAL_PREFIX = 5;
const LEADING_DIGITS = 10;
const TYPES = 11;

/** `\d` is the only escape the metadata uses; `[0-9]` is the same class in JS, RE2 and Java, without backslashes. */
const portablePattern = (pattern: string): string => pattern.replaceAll("\\d", "[0-9]");

function regionPlan(region: string, raw: RawPlan): RegionPlan {
  const countryLengths = (raw[POSSIBLE_LENGTHS] as number[] | undefined) ?? [];
  const rawTypes = raw[TYPES] as unknown[] | 0 | undefined;
  const types: NumberType[] = [];
  for (const t of rawTypes || []) {
    if (!Array.isArray(t) || typeof t[0] !== "string" || t[0] === "") continue;
    const lengths = (t[1] as number[] | undefined) ?? countryLengths;
    types.push({ pattern: portablePattern(t[0]), lengths });
  }
  const leading = raw[LEADING_DIGITS];
  return {
    region,
    ...(typeof leading === "string" && leading !== "" ? { leadingDigits: portablePattern(leading) } : {}),
    nationalPattern: portablePattern(raw[NATIONAL_PATTERN] as string),
    ...(rawTypes ? { types } : {}),
  };
}

function buildPlans(): CallingCodePlan[] {
  const plans: CallingCodePlan[] = [];
  for (const [callingCode, regions] of Object.entries(metadata.country_calling_codes))
    plans.push({
      callingCode,
      regions: regions.map((r) => regionPlan(r, metadata.countries[r] as RawPlan)),
    });
  for (const [callingCode, raw] of Object.entries(metadata.nonGeographic ?? {}))
    if (!metadata.country_calling_codes[callingCode])
      plans.push({ callingCode, regions: [regionPlan("001", raw)] });
  return plans.sort((a, b) => a.callingCode.localeCompare(b.callingCode));
}

export const PHONE_PLANS: readonly CallingCodePlan[] = buildPlans();

export function nationalFormat(region: string): NationalFormat | undefined {
  const raw = metadata.countries[region.toUpperCase()];
  if (!raw) return undefined;
  const prefix = raw[NATIONAL_PREFIX];
  return {
    region: region.toUpperCase(),
    callingCode: String(raw[CALLING_CODE]),
    ...(typeof prefix === "string" && prefix !== "" ? { nationalPrefix: prefix } : {}),
  };
}
