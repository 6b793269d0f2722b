/**
 * Enrichment of a validated event: normalized identifiers, derived date parts, source system and
 * a data-quality score (0-100). The value segment needs the profile's aggregates and is derived in
 * profile.ts after the merge.
 */
import {
  type AnyEvent,
  normalizeEmail,
  normalizePhone,
  type SourceSystem,
  type Violation,
} from "../../../contracts";

export interface Enrichment {
  sourceSystem: SourceSystem;
  normalizedEmail?: string;
  normalizedPhone?: string;
  occurredDate: string;
  occurredYear: number;
  occurredMonth: number;
  /** ISO weekday, 1 = Monday ... 7 = Sunday (UTC). */
  occurredDayOfWeek: number;
  occurredHour: number;
  /** 100 minus penalties for contract warnings and missing optional-but-expected fields. */
  dataQualityScore: number;
}

export interface EnrichedEvent {
  event: AnyEvent;
  enrichment: Enrichment;
}

// Optional fields whose absence makes a record less useful downstream (each costs 5 points).
const EXPECTED_OPTIONAL: Record<string, readonly string[]> = {
  customer_profile: ["phone", "dateOfBirth", "address", "preferredChannel"],
  order: ["promotionCode"],
  behavioral_event: ["category", "timeOnPageSec"],
  support_interaction: ["satisfactionScore", "resolutionTimeMin"],
  product: ["brand"],
};

// Parsing a phone number (libphonenumber) costs tens of microseconds; a customer's number repeats
// across their profile updates, so recent results are kept (bounded, evicted in insertion order).
const PHONE_MEMO_SIZE = 10_000;
const phoneMemo = new Map<string, string | undefined>();
function normalizePhoneMemo(raw: string, region?: string): string | undefined {
  const key = `${region ?? ""}|${raw}`;
  if (phoneMemo.has(key)) return phoneMemo.get(key);
  const value = normalizePhone(raw, region);
  phoneMemo.set(key, value);
  if (phoneMemo.size > PHONE_MEMO_SIZE) phoneMemo.delete(phoneMemo.keys().next().value!);
  return value;
}

export function enrich(event: AnyEvent, warnings: readonly Violation[] = []): EnrichedEvent {
  const at = new Date(event.occurredAt);
  const payload = event.payload as unknown as Record<string, unknown>;
  let score = 100 - 10 * warnings.length;
  for (const field of EXPECTED_OPTIONAL[event.eventType] ?? []) {
    if (payload[field] === undefined) score -= 5;
  }
  if (event.eventType === "behavioral_event" && event.customerId === undefined) score -= 10;
  const enrichment: Enrichment = {
    sourceSystem: event.source,
    occurredDate: at.toISOString().slice(0, 10),
    occurredYear: at.getUTCFullYear(),
    occurredMonth: at.getUTCMonth() + 1,
    occurredDayOfWeek: ((at.getUTCDay() + 6) % 7) + 1,
    occurredHour: at.getUTCHours(),
    dataQualityScore: Math.max(0, Math.min(100, score)),
  };
  if (event.eventType === "customer_profile") {
    enrichment.normalizedEmail = normalizeEmail(event.payload.email);
    if (event.payload.phone) {
      enrichment.normalizedPhone = normalizePhoneMemo(
        event.payload.phone,
        event.payload.address?.countryCode,
      );
    }
  }
  return { event, enrichment };
}
