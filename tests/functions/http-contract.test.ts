/**
 * Issue 25: one contract, one set of bounds and one error shape on every door. Each test is a
 * defect of the earlier handlers (a RangeError, an echoed unknown key, two rule sets, a partial
 * publish, problems without a detail, an ignored charset, a body read whole before the 413).
 */
import type { EventHubProducerClient } from "@azure/event-hubs";

import type { AnyEvent } from "../../contracts";
import {
  EventHubsPublisher,
  type InMemoryPublisher,
  MAX_EVENT_BODY_BYTES,
  PublishRejected,
} from "../../functions/src/core/publisher";
import { deleteCustomer } from "../../functions/src/functions/deleteCustomer";
import { exportCustomer } from "../../functions/src/functions/exportCustomer";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { getCustomerExport } from "../../functions/src/functions/getCustomerExport";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { ingestEvents, MAX_EVENTS_BYTES } from "../../functions/src/functions/ingestEvents";
import { MAX_CUSTOMER_BYTES, validateCustomer } from "../../functions/src/functions/validateCustomer";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture } from "./helpers";
import { bodyJson, context, problemOf, request, streamingRequest, validCustomer } from "./http-helpers";

let f: Fixture;
beforeAll(async () => {
  f = await fixture("http-contract");
});
afterAll(async () => {
  await f.cleanup();
});

const publisher = () => f.deps.publisher as InMemoryPublisher;
const validate = (body: string | Uint8Array, type = "application/json") =>
  validateCustomer(
    request("POST", "customers/validate", { body, contentType: type }),
    context("validateCustomer"),
  );
const ingest = (body: string | Uint8Array, type = "application/json") =>
  ingestEvents(request("POST", "events", { body, contentType: type }), context("ingestEvents"));

/** A customer_profile event carrying the record (the same data on the other door). */
function profileEvent(record: Record<string, unknown>, eventId = "E-PROFILE-1"): Record<string, unknown> {
  return {
    eventId,
    eventType: "customer_profile",
    schemaVersion: "1.1",
    source: "crm",
    occurredAt: "2026-01-02T03:04:05Z",
    customerId: record.customerId,
    payload: record,
  };
}

const deepValue = (depth: number) => '{"n":'.repeat(depth) + "[1,2,3]" + "}".repeat(depth);

describe("bounded before walked", () => {
  test("a 54 KB record with a 9,000-deep unknown externalIds key: 400 with a detail, not a crash", async () => {
    const body = JSON.stringify({ ...validCustomer(), externalIds: { ecommerce: "SHOP-1" } }).replace(
      '"externalIds":{',
      `"externalIds":{"Not-Valid Key":${deepValue(9000)},`,
    );
    expect(body.length).toBeGreaterThan(50_000);
    expect(body.length).toBeLessThan(MAX_CUSTOMER_BYTES);
    const res = await validate(body);
    expect(res.status).toBe(400);
    const problem = problemOf(res);
    expect(problem.type).toBe("https://c360.dev/problems/json-limits-exceeded");
    expect(problem.detail).toMatch(/deeper than 32 levels/);
    expect(problem.errors?.[0]).toMatchObject({ code: "too_deep" });
    expect(problem.errors?.[0].pointer.startsWith("/externalIds/Not-Valid Key/n/n")).toBe(true);
  });

  test("the same deep value inside an event: 400 naming the event, nothing published", async () => {
    const [event] = syntheticEvents({ events: 1, customers: 1, seed: 250 });
    const before = publisher().published.length;
    const body = JSON.stringify([event]).replace('"payload":{', `"payload":{"x":${deepValue(9000)},`);
    const res = await ingest(body);
    expect(res.status).toBe(400);
    expect(problemOf(res).errors?.[0].pointer.startsWith("/0/payload/x/n/n")).toBe(true);
    // NDJSON: the line is rejected with the bound that failed
    const nd = await ingest(body.slice(1, -1), "application/x-ndjson");
    expect(nd.status).toBe(400);
    expect(problemOf(nd).errors?.[0]).toMatchObject({ code: "too_deep" });
    expect(publisher().published.length).toBe(before);
  });

  test("a 100 MB body without Content-Length is refused after reading little more than the limit", async () => {
    for (const [handler, limit, type] of [
      [validateCustomer, MAX_CUSTOMER_BYTES, "application/json"],
      [ingestEvents, MAX_EVENTS_BYTES, "application/x-ndjson"],
    ] as const) {
      const { request: req, pulled } = streamingRequest("x", {
        totalBytes: 100 * 1024 * 1024,
        contentType: type,
      });
      const res = await handler(req, context("stream"));
      expect(res.status).toBe(413);
      problemOf(res);
      expect(pulled()).toBeLessThanOrEqual(limit + 2 * 64 * 1024);
    }
  });

  test("a Content-Length that understates the body does not lift the limit", async () => {
    const { request: req, pulled } = streamingRequest("x", {
      totalBytes: 10 * 1024 * 1024,
      contentType: "application/json",
      headers: { "content-length": "10" },
    });
    const res = await validateCustomer(req, context("stream"));
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThanOrEqual(MAX_CUSTOMER_BYTES + 2 * 64 * 1024);
  });
});

