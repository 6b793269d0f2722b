/**
 * BASELINE scenario 9 and issue 25 item 6: HTTP fuzzing with fast-check, handlers invoked
 * in-process against Azurite and the Cosmos DB server. At least 5,000 generated payloads per
 * endpoint — prototype-pollution keys, deep nesting inside otherwise valid records, unknown-key
 * injection, huge strings, invalid UTF-8, foreign charsets, wrong types and content types,
 * mutated valid records, hostile ids — and for every one: no response ≥ 500, every 4xx an RFC 9457
 * problem+json with a detail, a request published whole (202) or not at all, nothing echoed or
 * published that the one validation would not accept.
 */
import type { HttpResponseInit } from "@azure/functions";
import fc from "fast-check";

import { validateCustomer as validateCustomerRecord } from "../../functions/src/core/customer-validation";
import type { InMemoryPublisher } from "../../functions/src/core/publisher";
import { validateRecord } from "../../functions/src/core/validate-record";
import { deleteCustomer } from "../../functions/src/functions/deleteCustomer";
import { exportCustomer } from "../../functions/src/functions/exportCustomer";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { getCustomerExport } from "../../functions/src/functions/getCustomerExport";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { ingestEvents } from "../../functions/src/functions/ingestEvents";
import { validateCustomer } from "../../functions/src/functions/validateCustomer";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture } from "./helpers";
import { context, request, validCustomer } from "./http-helpers";

const RUNS = 5000;

let f: Fixture;
beforeAll(async () => {
  f = await fixture("fuzz");
});
afterAll(async () => {
  await f.cleanup();
});

/** The pollution payloads really sent: each tries to give every object a `polluted` property. */
const POLLUTION_KEYS = ["__proto__", "constructor", "prototype"] as const;
const POLLUTION_VALUE = { polluted: "yes", prototype: { polluted: "yes" } };
const MARKER = "zzUnknownMarker";

function assertNotPolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

