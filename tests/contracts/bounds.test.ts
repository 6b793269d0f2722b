/** Bounded JSON: limits checked before any recursive walk, a specific error instead of a RangeError. */
import fc from "fast-check";

import { checkJsonBounds, DEFAULT_JSON_LIMITS, parseJsonBounded } from "../../contracts";

const nested = (depth: number, leaf = "1") => '{"nested":'.repeat(depth) + leaf + "}".repeat(depth);

describe("parseJsonBounded", () => {
  test("a 9,000-deep object is too_deep at the pointer where the limit is crossed, not a RangeError", () => {
    const text = `{"externalIds":{"Not-Valid Key":${nested(9000)}}}`;
    const result = parseJsonBounded(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("too_deep");
    const segments = result.error.pointer.split("/").slice(1);
    // the pointer names the first container beyond the limit (the 33rd), as checkJsonBounds does
    expect(segments.length).toBe(DEFAULT_JSON_LIMITS.maxDepth);
    expect(checkJsonBounds(JSON.parse(`{"externalIds":{"Not-Valid Key":${nested(100)}}}`))).toEqual(
      result.error,
    );
    expect(segments.slice(0, 3)).toEqual(["externalIds", "Not-Valid Key", "nested"]);
    expect(result.error.detail).toMatch(/deeper than 32 levels/);
  });

  test("arrays nest the same way (a million brackets do not recurse)", () => {
    const result = parseJsonBounded("[".repeat(1_000_000) + "]".repeat(1_000_000), { maxBytes: 4_000_000 });
    expect(result).toMatchObject({ ok: false, error: { code: "too_deep" } });
  });

  test("exactly at the depth limit parses", () => {
    const result = parseJsonBounded(nested(DEFAULT_JSON_LIMITS.maxDepth));
    expect(result.ok).toBe(true);
  });

  test("bytes: counted in UTF-8, not characters", () => {
    expect(parseJsonBounded(JSON.stringify("é".repeat(600)), { maxBytes: 1000 })).toMatchObject({
      ok: false,
      error: { code: "too_large", pointer: "" },
    });
    expect(parseJsonBounded(JSON.stringify("e".repeat(600)), { maxBytes: 1000 }).ok).toBe(true);
  });

  test("string length counts unescaped characters and names the value's pointer", () => {
    const text = JSON.stringify({ a: [1, { b: "x".repeat(101) }] });
    expect(parseJsonBounded(text, { maxStringLength: 100 })).toMatchObject({
      ok: false,
      error: { code: "string_too_long", pointer: "/a/1/b" },
    });
    // 100 escaped characters (\u0041 is one character) fit.
    expect(parseJsonBounded(`{"a":"${"\\u0041".repeat(100)}"}`, { maxStringLength: 100 }).ok).toBe(true);
    // an over-long key is reported at its object
    expect(parseJsonBounded(`{"o":{"${"k".repeat(101)}":1}}`, { maxStringLength: 100 })).toMatchObject({
      ok: false,
      error: { code: "string_too_long", pointer: "/o" },
    });
  });

  test("keys per object, keys in total, items per array", () => {
    const wide = JSON.stringify({
      o: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])),
    });
    expect(parseJsonBounded(wide, { maxKeysPerObject: 10 })).toMatchObject({
      ok: false,
      error: { code: "too_many_keys", pointer: "/o" },
    });
    const many = JSON.stringify(Array.from({ length: 6 }, () => ({ a: 1, b: 2 })));
    expect(parseJsonBounded(many, { maxTotalKeys: 11 })).toMatchObject({
      ok: false,
      error: { code: "too_many_keys" },
    });
    expect(parseJsonBounded(many, { maxTotalKeys: 12 }).ok).toBe(true);
    expect(parseJsonBounded(JSON.stringify({ l: [1, 2, 3, 4] }), { maxItemsPerArray: 3 })).toMatchObject({
      ok: false,
      error: { code: "too_many_items", pointer: "/l" },
    });
  });

  test("escaped quotes, slashes and tildes in keys do not confuse the scanner or the pointer", () => {
    const text = `{"a\\"b/c~d":{"x":"${"y".repeat(20)}"},"z":"}"}`;
    expect(parseJsonBounded(text, { maxStringLength: 10 })).toMatchObject({
      ok: false,
      error: { code: "string_too_long", pointer: '/a"b~1c~0d/x' },
    });
    expect(parseJsonBounded(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  test("malformed JSON within the limits is malformed_json with the parser's message", () => {
    const result = parseJsonBounded('{"a":');
    expect(result).toMatchObject({ ok: false, error: { code: "malformed_json", pointer: "" } });
  });

  test("agrees with JSON.parse on any JSON within the limits", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseJsonBounded(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 500 },
    );
  });
});

describe("checkJsonBounds (parsed values)", () => {
  test("a 6,000-deep value is too_deep, not a RangeError", () => {
    let value: unknown = 1;
    for (let i = 0; i < 6000; i++) value = { nested: value };
    expect(checkJsonBounds({ payload: value })).toMatchObject({ code: "too_deep" });
  });

  test("a cyclic value fails the depth limit instead of looping", () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(checkJsonBounds(a)).toMatchObject({ code: "too_deep" });
  });

  test("maxBytes is the exact UTF-8 size of the serialization", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const bytes = Buffer.byteLength(JSON.stringify(value));
        expect(checkJsonBounds(value, { maxBytes: bytes })).toBeUndefined();
        expect(checkJsonBounds(value, { maxBytes: bytes - 1 })).toMatchObject({ code: "too_large" });
      }),
      { numRuns: 500 },
    );
  });

  test("values that are not JSON are named", () => {
    expect(checkJsonBounds({ a: [1n] })).toMatchObject({ code: "not_json", pointer: "/a/0" });
    expect(checkJsonBounds({ a: Number.NaN })).toMatchObject({ code: "not_json", pointer: "/a" });
    expect(checkJsonBounds({ d: new Date(0) })).toMatchObject({ code: "not_json", pointer: "/d" });
    expect(checkJsonBounds({ a: undefined, b: 1 })).toBeUndefined();
  });

  test("same limits as the text scanner: keys, items, strings", () => {
    expect(checkJsonBounds({ s: "x".repeat(11) }, { maxStringLength: 10 })).toMatchObject({
      code: "string_too_long",
      pointer: "/s",
    });
    expect(checkJsonBounds({ l: [1, 2, 3] }, { maxItemsPerArray: 2 })).toMatchObject({
      code: "too_many_items",
    });
    expect(checkJsonBounds({ a: 1, b: 2, c: 3 }, { maxKeysPerObject: 2 })).toMatchObject({
      code: "too_many_keys",
    });
  });
});