describe("one validation for every door", () => {
  test("the age-12 record gets the same 400 and code on /validate and /api/events", async () => {
    const now = new Date();
    const twelve = { ...validCustomer(), dateOfBirth: `${now.getUTCFullYear() - 12}-01-01` };
    const v = await validate(JSON.stringify(twelve));
    expect(v.status).toBe(400);
    const before = publisher().published.length;
    const e = await ingest(JSON.stringify([profileEvent(twelve)]));
    expect(e.status).toBe(400);
    const fromValidate = problemOf(v).errors!.map((x) => [x.pointer, x.code]);
    const fromEvents = problemOf(e).errors!.map((x) => [x.pointer.replace(/^\/0\/payload/, ""), x.code]);
    expect(fromValidate).toEqual([["/dateOfBirth", "out_of_range"]]);
    expect(fromEvents).toEqual(fromValidate);
    expect(publisher().published.length).toBe(before);
  });

  test("a leap-second or year-9999 occurredAt is refused at the door (the processor would refuse it too)", async () => {
    const [event] = syntheticEvents({ events: 1, customers: 1, seed: 251 });
    for (const [occurredAt, code] of [
      ["2016-12-31T23:59:60Z", "invalid_timestamp"],
      ["9999-12-31T23:59:59Z", "future_timestamp"],
    ]) {
      const res = await ingest(JSON.stringify([{ ...event, occurredAt }]));
      expect(res.status).toBe(400);
      expect(problemOf(res).errors).toEqual([expect.objectContaining({ pointer: "/0/occurredAt", code })]);
    }
  });

  test("unknown externalIds keys are never echoed", async () => {
    const record = {
      ...validCustomer(),
      externalIds: { ecommerce: "SHOP-1", "Not-Valid Key": { nested: [1, 2, 3] } },
    };
    const res = await validate(JSON.stringify(record));
    expect(res.status).toBe(200);
    const body = bodyJson(res) as { record: { externalIds: unknown }; warnings: Array<{ pointer: string }> };
    expect(body.record.externalIds).toEqual({ ecommerce: "SHOP-1" });
    expect(String(res.body)).not.toContain("nested");
    expect(body.warnings.map((w) => w.pointer)).toEqual(["/externalIds/Not-Valid Key"]);
  });

  test.each([
    ["NUL", "Ana\u0000"],
    ["an ANSI escape", "\u001b[31mAna\u001b[0m"],
    ["a right-to-left override", "\u202Eana"],
    ["only zero-width characters", "\u200B\u200C"],
  ])("a name with %s is refused on both doors", async (_, firstName) => {
    const record = { ...validCustomer(), firstName };
    const v = await validate(JSON.stringify(record));
    expect(v.status).toBe(400);
    expect(problemOf(v).errors?.[0].pointer).toBe("/firstName");
    const e = await ingest(JSON.stringify([profileEvent(record)]));
    expect(e.status).toBe(400);
    expect(problemOf(e).errors?.[0].pointer).toBe("/0/payload/firstName");
  });
});

