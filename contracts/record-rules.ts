/**
 * Rules on a record's values that JSON Schema cannot express, shared by every door (the HTTP API,
 * the Event Hub processor) and, as constants, by the batch path's SQL models:
 *
 * - **Clock.** A timestamp (`format: date-time`) more than `MAX_FUTURE_SKEW_SECONDS` after the
 *   checking clock is rejected as `future_timestamp`. A leap second (a seconds field of `60`, e.g.
 *   `2016-12-31T23:59:60Z`) is rejected as `invalid_timestamp`: JavaScript, Spark and DuckDB cannot
 *   all represent it, so normalizing it would mean three implementations of one guess.
 * - **Text.** No string may hold C0/C1 control characters (except TAB, LF, CR; ANSI escape
 *   sequences start with ESC, a control) or bidirectional embedding/override/isolate controls
 *   (U+202A–U+202E, U+2066–U+2069): `invalid_characters`. Names (`invalid_name` fields) allow no
 *   control character at all and must hold at least one letter, digit, punctuation or symbol, so
 *   a name of spaces and zero-width characters is `invalid_name`. Rejected, never rewritten.
 */
import type { TSchema } from "@sinclair/typebox";

import { Envelope, PAYLOAD_SCHEMAS } from "./schemas";
import type { Violation } from "./validator";
import type { EventType } from "./vocabulary";

/** How far in the future (by the checking clock) a timestamp may be: 5 minutes of producer clock skew. */
export const MAX_FUTURE_SKEW_SECONDS = 300;
export const FUTURE_TIMESTAMP_CODE = "future_timestamp";
/** Leap seconds are rejected (not normalized), with this code. */
export const LEAP_SECOND_RULE = { action: "reject", code: "invalid_timestamp" } as const;
/** A date-time whose seconds field is 60, whatever its offset. */
export const LEAP_SECOND_PATTERN = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:60(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/** The same pattern for SQL engines (POSIX/Java regex syntax: Spark `rlike`, DuckDB `regexp_matches`). */
export const LEAP_SECOND_SQL_REGEX =
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:60([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

export const INVALID_CHARACTERS_CODE = "invalid_characters";
/* eslint-disable no-control-regex -- matching control characters is the point */
/** Forbidden in every string: C0 controls but TAB/LF/CR, DEL, C1 controls, bidi embeddings/overrides/isolates. */
export const FORBIDDEN_TEXT_CHARACTERS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** Forbidden in names: every control character (TAB/LF/CR too) and the bidi controls above. */
export const FORBIDDEN_NAME_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/* eslint-enable no-control-regex */
/** A name must hold at least one of these (letters, digits, punctuation, symbols): not only blanks or zero-width characters. */
export const VISIBLE_NAME_CHARACTER = /[\p{L}\p{N}\p{P}\p{S}]/u;

export interface RuleOptions {
  now: Date;
  maxFutureSkewSeconds?: number;
}

/** Checks one timestamp the contract's `date-time` format accepted. */
export function checkTimestamp(value: string, pointer: string, options: RuleOptions): Violation | undefined {
  if (LEAP_SECOND_PATTERN.test(value)) {
    return {
      pointer,
      code: LEAP_SECOND_RULE.code,
      message: "a leap second (:60) is not accepted; send :59.999 or the next second",
      severity: "error",
    };
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    return {
      pointer,
      code: "invalid_timestamp",
      message: "is not a representable instant",
      severity: "error",
    };
  }
  const skew = options.maxFutureSkewSeconds ?? MAX_FUTURE_SKEW_SECONDS;
  if (at > options.now.getTime() + skew * 1000) {
    return {
      pointer,
      code: FUTURE_TIMESTAMP_CODE,
      message: `is more than ${skew} s in the future`,
      severity: "error",
    };
  }
  return undefined;
}

export function checkText(value: string, pointer: string, isName: boolean): Violation | undefined {
  if ((isName ? FORBIDDEN_NAME_CHARACTERS : FORBIDDEN_TEXT_CHARACTERS).test(value)) {
    return {
      pointer,
      code: INVALID_CHARACTERS_CODE,
      message: "must not contain control characters, escape sequences or bidirectional overrides",
      severity: "error",
    };
  }
  if (isName && !VISIBLE_NAME_CHARACTER.test(value)) {
    return {
      pointer,
      code: "invalid_name",
      message: "must contain a letter, digit or symbol (not only blanks or zero-width characters)",
      severity: "error",
    };
  }
  return undefined;
}

/** A path into a record: property names, or "*" for every item of an array / value of a map. */
export type PathPattern = readonly string[];

/** Paths of the schema nodes matching `pick` (schemas are ours and shallow, so recursion is fine here). */
function schemaPaths(
  schema: TSchema,
  pick: (node: TSchema) => boolean,
  prefix: string[] = [],
): PathPattern[] {
  const out: PathPattern[] = [];
  if (pick(schema)) out.push(prefix);
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (properties) {
    for (const [key, child] of Object.entries(properties))
      out.push(...schemaPaths(child, pick, [...prefix, key]));
  }
  const items = schema.items as TSchema | undefined;
  if (items && typeof items === "object") out.push(...schemaPaths(items, pick, [...prefix, "*"]));
  const patterns = schema.patternProperties as Record<string, TSchema> | undefined;
  if (patterns)
    for (const child of Object.values(patterns)) out.push(...schemaPaths(child, pick, [...prefix, "*"]));
  return out;
}

const isTimestamp = (node: TSchema) => node.format === "date-time";
const isName = (node: TSchema) => node.errorCode === "invalid_name";

interface RulePaths {
  timestamps: PathPattern[];
  names: PathPattern[];
}

const pathCache = new Map<string, RulePaths>();

/** Timestamp and name paths of a payload (prefix "") or an event (payload under "payload"). */
export function rulePaths(eventType: EventType, version: string, asEvent: boolean): RulePaths {
  const key = `${eventType}@${version}/${asEvent}`;
  let paths = pathCache.get(key);
  if (paths) return paths;
  const schema = (PAYLOAD_SCHEMAS[eventType] as Record<string, TSchema>)[version];
  const prefix = asEvent ? ["payload"] : [];
  paths = {
    timestamps: [
      ...(asEvent ? schemaPaths(Envelope, isTimestamp) : []),
      ...(schema ? schemaPaths(schema, isTimestamp, prefix) : []),
    ],
    names: schema ? schemaPaths(schema, isName, prefix) : [],
  };
  pathCache.set(key, paths);
  return paths;
}

const escapeSegment = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** The values at a path pattern in a (bounded) document, with their JSON pointers. */
export function valuesAt(doc: unknown, pattern: PathPattern): Array<{ pointer: string; value: unknown }> {
  let level: Array<{ pointer: string; value: unknown }> = [{ pointer: "", value: doc }];
  for (const segment of pattern) {
    const next: Array<{ pointer: string; value: unknown }> = [];
    for (const { pointer, value } of level) {
      if (typeof value !== "object" || value === null) continue;
      if (segment === "*") {
        const entries = Array.isArray(value)
          ? value.map((v, i) => [String(i), v] as const)
          : Object.entries(value);
        for (const [k, v] of entries)
          next.push({ pointer: `${pointer}/${escapeSegment(k)}`, value: v as unknown });
      } else if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, segment)) {
        next.push({
          pointer: `${pointer}/${escapeSegment(segment)}`,
          value: (value as Record<string, unknown>)[segment],
        });
      }
    }
    level = next;
  }
  return level;
}
