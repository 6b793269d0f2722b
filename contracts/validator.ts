/**
 * The compiled contract validator. Returns every violation with its JSON pointer and a stable code,
 * so the functions (problem+json), the quarantine and the data-quality metrics all speak the same codes.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

import { isValidEmail, isValidPhone } from "./normalize";
import { CUSTOMER_REQUIRED, Envelope, PAYLOAD_SCHEMAS } from "./schemas";
import { EVENT_TYPES, type EventType } from "./vocabulary";

export type Severity = "error" | "warning";

export interface Violation {
  /** JSON pointer (RFC 6901) into the validated document; "" is the document itself. */
  pointer: string;
  /** Stable, documented code (see ERROR_CODES). */
  code: ErrorCode;
  message: string;
  /** Warnings (unexpected fields) do not make a record invalid; the field is kept aside, not trusted. */
  severity: Severity;
}

export const ERROR_CODES = [
  "not_an_object",
  "missing_required_field",
  "unexpected_field",
  "wrong_type",
  "invalid_email",
  "invalid_phone",
  "invalid_timestamp",
  "invalid_date",
  "invalid_country_code",
  "invalid_currency_code",
  "negative_amount",
  "out_of_range",
  "invalid_enum_value",
  "invalid_name",
  "invalid_identifier",
  "invalid_format",
  "string_too_long",
  "string_too_short",
  "too_few_items",
  "too_many_items",
  "unknown_event_type",
  "unknown_source",
  "invalid_schema_version",
  "unknown_schema_version",
  "customer_id_mismatch",
  "invalid_value",
  // bounds (bounds.ts), checked before anything walks a document
  "too_large",
  "too_deep",
  "too_many_keys",
  "malformed_json",
  "not_json",
  // record rules (record-rules.ts)
  "future_timestamp",
  "invalid_characters",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ValidationResult {
  valid: boolean;
  violations: Violation[];
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function getAjv(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false });
  addFormats(ajv, ["date", "date-time"]);
  ajv.addFormat("email", { type: "string", validate: isValidEmail });
  ajv.addFormat("phone", { type: "string", validate: isValidPhone });
  ajv.addKeyword({ keyword: "errorCode", schemaType: "string" });
  return ajv;
}

function compile(key: string, schema: object): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    fn = getAjv().compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

/** The code of each JSON Schema keyword's violation (a node's `errorCode` wins, except for GENERIC_ONLY keywords). */
export const KEYWORD_CODES: Record<string, ErrorCode> = {
  required: "missing_required_field",
  additionalProperties: "unexpected_field",
  type: "wrong_type",
  format: "invalid_format",
  enum: "invalid_enum_value",
  minimum: "out_of_range",
  exclusiveMinimum: "out_of_range",
  maximum: "out_of_range",
  maxLength: "string_too_long",
  minLength: "string_too_short",
  pattern: "invalid_format",
  minItems: "too_few_items",
  maxItems: "too_many_items",
  const: "invalid_value",
};
// Limits on size are reported as such even where a node carries a domain code.
const GENERIC_ONLY: ReadonlySet<string> = new Set([
  "maximum",
  "maxLength",
  "maxItems",
  "type",
  "required",
  "additionalProperties",
]);

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The code a violation of `keyword` on a schema node annotated with `errorCode` reports: one rule for the validator
 * and for the batch path's SQL rendered from the same schemas (models/contract-sql.ts).
 */
export function keywordCode(keyword: string, errorCode: string | undefined): ErrorCode {
  return ((!GENERIC_ONLY.has(keyword) && errorCode) ||
    KEYWORD_CODES[keyword] ||
    "invalid_value") as ErrorCode;
}