/** Replaces the value at a random path of a JSON document with an arbitrary (usually wrong) value. */
function mutate(doc: unknown, path: number[], replacement: unknown): unknown {
  if (typeof doc !== "object" || doc === null || path.length === 0) return replacement;
  const keys = Object.keys(doc);
  if (keys.length === 0) return replacement;
  const key = keys[path[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ([...doc] as unknown as Record<string, unknown>)
    : { ...doc };
  copy[key] = mutate((doc as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

/** JSON text of `doc` with `"key": <raw JSON>` inserted into the object at a random path (or the root). */
function injectRaw(doc: unknown, path: number[], key: string, raw: string): string {
  const placeholder = "\u0000INJECT\u0000";
  const withPlaceholder = mutateObject(doc, path, placeholder);
  return JSON.stringify(withPlaceholder).replace(
    JSON.stringify(placeholder) + ":0",
    `${JSON.stringify(key)}:${raw}`,
  );
}

function mutateObject(doc: unknown, path: number[], placeholder: string): unknown {
  if (typeof doc !== "object" || doc === null) return doc;
  const objectChildren = Object.entries(doc).filter(([, v]) => typeof v === "object" && v !== null);
  if (path.length === 0 || objectChildren.length === 0) {
    return Array.isArray(doc) ? doc : { [placeholder]: 0, ...doc };
  }
  const [key, child] = objectChildren[path[0] % objectChildren.length];
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ([...doc] as unknown as Record<string, unknown>)
    : { ...doc };
  copy[key] = mutateObject(child, path.slice(1), placeholder);
  return copy;
}

const deepRaw = fc
  .tuple(fc.integer({ min: 20, max: 12_000 }), fc.constantFrom("obj", "arr", "mixed"))
  .map(([depth, kind]) =>
    kind === "obj"
      ? '{"n":'.repeat(depth) + "1" + "}".repeat(depth)
      : kind === "arr"
        ? "[".repeat(depth) + "]".repeat(depth)
        : '[{"n":'.repeat(depth >> 1) + "null" + "}]".repeat(depth >> 1),
  );

/** An otherwise valid document with something injected at a random object: deep nesting, an unknown key or a pollution key. */
const injected = (base: unknown) =>
  fc.oneof(
    fc
      .tuple(fc.array(fc.nat(), { maxLength: 4 }), fc.string({ maxLength: 20 }), deepRaw)
      .map(([path, key, raw]) => injectRaw(base, path, key || "k", raw)),
    fc
      .tuple(fc.array(fc.nat(), { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 }))
      .map(([path, value]) => injectRaw(base, path, MARKER, JSON.stringify(value))),
    fc
      .tuple(fc.array(fc.nat(), { maxLength: 4 }), fc.constantFrom(...POLLUTION_KEYS))
      .map(([path, key]) => injectRaw(base, path, key, JSON.stringify(POLLUTION_VALUE))),
  );

const weirdValue = fc.oneof(
  fc.string(),
  fc.tuple(fc.string({ maxLength: 4 }), fc.nat(5000)).map(([s, n]) => s.repeat(200) + "z".repeat(1000 + n)),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    null,
    true,
    false,
    -1,
    1e308,
    "",
    " ",
    "\u0000",
    "\u001b[31m",
    "\u202Egnp.exe",
    "\u200B\u200B",
    "2026-13-45",
    "2016-12-31T23:59:60Z",
    "9999-12-31T23:59:59Z",
    "+999",
  ),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...POLLUTION_KEYS, MARKER), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

const invalidUtf8 = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => new Uint8Array([0x7b, 0x22, 0xc3, 0x28, ...bytes, 0xff, 0x22, 0x7d]));

const utf16 = (text: string, bom: boolean) =>
  new Uint8Array(Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(text, "utf16le")]));

const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "text/plain",
      "application/xml",
      "multipart/form-data",
      "",
      "application/json; charset=utf-16",
      "application/json; charset=iso-8859-1",
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** The shape every answer must have: < 500, and every 4xx a problem+json with a detail. */
function assertClientError(res: HttpResponseInit): void {
  expect(res.status).toBeDefined();
  const status = res.status!;
  expect(status).toBeLessThan(500);
  if (status >= 400) {
    expect((res.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
    const problem = JSON.parse(String(res.body)) as {
      type: string;
      title: string;
      status: number;
      detail: unknown;
      errors?: Array<{ pointer: unknown; code: unknown; message: unknown }>;
    };
    expect(problem.status).toBe(status);
    expect(problem.type).toMatch(/^https:\/\/c360\.dev\/problems\/[a-z-]+$/);
    expect(problem.title.length).toBeGreaterThan(0);
    expect(typeof problem.detail).toBe("string");
    expect((problem.detail as string).length).toBeGreaterThan(0);
    for (const e of problem.errors ?? []) {
      expect(typeof e.pointer).toBe("string");
      expect(e.pointer === "" || (e.pointer as string).startsWith("/")).toBe(true);
      expect(typeof e.code).toBe("string");
      expect(typeof e.message).toBe("string");
    }
  }
}

const count = (statuses: Map<number, number>, status: number) =>
  statuses.set(status, (statuses.get(status) ?? 0) + 1);

test(`POST /api/customers/validate: ${RUNS} generated payloads → no 5xx, every 4xx problem+json with a detail`, async () => {
  const base = validCustomer();
  const body = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), weirdValue)
        .map(([p, v]) => JSON.stringify(mutate(base, p, v))),
    },
    { weight: 8, arbitrary: injected({ ...base, externalIds: { ecommerce: "SHOP-1" } }) },
    { weight: 4, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 4, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 8 }), fc.nat(5000))
        .map(([s, n]) => `{"firstName":"${"x".repeat(65_536 + n)}${s}"}`),
    },
    { weight: 3, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.boolean().map((bom) => utf16(JSON.stringify(base), bom)) },
  );
  const statuses = new Map<number, number>();
  let echoedRecords = 0;
  await fc.assert(
    fc.asyncProperty(body, contentTypes, async (payload, type) => {
      const res = await validateCustomer(
        request("POST", "customers/validate", { body: payload, contentType: type }),
        context("validateCustomer"),
      );
      assertClientError(res);
      count(statuses, res.status!);
      if (res.status === 200) {
        // Only a record the one validation accepts passes, and the echo is exactly its normalized record.
        const expected = validateCustomerRecord(JSON.parse(payload as string));
        expect(expected.valid).toBe(true);
        const answer = JSON.parse(String(res.body)) as { record: unknown };
        expect(answer.record).toEqual(JSON.parse(JSON.stringify(expected.record)));
        // Unknown keys are named in warnings (a pointer), never echoed in the record, never with a value.
        expect(JSON.stringify(answer.record)).not.toContain(MARKER);
        expect(String(res.body)).not.toContain('"polluted"');
        echoedRecords++;
      }
    }),
    { numRuns: RUNS, seed: 9001 },
  );
  assertNotPolluted();
  // The generator really produced a spread of answers, valid records with injected unknown keys included.
  for (const status of [400, 413, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20);
  expect(echoedRecords).toBeGreaterThan(100);
});

