/**
 * `POST /api/customers/validate`: the customer contract (latest version) plus business rules the
 * schema cannot express, and the normalized record (email lower-cased, phone in E.164, names
 * trimmed, unknown fields dropped).
 */
import {
  type CustomerProfile,
  LATEST_VERSION,
  normalizeEmail,
  normalizePhone,
  validatePayload,
  type Violation,
} from "../../../contracts";

const MAX_AGE_YEARS = 120;
const MIN_AGE_YEARS = 13;

export interface CustomerValidation {
  valid: boolean;
  errors: Violation[];
  warnings: Violation[];
  record?: CustomerProfile;
}

function yearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday =
    to.getUTCMonth() < from.getUTCMonth() ||
    (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

function businessRules(record: CustomerProfile, now: Date): Violation[] {
  const out: Violation[] = [];
  if (record.dateOfBirth) {
    const dob = new Date(record.dateOfBirth + "T00:00:00Z");
    const age = yearsBetween(dob, now);
    if (dob.getTime() > now.getTime()) {
      out.push({
        pointer: "/dateOfBirth",
        code: "out_of_range",
        message: "must not be in the future",
        severity: "error",
      });
    } else if (age > MAX_AGE_YEARS || age < MIN_AGE_YEARS) {
      out.push({
        pointer: "/dateOfBirth",
        code: "out_of_range",
        message: `must give an age between ${MIN_AGE_YEARS} and ${MAX_AGE_YEARS} years`,
        severity: "error",
      });
    }
  }
  const registered = new Date(record.registrationDate + "T00:00:00Z");
  if (registered.getTime() > now.getTime() + 86400000) {
    out.push({
      pointer: "/registrationDate",
      code: "out_of_range",
      message: "must not be in the future",
      severity: "error",
    });
  }
  if (record.consent.updatedAt && Date.parse(record.consent.updatedAt) > now.getTime() + 300000) {
    out.push({
      pointer: "/consent/updatedAt",
      code: "out_of_range",
      message: "must not be in the future",
      severity: "error",
    });
  }
  return out;
}

const KNOWN_FIELDS: ReadonlyArray<keyof CustomerProfile> = [
  "customerId",
  "firstName",
  "lastName",
  "email",
  "phone",
  "dateOfBirth",
  "gender",
  "address",
  "customerSegment",
  "loyaltyTier",
  "loyaltyPoints",
  "registrationDate",
  "status",
  "preferredChannel",
  "consent",
  "preferences",
  "externalIds",
];

/** Copies only contract fields (own properties), so no `__proto__`/`constructor` key travels on. */
function pickKnown<T extends object>(source: T, keys: readonly string[]): T {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(source, key))
      out[key] = (source as Record<string, unknown>)[key];
  }
  return { ...out } as T;
}

export function normalizeCustomer(record: CustomerProfile): CustomerProfile {
  const out = pickKnown(record, KNOWN_FIELDS as string[]);
  out.firstName = record.firstName.trim();
  out.lastName = record.lastName.trim();
  out.email = normalizeEmail(record.email) ?? record.email;
  if (record.phone) out.phone = normalizePhone(record.phone, record.address?.countryCode) ?? record.phone;
  if (record.address) {
    out.address = pickKnown(record.address, [
      "line1",
      "line2",
      "city",
      "stateCode",
      "postalCode",
      "countryCode",
    ]);
  }
  out.consent = pickKnown(record.consent, ["email", "sms", "push", "updatedAt"]);
  if (record.preferences) out.preferences = pickKnown(record.preferences, ["categories", "communication"]);
  if (record.externalIds) out.externalIds = { ...record.externalIds };
  return out;
}

export function validateCustomer(input: unknown, now: Date = new Date()): CustomerValidation {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const error: Violation = {
      pointer: "",
      code: "not_an_object",
      message: "a customer record must be a JSON object",
      severity: "error",
    };
    return { valid: false, errors: [error], warnings: [] };
  }
  const result = validatePayload("customer_profile", LATEST_VERSION.customer_profile, input);
  const warnings = result.violations.filter((v) => v.severity === "warning");
  const errors = result.violations.filter((v) => v.severity === "error");
  if (errors.length > 0) return { valid: false, errors, warnings };
  const record = input as CustomerProfile;
  errors.push(...businessRules(record, now));
  if (errors.length > 0) return { valid: false, errors, warnings };
  return { valid: true, errors, warnings, record: normalizeCustomer(record) };
}
