/**
 * The one validation of every door: `POST /api/customers/validate` (a customer record),
 * `POST /api/events` and the Event Hub processor (event envelopes) all call `validateRecord`, so
 * a record gets the same verdict and the same codes wherever it enters.
 *
 * In order:
 * 1. **Bounds** (`checkJsonBounds`, iterative): size, depth, keys, string length — before any
 *    recursive walk. A violation is the only error reported (`too_deep`, `too_large`, ...).
 * 2. **Contract** (the compiled JSON Schemas): every violation with its pointer and code.
 * 3. **Text and clock rules** (`contracts/record-rules.ts`): control/bidi characters, visible
 *    names, leap seconds, timestamps beyond the allowed future skew.
 * 4. **Business rules** of customer records: date of birth not in the future and an age between
 *    13 and 120, registration date not after tomorrow (`out_of_range`).
 *
 * **Unknown keys** (anywhere: envelope, payload, nested objects, `externalIds`) are warnings
 * (`unexpected_field`, pointer only). The returned `record` is a copy without them: it is the
 * only form that is echoed (`/validate`) or merged into a profile (processor). Their values are
 * never echoed, never stored in a profile; the raw event, bounded by step 1, is what lands in the
 * raw zone, where the batch path lists them as rescued fields.
 */
import {
  type AnyEvent,
  checkJsonBounds,
  checkText,
  checkTimestamp,
  type CustomerProfile,
  EVENT_TYPES,
  type EventType,
  FORBIDDEN_TEXT_CHARACTERS,
  isKnownVersion,
  type JsonLimits,
  LATEST_VERSION,
  rulePaths,
  validateEvent,
  validatePayload,
  type ValidationResult,
  valuesAt,
  type Violation,
} from "../../../contracts";
import { ConfigurationError, SETTINGS } from "./config";

export const MIN_AGE_YEARS = 13;
export const MAX_AGE_YEARS = 120;
const DAY_MS = 86_400_000;

export interface RecordOptions {
  /** The checking clock (default: now). */
  now?: Date;
  /** Allowed future skew of timestamps (default MAX_FUTURE_SKEW_SECONDS). */
  maxFutureSkewSeconds?: number;
  /** Overrides of DEFAULT_JSON_LIMITS. */
  limits?: Partial<JsonLimits>;
}

/** The configured clock rule (app setting `Validation__maxFutureSkewSeconds`), for the handlers and the processor. */
export function recordOptionsFromSettings(
  env: Record<string, string | undefined> = process.env,
): RecordOptions {
  const raw = env[SETTINGS.maxFutureSkewSeconds];
  if (raw === undefined || raw.trim() === "") return {};
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new ConfigurationError(
      `app setting ${SETTINGS.maxFutureSkewSeconds} must be a whole number of seconds, got ${raw}`,
    );
  }
  return { maxFutureSkewSeconds: seconds };
}

export type RecordKind = "event" | "customer_profile";

export interface RecordValidation<T> {
  valid: boolean;
  errors: Violation[];
  warnings: Violation[];
  /** The record without unknown keys (only when valid). */
  record?: T;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function yearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday =
    to.getUTCMonth() < from.getUTCMonth() ||
    (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

/** Business rules of a contract-valid customer record (`prefix`: "" for a record, "/payload" in an event). */
export function customerRules(record: CustomerProfile, now: Date, prefix = ""): Violation[] {
  const out: Violation[] = [];
  if (record.dateOfBirth) {
    const dob = new Date(record.dateOfBirth + "T00:00:00Z");
    const age = yearsBetween(dob, now);
    if (dob.getTime() > now.getTime()) {
      out.push({
        pointer: prefix + "/dateOfBirth",
        code: "out_of_range",
        message: "must not be in the future",
        severity: "error",
      });
    } else if (age > MAX_AGE_YEARS || age < MIN_AGE_YEARS) {
      out.push({
        pointer: prefix + "/dateOfBirth",
        code: "out_of_range",
        message: `must give an age between ${MIN_AGE_YEARS} and ${MAX_AGE_YEARS} years`,
        severity: "error",
      });
    }
  }
  const registered = new Date(record.registrationDate + "T00:00:00Z");
  if (registered.getTime() > now.getTime() + DAY_MS) {
    out.push({
      pointer: prefix + "/registrationDate",
      code: "out_of_range",
      message: "must not be in the future",
      severity: "error",
    });
  }
  return out;
}

interface Node {
  value: unknown;
  parent: Node | undefined;
  segment: string;
}

function pointerOf(node: Node): string {
  const segments: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent)
    segments.push(n.segment.replace(/~/g, "~0").replace(/\//g, "~1"));
  return segments.length ? "/" + segments.reverse().join("/") : "";
}

/** Whether any string of a bounded document breaks the text rule (iterative, no allocation per node). */
function hasForbiddenText(doc: unknown): boolean {
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (FORBIDDEN_TEXT_CHARACTERS.test(value)) return true;
    } else if (typeof value === "object" && value !== null) {
      for (const child of Array.isArray(value) ? value : Object.values(value)) {
        if (typeof child === "object" || typeof child === "string") stack.push(child);
      }
    }
  }
  return false;
}

/** The text rule on every string of a bounded document, with pointers (walked again only when one breaks it). */
function textViolations(doc: unknown): Violation[] {
  if (!hasForbiddenText(doc)) return [];
  const out: Violation[] = [];
  const stack: Node[] = [{ value: doc, parent: undefined, segment: "" }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      const v = checkText(value, pointerOf(node), false);
      if (v) out.push(v);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i], parent: node, segment: String(i) });
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) stack.push({ value: value[key], parent: node, segment: key });
    }
  }
  return out;
}

