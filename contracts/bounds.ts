/**
 * Bounds on JSON documents, checked before anything walks them recursively (JSON.parse of a
 * hostile text, Ajv validation, normalization, JSON.stringify). Both checks are iterative (an
 * explicit stack), so no input can overflow the call stack; both answer a specific error — a
 * code, the JSON pointer (RFC 6901) of the offending node and a detail — instead of throwing.
 *
 * - `parseJsonBounded(text)` scans the text once for size, nesting, key counts and string
 *   lengths, and only then hands it to `JSON.parse`.
 * - `checkJsonBounds(value)` applies the same limits to a value that is already parsed (an Event
 *   Hubs body the host decoded, an object from another caller), plus the serialized size and
 *   "is this JSON at all" (no undefined, functions, bigint, symbols or non-finite numbers).
 */

export interface JsonLimits {
  /** UTF-8 bytes of the document (for a parsed value: of its JSON serialization). */
  maxBytes: number;
  /** Nested objects/arrays; a scalar is depth 0, `{}` depth 1. */
  maxDepth: number;
  maxKeysPerObject: number;
  /** Object keys in the whole document. */
  maxTotalKeys: number;
  maxItemsPerArray: number;
  /** UTF-16 code units of one string (keys included), after unescaping. */
  maxStringLength: number;
}

/** Generous for every contract (the deepest valid event is 5 levels, the longest field 4,000 characters). */
export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxKeysPerObject: 256,
  maxTotalKeys: 10_000,
  maxItemsPerArray: 10_000,
  maxStringLength: 65_536,
});

export const BOUNDS_CODES = [
  "too_large",
  "too_deep",
  "too_many_keys",
  "too_many_items",
  "string_too_long",
  "malformed_json",
  "not_json",
] as const;
export type BoundsCode = (typeof BOUNDS_CODES)[number];

export interface BoundsError {
  code: BoundsCode;
  /** JSON pointer of the offending node ("" = the document). */
  pointer: string;
  /** What was wrong, with the limit, in words fit for a client. */
  detail: string;
}

export type BoundedJson = { ok: true; value: unknown } | { ok: false; error: BoundsError };

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** UTF-8 byte length of a string without allocating a buffer. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

// Characters JSON.stringify escapes, and everything beyond ASCII (more than one UTF-8 byte).
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NOT_PLAIN_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;

/** UTF-8 bytes of a string's JSON form (quotes included); plain ASCII without a copy. */
function jsonStringBytes(value: string): number {
  return NOT_PLAIN_ASCII.test(value) ? utf8ByteLength(JSON.stringify(value)) : value.length + 2;
}

function limitsOf(overrides?: Partial<JsonLimits>): JsonLimits {
  return overrides ? { ...DEFAULT_JSON_LIMITS, ...overrides } : DEFAULT_JSON_LIMITS;
}

/** A pointer as shown in a detail: long ones (client keys) cut at 200 characters. */
const shown = (pointer: string) =>
  pointer === "" ? "the document root" : pointer.length > 200 ? pointer.slice(0, 200) + "…" : pointer;

const tooLarge = (bytes: string, limits: JsonLimits): BoundsError => ({
  code: "too_large",
  pointer: "",
  detail: `the document is ${bytes} bytes; at most ${limits.maxBytes} are accepted`,
});

const tooDeep = (pointer: string, limits: JsonLimits): BoundsError => ({
  code: "too_deep",
  pointer,
  detail: `nesting deeper than ${limits.maxDepth} levels at ${shown(pointer)}`,
});

const stringTooLong = (pointer: string, limits: JsonLimits): BoundsError => ({
  code: "string_too_long",
  pointer,
  detail: `a string longer than ${limits.maxStringLength} characters at ${shown(pointer)}`,
});

