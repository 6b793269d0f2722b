/**
 * BASELINE scenario 9: HTTP fuzzing with fast-check. At least 5,000 generated bad payloads per
 * endpoint (prototype-pollution keys, huge strings, invalid UTF-8, wrong types, wrong content
 * types, mutated valid records) → 0 responses ≥ 500, every error a 4xx problem+json, nothing
 * published for invalid input.
 */
import type { HttpResponseInit } from "@azure/functions";
import fc from "fast-check";

import { validateEvent } from "../../contracts";
import { validateCustomer as validateCustomerRecord } from "../../functions/src/core/customer-validation";
import type { InMemoryPublisher } from "../../functions/src/core/publisher";
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

const POLLUTION_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "__defineGetter__",
  "hasOwnProperty",
  "toString",
];

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

const weirdValue = fc.oneof(
  fc.string(),
  fc.tuple(fc.string({ maxLength: 4 }), fc.nat(5000)).map(([s, n]) => s.repeat(200) + "z".repeat(1000 + n)),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, -1, 1e308, "", " ", "\u0000", "2026-13-45", "+999"),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...POLLUTION_KEYS), fc.anything(), { maxKeys: 3 }),
);

const pollutedJson = (base: unknown) =>
  fc
    .record({ key: fc.constantFrom(...POLLUTION_KEYS), value: fc.jsonValue() })
    .map(({ key, value }) =>
      JSON.stringify(base).replace("{", `{${JSON.stringify(key)}:${JSON.stringify(value)},`),
    );

const invalidUtf8 = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => new Uint8Array([0x7b, 0x22, 0xc3, 0x28, ...bytes, 0xff, 0x22, 0x7d]));

const contentTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "text/plain",
      "application/xml",
      "multipart/form-data",
      "",
      "application/json; charset=utf-16",
      "APPLICATION/JSON",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

function assertClientError(res: HttpResponseInit): void {
  expect(res.status).toBeDefined();
  const status = res.status!;
  expect(status).toBeLessThan(500);
  if (status >= 400) {
    expect((res.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
    const problem = JSON.parse(String(res.body)) as { type: string; title: string; status: number };
    expect(problem.status).toBe(status);
    expect(problem.type).toMatch(/^https:\/\/c360\.dev\/problems\//);
    expect(problem.title.length).toBeGreaterThan(0);
  }
}

test(`POST /api/customers/validate: ${RUNS} generated bad payloads → no 5xx, every error problem+json`, async () => {
  const base = validCustomer();
  const body = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), weirdValue)
        .map(([p, v]) => JSON.stringify(mutate(base, p, v))),
    },
    { weight: 6, arbitrary: pollutedJson(base) },
    { weight: 6, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 6, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 8 }), fc.nat(5000))
        .map(([s, n]) => `{"firstName":"${"x".repeat(65_536 + n)}${s}"}`),
    },
    { weight: 6, arbitrary: invalidUtf8 },
  );
  let statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(body, contentTypes, async (payload, type) => {
      const res = await validateCustomer(
        request("POST", "customers/validate", { body: payload, contentType: type }),
        context("validateCustomer"),
      );
      assertClientError(res);
      statuses.set(res.status!, (statuses.get(res.status!) ?? 0) + 1);
      if (res.status === 200) {
        // Only a record that really is valid may pass.
        expect(validateCustomerRecord(JSON.parse(payload as string)).valid).toBe(true);
      }
    }),
    { numRuns: RUNS, seed: 9001 },
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, "a")).toBe(false);
  // The generator really produced a spread of client errors.
  for (const status of [400, 413, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20);
  statuses = new Map();
});

test(`POST /api/events: ${RUNS} generated bad payloads → no 5xx, problem+json errors, nothing invalid published`, async () => {
  const publisher = f.deps.publisher as InMemoryPublisher;
  const valid = syntheticEvents({ events: 50, customers: 10, seed: 91 });
  const badEvent = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), weirdValue)
    .map(([e, p, v]) => mutate(e, p, v));
  const body = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(badEvent, { minLength: 1, maxLength: 5 }).map((a) => JSON.stringify(a)),
    },
    {
      weight: 6,
      arbitrary: fc
        .array(badEvent, { minLength: 1, maxLength: 5 })
        .map((a) => a.map((e) => JSON.stringify(e)).join("\n")),
    },
    { weight: 6, arbitrary: pollutedJson(valid[0]).map((s) => `[${s}]`) },
    { weight: 6, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 6, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 8 }), fc.nat(100))
        .map(([s, n]) => `["${"y".repeat(1_048_576 + n)}${s}"]`),
    },
    { weight: 6, arbitrary: invalidUtf8 },
  );
  const types = fc.oneof(contentTypes, fc.constant("application/x-ndjson"));
  let published = 0;
  await fc.assert(
    fc.asyncProperty(body, types, async (payload, type) => {
      const before = publisher.published.length;
      const res = await ingestEvents(
        request("POST", "events", { body: payload, contentType: type }),
        context("ingestEvents"),
      );
      assertClientError(res);
      const added = publisher.published.slice(before);
      for (const p of added) expect(validateEvent(p.event).valid).toBe(true);
      if (res.status === 202) {
        const accepted = (JSON.parse(String(res.body)) as { accepted: number }).accepted;
        expect(added).toHaveLength(accepted);
      } else {
        expect(added).toHaveLength(0);
      }
      published += added.length;
    }),
    { numRuns: RUNS, seed: 9002 },
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  // Mutations sometimes leave an event valid (e.g. a new optional value); those, and only those, were published.
  expect(published).toBeLessThan(RUNS * 5);
});