function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** A copy of a bounded document without the keys at `pointers` (own properties only). */
function withoutKeys<T>(doc: T, pointers: readonly string[]): T {
  const copy = JSON.parse(JSON.stringify(doc)) as T;
  for (const pointer of pointers) {
    const segments = pointer.split("/").slice(1).map(unescapeSegment);
    let node: unknown = copy;
    for (let i = 0; i < segments.length - 1 && node !== undefined; i++) {
      node =
        typeof node === "object" && node !== null && Object.prototype.hasOwnProperty.call(node, segments[i])
          ? (node as Record<string, unknown>)[segments[i]]
          : undefined;
    }
    const last = segments[segments.length - 1];
    if (isPlainObject(node) && last !== undefined && Object.prototype.hasOwnProperty.call(node, last))
      delete node[last];
  }
  return copy;
}

/** Where the rules apply: the payload's type and version when the envelope names known ones. */
function typeOf(
  kind: RecordKind,
  input: Record<string, unknown>,
): { type: EventType; version: string } | undefined {
  if (kind === "customer_profile")
    return { type: "customer_profile", version: LATEST_VERSION.customer_profile };
  const { eventType, schemaVersion } = input;
  if (
    typeof eventType === "string" &&
    (EVENT_TYPES as readonly string[]).includes(eventType) &&
    typeof schemaVersion === "string" &&
    isKnownVersion(eventType as EventType, schemaVersion)
  ) {
    return { type: eventType as EventType, version: schemaVersion };
  }
  return undefined;
}

export function validateRecord(
  kind: "event",
  input: unknown,
  options?: RecordOptions,
): RecordValidation<AnyEvent>;
export function validateRecord(
  kind: "customer_profile",
  input: unknown,
  options?: RecordOptions,
): RecordValidation<CustomerProfile>;
export function validateRecord(
  kind: RecordKind,
  input: unknown,
  options: RecordOptions = {},
): RecordValidation<AnyEvent | CustomerProfile> {
  const bounds = checkJsonBounds(input, options.limits);
  if (bounds) {
    return {
      valid: false,
      errors: [{ pointer: bounds.pointer, code: bounds.code, message: bounds.detail, severity: "error" }],
      warnings: [],
    };
  }
  if (!isPlainObject(input)) {
    const what = kind === "event" ? "an event" : "a customer record";
    return {
      valid: false,
      errors: [
        { pointer: "", code: "not_an_object", message: `${what} must be a JSON object`, severity: "error" },
      ],
      warnings: [],
    };
  }
  const contract: ValidationResult =
    kind === "event"
      ? validateEvent(input)
      : validatePayload("customer_profile", LATEST_VERSION.customer_profile, input);
  const errors = contract.violations.filter((v) => v.severity === "error");
  const warnings = contract.violations.filter((v) => v.severity === "warning");
  const flagged = new Set(errors.map((e) => e.pointer));
  const add = (v: Violation | undefined) => {
    if (v && !flagged.has(v.pointer)) {
      errors.push(v);
      flagged.add(v.pointer);
    }
  };

  const now = options.now ?? new Date();
  const typed = typeOf(kind, input);
  const asEvent = kind === "event";
  const paths = typed ? rulePaths(typed.type, typed.version, asEvent) : undefined;
  // Names first (their rule is the stricter one), then every string.
  for (const pattern of paths?.names ?? []) {
    for (const { pointer, value } of valuesAt(input, pattern)) {
      if (typeof value === "string") add(checkText(value, pointer, true));
    }
  }
  for (const v of textViolations(input)) add(v);
  const timestamps = paths?.timestamps ?? (asEvent ? [["occurredAt"]] : []);
  for (const pattern of timestamps) {
    for (const { pointer, value } of valuesAt(input, pattern)) {
      if (typeof value === "string")
        add(checkTimestamp(value, pointer, { now, maxFutureSkewSeconds: options.maxFutureSkewSeconds }));
    }
  }
  if (errors.length === 0 && typed?.type === "customer_profile") {
    const record = (asEvent ? input.payload : input) as CustomerProfile;
    for (const v of customerRules(record, now, asEvent ? "/payload" : "")) add(v);
  }
  if (errors.length > 0) return { valid: false, errors, warnings };
  const unknown = warnings.filter((w) => w.code === "unexpected_field").map((w) => w.pointer);
  const record = input as AnyEvent | CustomerProfile;
  return { valid: true, errors, warnings, record: unknown.length ? withoutKeys(record, unknown) : record };
}