describe("all or nothing per request", () => {
  test("one invalid event among valid ones: 400 naming it, nothing published", async () => {
    const events = syntheticEvents({ events: 4, customers: 2, seed: 252 });
    const bad = { ...events[2], payload: { ...events[2].payload, __extra: 1 }, occurredAt: "nope" };
    const before = publisher().published.length;
    const res = await ingest(JSON.stringify([events[0], events[1], bad, events[3]]));
    expect(res.status).toBe(400);
    const problem = problemOf(res);
    expect(problem.detail).toMatch(/event 2/);
    expect(problem.detail).toMatch(/nothing was published/);
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: "/2/occurredAt", code: "invalid_timestamp" }),
    ]);
    const results = problem.results as Array<{ index: number; status: string }>;
    expect(results.map((r) => r.status)).toEqual(["accepted", "accepted", "rejected", "accepted"]);
    expect(publisher().published.length).toBe(before);
  });

  test("a 1.2 MiB event in a batch of 3 publishes nothing; the 4xx names event 1", async () => {
    const events = syntheticEvents({ events: 3, customers: 3, seed: 253 });
    const big = { ...events[1], payload: { ...events[1].payload, blob: "x".repeat(60_000) } } as Record<
      string,
      unknown
    >;
    // 20 unknown 60,000-character fields: 1.2 MiB serialized, every string within the per-string bound
    for (let i = 0; i < 20; i++) (big.payload as Record<string, unknown>)[`blob${i}`] = "x".repeat(60_000);
    const body = JSON.stringify([events[0], big, events[2]]);
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(1.2 * 1024 * 1024);
    const before = publisher().published.length;
    const res = await ingest(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const problem = problemOf(res);
    expect(problem.detail).toMatch(/event 1\b/);
    expect(problem.errors?.[0]).toMatchObject({ pointer: "/1", code: "too_large" });
    expect(publisher().published.length).toBe(before);
  });

  test("an event within the record bound but over the Event Hubs per-event limit: 413 naming it, nothing published", async () => {
    const events = syntheticEvents({ events: 3, customers: 3, seed: 254 });
    const near = { ...events[2], payload: { ...events[2].payload } } as AnyEvent & {
      payload: Record<string, unknown>;
    };
    const size = () => Buffer.byteLength(JSON.stringify(near));
    for (let i = 0; size() + 60_100 <= MAX_EVENT_BODY_BYTES; i++)
      near.payload[`pad${i}`] = "p".repeat(60_000);
    near.payload.last = "p".repeat(MAX_EVENT_BODY_BYTES - size());
    expect(size()).toBeLessThanOrEqual(1024 * 1024); // within DEFAULT_JSON_LIMITS.maxBytes
    const before = publisher().published.length;
    const res = await ingest(JSON.stringify([events[0], events[1], near]));
    expect(res.status).toBe(413);
    const problem = problemOf(res);
    expect(problem.type).toBe("https://c360.dev/problems/event-too-large");
    expect(problem.detail).toMatch(/event 2\b/);
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: "/2", code: "too_large" })]);
    expect(publisher().published.length).toBe(before);
  });

  test("both publishers share the limit check and send nothing when it fails", async () => {
    const events = syntheticEvents({ events: 3, customers: 3, seed: 255 });
    const oversized = {
      ...events[1],
      payload: { ...events[1].payload, pad: "p".repeat(MAX_EVENT_BODY_BYTES) },
    } as unknown as AnyEvent;
    const batch = [events[0], oversized, events[2]];

    const before = publisher().published.length;
    await expect(publisher().publish(batch)).rejects.toThrow(PublishRejected);
    expect(publisher().published.length).toBe(before);

    // Event Hubs cannot run here: a recording producer stands in for the broker.
    const calls: string[] = [];
    const producer = {
      createBatch: async () => {
        calls.push("createBatch");
        const batch = {
          count: 0,
          tryAdd: () => {
            batch.count++;
            return true;
          },
        };
        return batch;
      },
      sendBatch: async () => {
        calls.push("sendBatch");
      },
    } as unknown as EventHubProducerClient;
    const hubs = new EventHubsPublisher(() => producer);
    const error = await hubs.publish(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishRejected);
    expect((error as PublishRejected).violation).toMatchObject({ index: 1, code: "too_large" });
    expect(calls).toEqual([]);
    await hubs.publish([events[0]]);
    expect(calls).toEqual(["createBatch", "sendBatch"]);
  });
});

