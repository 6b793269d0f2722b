/**
 * `POST /api/customers/validate`: the customer record through the one validation of every door
 * (`validateRecord`: bounds, contract of the latest version, text and clock rules, business rules),
 * then the normalized record (email lower-cased, phone in E.164, names trimmed, unknown fields
 * dropped — their values are never echoed).
 */
import { type CustomerProfile, normalizeEmail, normalizePhone, type Violation } from "../../../contracts";
import { type RecordOptions, validateRecord } from "./validate-record";

export interface CustomerValidation {
  valid: boolean;
  errors: Violation[];
  warnings: Violation[];
  record?: CustomerProfile;
}

/** Presentation of a valid record (already without unknown keys): trimmed names, normalized contacts. */
export function normalizeCustomer(record: CustomerProfile): CustomerProfile {
  const out: CustomerProfile = { ...record };
  out.firstName = record.firstName.trim();
  out.lastName = record.lastName.trim();
  out.email = normalizeEmail(record.email) ?? record.email;
  if (record.phone) out.phone = normalizePhone(record.phone, record.address?.countryCode) ?? record.phone;
  return out;
}

export function validateCustomer(input: unknown, options: RecordOptions | Date = {}): CustomerValidation {
  const result = validateRecord(
    "customer_profile",
    input,
    options instanceof Date ? { now: options } : options,
  );
  if (!result.valid || !result.record)
    return { valid: false, errors: result.errors, warnings: result.warnings };
  return { valid: true, errors: [], warnings: result.warnings, record: normalizeCustomer(result.record) };
}
