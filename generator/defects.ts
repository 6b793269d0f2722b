/**
 * Deliberate defects with controlled rates. Each affected record carries exactly one defect, so a
 * re-scan of the output can attribute every anomaly unambiguously. Rates are per eligible record
 * (e.g. invalid_email applies to customer profiles only) and are drawn from their own random
 * stream, so switching defects on or off does not change the underlying clean data.
 */
import { type EventType, PAYLOAD_SCHEMAS } from "../contracts";
import type { Rng } from "./prng";

export const DEFECT_KINDS = [
  "duplicate",
  "late",
  "invalid_email",
  "invalid_phone",
  "missing_required_field",
  "unknown_customer",
  "unknown_schema_version",
  "unparseable_line",
  "unexpected_field",
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];
export type DefectRates = Record<DefectKind, number>;

export const DEFECT_DESCRIPTIONS: Record<DefectKind, string> = {
  duplicate:
    "a byte-identical redelivery of a clean event (same eventId), 1 minute to 6 hours later in the stream",
  late: "a clean event delivered more than 1 day after an event that occurred later (out of order)",
  invalid_email: "a customer profile whose email is not a deliverable address",
  invalid_phone: "a customer profile whose phone cannot be normalized to E.164",
  missing_required_field: "one required payload field removed",
  unknown_customer:
    "an order, support interaction or identified behavioural event naming a customer id that does not exist",
  unknown_schema_version: "a schemaVersion the contracts do not know (e.g. 2.0)",
  unparseable_line: "a line that is not JSON (truncated or single-quoted)",
  unexpected_field: "an extra payload field outside the contract (a warning, the event stays valid)",
};

export const DEFAULT_DEFECT_RATES: DefectRates = {
  duplicate: 0.02,
  late: 0.01,
  invalid_email: 0.02,
  invalid_phone: 0.02,
  missing_required_field: 0.005,
  unknown_customer: 0.005,
  unknown_schema_version: 0.002,
  unparseable_line: 0.001,
  unexpected_field: 0.005,
};

export const NO_DEFECTS: DefectRates = Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as DefectRates;

/** Parses `off`, `default`, or `kind=rate,...` (applied on top of the defaults, or of `off` when it comes first). */
export function parseDefects(spec: string): DefectRates {
  let rates: DefectRates = { ...DEFAULT_DEFECT_RATES };
  for (const token of spec
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)) {
    if (token === "off" || token === "none") rates = { ...NO_DEFECTS };
    else if (token === "default" || token === "on") rates = { ...DEFAULT_DEFECT_RATES };
    else {
      const [kind, value] = token.split("=");
      if (!(DEFECT_KINDS as readonly string[]).includes(kind)) {
        throw new Error(`unknown defect kind "${kind}" (known: ${DEFECT_KINDS.join(", ")})`);
      }
      const rate = Number(value);
      if (value === undefined || !Number.isFinite(rate))
        throw new Error(`defect ${kind} needs a rate, e.g. ${kind}=0.01`);
      rates[kind as DefectKind] = rate;
    }
  }
  return checkRates(rates);
}

export function checkRates(rates: DefectRates): DefectRates {
  let total = 0;
  for (const kind of DEFECT_KINDS) {
    const r = rates[kind];
    if (!(r >= 0 && r <= 1)) throw new Error(`defect rate ${kind}=${r} must be between 0 and 1`);
    total += r;
  }
  if (total > 1)
    throw new Error(
      `defect rates add up to ${total}; one record carries at most one defect, so the sum must be <= 1`,
    );
  return rates;
}

function eligible(
  kind: DefectKind,
  eventType: EventType,
  hasCustomer: boolean,
  hasEmail: boolean,
  hasPhone: boolean,
): boolean {
  switch (kind) {
    case "invalid_email":
      return hasEmail;
    case "invalid_phone":
      return hasPhone;
    case "unknown_customer":
      return hasCustomer && eventType !== "customer_profile";
    default:
      return true;
  }
}

/** Draws the defect (or none) for one record: one uniform number against the cumulative eligible rates. */
export function drawDefect(
  rng: Rng,
  rates: DefectRates,
  eventType: EventType,
  hasCustomer: boolean,
  hasEmail: boolean,
  hasPhone: boolean,
): DefectKind | undefined {
  const u = rng.float();
  let cumulative = 0;
  for (const kind of DEFECT_KINDS) {
    if (rates[kind] === 0 || !eligible(kind, eventType, hasCustomer, hasEmail, hasPhone)) continue;
    cumulative += rates[kind];
    if (u < cumulative) return kind;
  }
  return undefined;
}

const BAD_EMAILS = [
  (l: string, d: string) => `${l}@@${d}`,
  (l: string, d: string) => `${l}.${d}`,
  (l: string) => `${l}@localhost`,
  (l: string, d: string) => `${l} @${d}`,
  (l: string, d: string) => `${l}@${d.split(".")[0]}`,
];
const BAD_PHONES = ["12345", "000-000-0000", "+999 123", "555-01", "+1 000 000 0000", "0"];
const EXTRA_FIELDS = ["legacyId", "internalNote", "campaignTag", "x_source_row", "promoBanner"];
const UNKNOWN_VERSIONS = ["2.0", "1.9", "3.1"];

type Mutable = { schemaVersion: string; customerId?: string; payload: Record<string, unknown> };

/** Applies a content defect to an envelope in place (duplicate, late and unparseable act on delivery). */
export function corrupt(kind: DefectKind, event: Mutable, rng: Rng, unknownCustomer: () => string): void {
  const payload = event.payload;
  switch (kind) {
    case "invalid_email": {
      const [local, domain] = String(payload.email).trim().toLowerCase().split("@");
      payload.email = rng.pick(BAD_EMAILS)(local, domain ?? "example.com");
      return;
    }
    case "invalid_phone":
      payload.phone = rng.pick(BAD_PHONES);
      return;
    case "missing_required_field": {
      const schema = (PAYLOAD_SCHEMAS as Record<string, Record<string, { required?: string[] }>>)[
        (event as unknown as { eventType: string }).eventType
      ][event.schemaVersion];
      const present = (schema.required ?? []).filter((f) => f in payload);
      delete payload[rng.pick(present)];
      return;
    }
    case "unknown_customer":
      event.customerId = unknownCustomer();
      return;
    case "unknown_schema_version":
      event.schemaVersion = rng.pick(UNKNOWN_VERSIONS);
      return;
    case "unexpected_field":
      payload[rng.pick(EXTRA_FIELDS)] = `legacy-${rng.int(100000)}`;
      return;
    default:
      return;
  }
}

/** Turns a JSON line into a line no JSON parser accepts. */
export function garble(line: string, rng: Rng): string {
  if (rng.bool(0.3)) return line.replace(/"/g, "'");
  // A proper prefix of a JSON object is never valid JSON (the closing brace is missing).
  return line.slice(0, 1 + rng.int(line.length - 2));
}