test(`POST /api/events: ${RUNS} generated payloads → no 5xx, problem+json errors, published whole or not at all`, async () => {
  const publisher = f.deps.publisher as InMemoryPublisher;
  const valid = syntheticEvents({ events: 50, customers: 10, seed: 91 });
  const badEvent = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), weirdValue)
    .map(([e, p, v]) => mutate(e, p, v));
  const validEvent = fc.constantFrom(...valid);
  const someEvents = fc.array(fc.oneof(badEvent, validEvent), { minLength: 1, maxLength: 5 });
  const injectedBatch = fc
    .tuple(fc.array(validEvent, { minLength: 0, maxLength: 3 }), fc.constantFrom(...valid).chain(injected))
    .map(([others, one]) => `[${[...others.map((e) => JSON.stringify(e)), one].join(",")}]`);
  const body = fc.oneof(
    { weight: 6, arbitrary: someEvents.map((a) => JSON.stringify(a)) },
    { weight: 5, arbitrary: someEvents.map((a) => a.map((e) => JSON.stringify(e)).join("\n")) },
    { weight: 8, arbitrary: injectedBatch },
    { weight: 3, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 8 }), fc.nat(100))
        .map(([s, n]) => `["${"y".repeat(70_000 + n)}${s}"]`),
    },
    {
      // more events than a request may carry (413), as a JSON array or NDJSON
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(20), fc.boolean())
        .map(([n, asArray]) =>
          asArray
            ? JSON.stringify(Array.from({ length: 1001 + n }, () => valid[0]))
            : Array.from({ length: 1001 + n }, () => JSON.stringify(valid[0])).join("\n"),
        ),
    },
    { weight: 3, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.boolean().map((bom) => utf16(JSON.stringify(valid.slice(0, 2)), bom)) },
  );
  const types = fc.oneof(contentTypes, fc.constant("application/x-ndjson"));
  const statuses = new Map<number, number>();
  let published = 0;
  let injectedPublished = 0;
  await fc.assert(
    fc.asyncProperty(body, types, async (payload, type) => {
      const before = publisher.published.length;
      const res = await ingestEvents(
        request("POST", "events", { body: payload, contentType: type }),
        context("ingestEvents"),
      );
      assertClientError(res);
      count(statuses, res.status!);
      const added = publisher.published.slice(before).map((p) => p.event);
      if (res.status === 202) {
        // Whole: every event of the request, each one the one validation accepts.
        const text = payload as string;
        const sent = type.startsWith("application/x-ndjson")
          ? text
              .split("\n")
              .filter((l) => l.trim() !== "")
              .map((l) => JSON.parse(l) as unknown)
          : (JSON.parse(text) as unknown[]);
        expect((JSON.parse(String(res.body)) as { accepted: number }).accepted).toBe(sent.length);
        // (grouped by hub and partition key on the way out, so compared as a multiset)
        const key = (e: unknown) => JSON.stringify(e);
        expect(added.map(key).sort()).toEqual(sent.map(key).sort());
        for (const event of added) expect(validateRecord("event", event).valid).toBe(true);
        if (text.includes(MARKER)) injectedPublished++;
      } else {
        // Or not at all.
        expect(added).toHaveLength(0);
      }
      published += added.length;
    }),
    { numRuns: RUNS, seed: 9002 },
  );
  assertNotPolluted();
  // Reachable bounds: valid requests really were published (whole), the others really refused.
  expect(statuses.get(202) ?? 0).toBeGreaterThan(200);
  expect(published).toBeGreaterThanOrEqual(statuses.get(202) ?? 0);
  expect(injectedPublished).toBeGreaterThan(20);
  for (const status of [400, 413, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20);
});

const WELL_FORMED_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const malformedId = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 80 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "",
        ".",
        "..",
        "../etc/passwd",
        "a/b",
        "%2e%2e",
        "C1 ",
        " C1",
        "x".repeat(65),
      ),
    },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS, "\u202Eabc", "C\u0000001", "_proto_x") },
  )
  .filter((id) => !WELL_FORMED_ID.test(id));
const wellFormedId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/),
  fc.constantFrom("constructor", "hasOwnProperty", "toString", "prototype"),
);
/** Mostly malformed ids (answered before any dependency); well-formed ones reach Cosmos DB and the lake. */
const hostileId = (wellFormedWeight: number) =>
  fc.oneof(
    { weight: 100 - wellFormedWeight, arbitrary: malformedId },
    { weight: wellFormedWeight, arbitrary: wellFormedId },
  );

describe.each([
  ["GET /api/customers/{id}", getCustomer, "GET"],
  ["GET /api/customers/{id}/segments", getCustomerSegments, "GET"],
  ["POST /api/customers/{id}/export", exportCustomer, "POST"],
  ["GET /api/customers/{id}/export/{jobId}", getCustomerExport, "GET"],
  ["DELETE /api/customers/{id}", deleteCustomer, "DELETE"],
] as const)("%s", (name, handler, method) => {
  test(`${RUNS} generated ids → no 5xx, every 4xx problem+json with a detail`, async () => {
    const statuses = new Map<number, number>();
    // Each well-formed id is a Cosmos DB read (for export a recorded request or a job read, for DELETE an erasure).
    const ids = hostileId(method === "DELETE" ? 1 : 3);
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        const res = await handler(request(method, "customers/x", { params: { id } }), context(name));
        assertClientError(res);
        count(statuses, res.status!);
      }),
      { numRuns: RUNS, seed: 9003 },
    );
    assertNotPolluted();
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 2);
    // well-formed ids were really sent (answered 200/202/404, not 400)
    expect(RUNS - (statuses.get(400) ?? 0)).toBeGreaterThan(RUNS / 200);
  });
});