const tooManyKeys = (pointer: string, limits: JsonLimits, total: boolean): BoundsError => ({
  code: "too_many_keys",
  pointer,
  detail: total
    ? `more than ${limits.maxTotalKeys} keys in the document (exceeded at ${shown(pointer)})`
    : `an object with more than ${limits.maxKeysPerObject} keys at ${shown(pointer)}`,
});

const tooManyItems = (pointer: string, limits: JsonLimits): BoundsError => ({
  code: "too_many_items",
  pointer,
  detail: `an array with more than ${limits.maxItemsPerArray} items at ${shown(pointer)}`,
});

interface TextFrame {
  isObject: boolean;
  /** The path segment under which this container sits in its parent ("" for the root). */
  segment: string;
  keys: number;
  /** Index of the current item (arrays). */
  index: number;
  /** The key whose value is being read (objects, after ':'). */
  key: string | undefined;
}

function framesPointer(frames: readonly TextFrame[]): string {
  let pointer = "";
  for (let i = 1; i < frames.length; i++) pointer += "/" + escapePointerSegment(frames[i].segment);
  return pointer;
}

/** The pointer of the value being read in the innermost container. */
function valuePointer(frames: readonly TextFrame[]): string {
  const top = frames[frames.length - 1];
  if (!top) return "";
  const base = framesPointer(frames);
  if (top.isObject) return top.key === undefined ? base : base + "/" + escapePointerSegment(top.key);
  return base + "/" + top.index;
}

/**
 * Scans JSON text for the limits (never recursing), then parses it. Malformed text that stays
 * within the limits is reported by JSON.parse's own message as `malformed_json`.
 */
export function parseJsonBounded(text: string, overrides?: Partial<JsonLimits>): BoundedJson {
  const limits = limitsOf(overrides);
  // Each UTF-16 code unit is at least one UTF-8 byte: a cheap first cut before counting.
  if (text.length > limits.maxBytes) return { ok: false, error: tooLarge(`over ${limits.maxBytes}`, limits) };
  const bytes = utf8ByteLength(text);
  if (bytes > limits.maxBytes) return { ok: false, error: tooLarge(String(bytes), limits) };

  const frames: TextFrame[] = [];
  let totalKeys = 0;
  let lastString: { start: number; end: number } | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let length = 0;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x22) break;
        if (d === 0x5c /* \ */) j += text.charCodeAt(j + 1) === 0x75 /* u */ ? 6 : 2;
        else j++;
        length++;
      }
      if (length > limits.maxStringLength) {
        const top = frames[frames.length - 1];
        // A key that is too long is reported at its object; a value at its own pointer.
        const pointer = top?.isObject && top.key === undefined ? framesPointer(frames) : valuePointer(frames);
        return { ok: false, error: stringTooLong(pointer, limits) };
      }
      lastString = { start: i, end: Math.min(j + 1, n) };
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = frames[frames.length - 1];
      const segment = parent ? (parent.isObject ? (parent.key ?? "") : String(parent.index)) : "";
      frames.push({ isObject: c === 0x7b, segment, keys: 0, index: 0, key: undefined });
      if (frames.length > limits.maxDepth)
        return { ok: false, error: tooDeep(framesPointer(frames), limits) };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x3a /* : */) {
      const top = frames[frames.length - 1];
      if (top?.isObject) {
        let key = "";
        if (lastString) {
          try {
            key = String(JSON.parse(text.slice(lastString.start, lastString.end)));
          } catch {
            key = text.slice(lastString.start + 1, lastString.end - 1);
          }
        }
        top.key = key;
        top.keys++;
        totalKeys++;
        if (top.keys > limits.maxKeysPerObject)
          return { ok: false, error: tooManyKeys(framesPointer(frames), limits, false) };
        if (totalKeys > limits.maxTotalKeys)
          return { ok: false, error: tooManyKeys(valuePointer(frames), limits, true) };
      }
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.isObject) top.key = undefined;
      else if (top) {
        top.index++;
        if (top.index >= limits.maxItemsPerArray)
          return { ok: false, error: tooManyItems(framesPointer(frames), limits) };
      }
    }
    i++;
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      error: { code: "malformed_json", pointer: "", detail: `not valid JSON: ${(error as Error).message}` },
    };
  }
}