describe("one error shape", () => {
  const idHandlers = [
    ["GET", getCustomer],
    ["GET segments", getCustomerSegments],
    ["POST export", exportCustomer],
    ["GET export status", getCustomerExport],
    ["DELETE", deleteCustomer],
  ] as const;

  test.each(idHandlers)(
    "%s with an invalid id: 400 problem+json with a detail and a pointer",
    async (_, handler) => {
      for (const id of ["../etc", "", "a b", "x".repeat(65), "\u202Eabc"]) {
        const res = await handler(request("GET", "x", { params: { id } }), context("ids"));
        expect(res.status).toBe(400);
        const problem = problemOf(res);
        expect(problem.errors?.[0]).toMatchObject({ pointer: "/customerId", code: "invalid_identifier" });
      }
    },
  );

  test("charset: only UTF-8; a UTF-16 body or a declared non-UTF-8 charset is 415", async () => {
    const record = JSON.stringify(validCustomer());
    const declaredUtf16 = await validate(record, "application/json; charset=utf-16");
    expect(declaredUtf16.status).toBe(415);
    expect(problemOf(declaredUtf16).type).toBe("https://c360.dev/problems/unsupported-charset");
    const latin1 = await ingest(
      JSON.stringify(syntheticEvents({ events: 1, customers: 1 })),
      "application/json;charset=ISO-8859-1",
    );
    expect(latin1.status).toBe(415);

    const utf16le = new Uint8Array(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(record, "utf16le")]),
    );
    expect((await validate(utf16le)).status).toBe(415);
    const utf16leNoBom = new Uint8Array(Buffer.from(record, "utf16le"));
    const res = await validate(utf16leNoBom);
    expect(res.status).toBe(415);
    expect(problemOf(res).detail).toMatch(/UTF-16/);
    const utf16be = new Uint8Array(Buffer.from(record, "utf16le").swap16());
    expect((await validate(utf16be)).status).toBe(415);

    for (const type of [
      "application/json; charset=utf-8",
      'application/json; charset="UTF-8"',
      "application/json",
    ]) {
      expect((await validate(record, type)).status).toBe(200);
    }
    const withBom = new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(record)]));
    expect((await validate(withBom)).status).toBe(200);
  });

  test("every 4xx of the POST endpoints is problem+json with a detail", async () => {
    const cases: Array<[string | Uint8Array, string]> = [
      ["{", "application/json"],
      ["[]", "application/json"],
      ["{}", "application/json"],
      ["42", "application/json"],
      ["x".repeat(MAX_CUSTOMER_BYTES + 1), "application/json"],
      ["{}", "text/plain"],
      [new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]), "application/json"],
    ];
    for (const [body, type] of cases) {
      for (const res of [await validate(body, type), await ingest(body, type)]) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        problemOf(res);
      }
    }
  });
});