function toViolation(e: ErrorObject, prefix: string): Violation {
  const annotated = (e.parentSchema as { errorCode?: ErrorCode } | undefined)?.errorCode;
  const code = keywordCode(e.keyword, annotated);
  let pointer = prefix + e.instancePath;
  let message = e.message ?? "is invalid";
  if (e.keyword === "required") {
    pointer += "/" + escapePointer(String(e.params.missingProperty));
    message = "is required";
  } else if (e.keyword === "additionalProperties") {
    pointer += "/" + escapePointer(String(e.params.additionalProperty));
    message = "is not part of the contract";
  } else if (e.keyword === "enum") {
    const allowed = (e.params.allowedValues as unknown[]) ?? [];
    message = allowed.length <= 12 ? `must be one of ${allowed.join(", ")}` : "is not an allowed code";
  } else if (code === "invalid_email") message = "is not a valid email address";
  else if (code === "invalid_phone") message = "cannot be normalized to an E.164 phone number";
  else if (code === "invalid_timestamp") message = "must be an ISO-8601 timestamp with a time zone";
  else if (code === "invalid_date") message = "must be an ISO-8601 date (YYYY-MM-DD)";
  else if (code === "negative_amount") message = "must be a non-negative amount";
  return { pointer, code, message, severity: code === "unexpected_field" ? "warning" : "error" };
}

function collect(fn: ValidateFunction, data: unknown, prefix: string): Violation[] {
  if (fn(data)) return [];
  return (fn.errors ?? []).map((e) => toViolation(e, prefix));
}

function result(violations: Violation[]): ValidationResult {
  return { valid: violations.every((v) => v.severity !== "error"), violations };
}

export function isKnownVersion(eventType: string, version: string): boolean {
  const versions = PAYLOAD_SCHEMAS[eventType as EventType] as Record<string, unknown> | undefined;
  return !!versions && Object.prototype.hasOwnProperty.call(versions, version);
}

/** Validates a payload alone (e.g. a customer record posted to /api/customers/validate). */
export function validatePayload(
  eventType: EventType,
  version: string,
  payload: unknown,
  pointerPrefix = "",
): ValidationResult {
  if (!isKnownVersion(eventType, version)) {
    return result([
      {
        pointer: pointerPrefix + "/schemaVersion",
        code: "unknown_schema_version",
        message: `${eventType} has no schema version ${version}`,
        severity: "error",
      },
    ]);
  }
  const schema = (PAYLOAD_SCHEMAS[eventType] as Record<string, object>)[version];
  return result(collect(compile(`${eventType}@${version}`, schema), payload, pointerPrefix));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates an envelope and its payload against the contract of its type and version. */
export function validateEvent(input: unknown): ValidationResult {
  if (!isPlainObject(input)) {
    return result([
      { pointer: "", code: "not_an_object", message: "an event must be a JSON object", severity: "error" },
    ]);
  }
  const violations = collect(compile("envelope", Envelope), input, "");
  const { eventType, schemaVersion, payload, customerId } = input;
  const typeKnown = typeof eventType === "string" && (EVENT_TYPES as readonly string[]).includes(eventType);
  if (typeKnown && typeof schemaVersion === "string" && /^[0-9]+\.[0-9]+$/.test(schemaVersion)) {
    const type = eventType as EventType;
    if (!isKnownVersion(type, schemaVersion)) {
      violations.push({
        pointer: "/schemaVersion",
        code: "unknown_schema_version",
        message: `${type} has no schema version ${schemaVersion}`,
        severity: "error",
      });
    } else if (isPlainObject(payload)) {
      violations.push(...validatePayload(type, schemaVersion, payload, "/payload").violations);
    }
    if (CUSTOMER_REQUIRED.includes(type) && customerId === undefined) {
      violations.push({
        pointer: "/customerId",
        code: "missing_required_field",
        message: `is required for ${type} events`,
        severity: "error",
      });
    }
    if (
      type === "customer_profile" &&
      isPlainObject(payload) &&
      typeof payload.customerId === "string" &&
      typeof customerId === "string" &&
      payload.customerId !== customerId
    ) {
      violations.push({
        pointer: "/payload/customerId",
        code: "customer_id_mismatch",
        message: "must equal the envelope's customerId",
        severity: "error",
      });
    }
  }
  return result(violations);
}