interface ValueFrame {
  value: unknown;
  parent: ValueFrame | undefined;
  segment: string;
  depth: number;
}

function pointerOf(frame: ValueFrame): string {
  const segments: string[] = [];
  for (let f: ValueFrame | undefined = frame; f?.parent; f = f.parent)
    segments.push(escapePointerSegment(f.segment));
  return segments.length ? "/" + segments.reverse().join("/") : "";
}

/**
 * Checks a parsed value against the limits without recursion (a cyclic value fails the depth
 * limit). `maxBytes` is compared with the exact length of its JSON serialization, computed as the
 * walk goes (so a value that passes can be serialized safely and within the limit).
 */
export function checkJsonBounds(value: unknown, overrides?: Partial<JsonLimits>): BoundsError | undefined {
  const limits = limitsOf(overrides);
  const stack: ValueFrame[] = [{ value, parent: undefined, segment: "", depth: 0 }];
  let totalKeys = 0;
  let bytes = 0;
  const notJson = (frame: ValueFrame, what: string): BoundsError => {
    const pointer = pointerOf(frame);
    return { code: "not_json", pointer, detail: `${what} at ${shown(pointer)} is not JSON` };
  };
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (v === null || typeof v === "boolean") bytes += v === true ? 4 : 5 - Number(v === null);
    else if (typeof v === "number") {
      if (!Number.isFinite(v)) return notJson(frame, String(v));
      bytes += String(v).length;
    } else if (typeof v === "string") {
      if (v.length > limits.maxStringLength) return stringTooLong(pointerOf(frame), limits);
      bytes += jsonStringBytes(v);
    } else if (typeof v === "object") {
      if (frame.depth + 1 > limits.maxDepth) return tooDeep(pointerOf(frame), limits);
      if (Array.isArray(v)) {
        if (v.length > limits.maxItemsPerArray) return tooManyItems(pointerOf(frame), limits);
        bytes += 2 + Math.max(0, v.length - 1);
        for (let k = v.length - 1; k >= 0; k--) {
          const item: unknown = v[k];
          // JSON.stringify writes undefined/functions in arrays as null: they are not JSON either.
          stack.push({ value: item, parent: frame, segment: String(k), depth: frame.depth + 1 });
        }
      } else {
        const proto: unknown = Object.getPrototypeOf(v);
        // A plain object of any realm (jest and vm contexts have their own Object.prototype).
        if (proto !== null && Object.getPrototypeOf(proto) !== null)
          return notJson(frame, "an object that is not plain");
        // JSON.stringify leaves out properties whose value is undefined; so does the count.
        const keys = Object.keys(v).filter((key) => (v as Record<string, unknown>)[key] !== undefined);
        if (keys.length > limits.maxKeysPerObject) return tooManyKeys(pointerOf(frame), limits, false);
        totalKeys += keys.length;
        if (totalKeys > limits.maxTotalKeys) return tooManyKeys(pointerOf(frame), limits, true);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (let k = keys.length - 1; k >= 0; k--) {
          const key = keys[k];
          const child = {
            value: (v as Record<string, unknown>)[key],
            parent: frame,
            segment: key,
            depth: frame.depth + 1,
          };
          if (key.length > limits.maxStringLength) return stringTooLong(pointerOf(child), limits);
          bytes += jsonStringBytes(key) + 1;
          stack.push(child);
        }
      }
    } else {
      return notJson(frame, typeof v === "undefined" ? "undefined" : `a ${typeof v}`);
    }
    if (bytes > limits.maxBytes) return tooLarge(`over ${limits.maxBytes}`, limits);
  }
  return undefined;
}
