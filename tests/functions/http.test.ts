/** The HTTP functions, invoked as the host invokes them, against Azurite and the Cosmos server. */
import { validateEvent } from "../../contracts";
import type { ErasureRecord } from "../../functions/src/core/customers";
import { cosmosPart } from "../../functions/src/core/person-export";
import type { InMemoryPublisher } from "../../functions/src/core/publisher";
import { deleteCustomer } from "../../functions/src/functions/deleteCustomer";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { getCustomerSegments } from "../../functions/src/functions/getCustomerSegments";
import { ingestEvents } from "../../functions/src/functions/ingestEvents";
import { validateCustomer } from "../../functions/src/functions/validateCustomer";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { deliverAll, type Fixture, fixture } from "./helpers";
import { bodyJson, contentType, context, request, validCustomer } from "./http-helpers";

let f: Fixture;
beforeAll(async () => {
  f = await fixture("http");
});
afterAll(async () => {
  await f.cleanup();
});

describe("POST /api/customers/validate", () => {
  const call = (body: string | Uint8Array, type = "application/json") =>
    validateCustomer(
      request("POST", "customers/validate", { body, contentType: type }),
      context("validateCustomer"),
    );

  test("200 with the normalized record", async () => {
    const res = await call(JSON.stringify(validCustomer()));
    expect(res.status).toBe(200);
    const record = bodyJson(res).record as Record<string, unknown>;
    expect(record.email).toBe("ana.silva@example.com");
    expect(record.phone).toBe("+14155552671");
    expect(record.firstName).toBe("Ana");
  });

  test("400 problem+json listing every failed field with pointer, code and message", async () => {
    const bad = { ...validCustomer(), email: "not-an-email", phone: "12", loyaltyTier: "DIAMOND" } as Record<
      string,
      unknown
    >;
    delete bad.lastName;
    const res = await call(JSON.stringify(bad));
    expect(res.status).toBe(400);
    expect(contentType(res)).toBe("application/problem+json");
    const problem = bodyJson(res);
    expect(problem.status).toBe(400);
    expect(problem.type).toBe("https://c360.dev/problems/validation-failed");
    const errors = problem.errors as Array<{ pointer: string; code: string; message: string }>;
    expect(errors.map((e) => [e.pointer, e.code]).sort()).toEqual(
      [
        ["/email", "invalid_email"],
        ["/lastName", "missing_required_field"],
        ["/loyaltyTier", "invalid_enum_value"],
        ["/phone", "invalid_phone"],
      ].sort(),
    );
    for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
  });

  test("business rules: an implausible date of birth is rejected", async () => {
    const res = await call(JSON.stringify({ ...validCustomer(), dateOfBirth: "1850-01-01" }));
    expect(res.status).toBe(400);
    expect((bodyJson(res).errors as Array<{ pointer: string; code: string }>)[0]).toMatchObject({
      pointer: "/dateOfBirth",
      code: "out_of_range",
    });
  });

  test("415 wrong content type, 413 oversize, 400 malformed JSON and invalid UTF-8", async () => {
    expect((await call(JSON.stringify(validCustomer()), "text/plain")).status).toBe(415);
    expect((await call("x".repeat(70_000))).status).toBe(413);
    const malformed = await call('{"customerId": ');
    expect(malformed.status).toBe(400);
    expect(bodyJson(malformed).type).toBe("https://c360.dev/problems/malformed-json");
    const utf8 = await call(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(utf8.status).toBe(400);
    expect(bodyJson(utf8).type).toBe("https://c360.dev/problems/invalid-encoding");
  });
});

describe("POST /api/events", () => {
  const publisher = () => f.deps.publisher as InMemoryPublisher;
  const call = (body: string, type = "application/json") =>
    ingestEvents(request("POST", "events", { body, contentType: type }), context("ingestEvents"));

  test("202 with a result per event; every event published, to its hub with the customer id as partition key", async () => {
    const events = syntheticEvents({ events: 6, customers: 3, seed: 31 });
    const before = publisher().published.length;
    const res = await call(JSON.stringify(events));
    expect(res.status).toBe(202);
    const body = bodyJson(res) as {
      accepted: number;
      rejected: number;
      results: Array<{ status: string; index: number }>;
    };
    expect(body.accepted).toBe(6);
    expect(body.rejected).toBe(0);
    expect(body.results.map((r) => [r.index, r.status])).toEqual(events.map((_, i) => [i, "accepted"]));
    const published = publisher().published.slice(before);
    expect(published.map((p) => p.event.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const p of published) {
      expect(p.hubName).toBe(p.event.eventType.replace("_", "-"));
      expect(p.partitionKey).toBe(
        p.event.customerId ?? (p.event.payload as { anonymousId?: string }).anonymousId ?? p.event.eventId,
      );
    }
  });

  test("NDJSON with an unparseable line: 400 naming the line, the others reported valid, nothing published", async () => {
    const events = syntheticEvents({ events: 2, customers: 2, seed: 32 });
    const before = publisher().published.length;
    const res = await call(
      `${JSON.stringify(events[0])}\n{oops\n${JSON.stringify(events[1])}\n`,
      "application/x-ndjson",
    );
    expect(res.status).toBe(400);
    const problem = bodyJson(res);
    const results = problem.results as Array<{ status: string; errors?: Array<{ code: string }> }>;
    expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "accepted"]);
    expect(results[1].errors?.[0].code).toBe("malformed_json");
    expect((problem.errors as Array<{ pointer: string }>)[0].pointer).toBe("/1");
    expect(publisher().published.length).toBe(before);
  });

  test("all invalid → 400 problem+json with the per-event results, nothing published", async () => {
    const before = publisher().published.length;
    const res = await call(JSON.stringify([{ eventId: "x" }, 42]));
    expect(res.status).toBe(400);
    expect(contentType(res)).toBe("application/problem+json");
    expect((bodyJson(res).results as unknown[]).length).toBe(2);
    expect(publisher().published.length).toBe(before);
    expect(publisher().published.every((p) => validateEvent(p.event).valid)).toBe(true);
  });
});

describe("customers: read, segments, export, erasure", () => {
  test("profile and segments after processing; export includes quarantined events; erasure removes the profile and records the request", async () => {
    const events = syntheticEvents({ events: 300, customers: 5, seed: 33 });
    const poisoned = { ...events[0], eventId: "Q-1", customerId: "C000002", occurredAt: "nope" };
    const hub = new LocalEventHub(2);
    hub.send([...events, poisoned]);
    await deliverAll(hub.batches(50));

    const params = { id: "C000002" };
    const profile = await getCustomer(
      request("GET", "customers/C000002", { params }),
      context("getCustomer"),
    );
    expect(profile.status).toBe(200);
    const doc = bodyJson(profile);
    expect(doc.customerId).toBe("C000002");
    expect(doc.idempotency).toBeUndefined();
    const orders = doc.orders as { count: number; totalSpent: number };
    expect(orders.count).toBeGreaterThan(0);

    const segments = bodyJson(
      await getCustomerSegments(request("GET", "x", { params }), context("getCustomerSegments")),
    );
    expect(segments.valueSegment).toBe(doc.valueSegment);
    expect(segments.valueSegmentBasis).toEqual({ totalSpent: orders.totalSpent, orderCount: orders.count });

    // The export's Cosmos part (the job's whole document: tests/functions/person-export.test.ts)
    const all = await cosmosPart(f.deps, [params.id]);
    // GET answers the unified profile: the real-time fields plus the canonical id and batch traits (none synced here)
    const { canonicalId, requestedBy, memberIds, traits, ...realtime } = doc;
    expect({ canonicalId, requestedBy, memberIds, traits }).toEqual({
      canonicalId: "C000002",
      requestedBy: { kind: "id", value: "C000002" },
      memberIds: ["C000002"],
      traits: null,
    });
    expect(all.profiles).toEqual([realtime]);
    expect(all.quarantinedEvents.map((q) => [q.eventId, q.reason])).toEqual([["Q-1", "invalid_timestamp"]]);

    const erased = await deleteCustomer(request("DELETE", "x", { params }), context("deleteCustomer"));
    expect(erased.status).toBe(202);
    const record = bodyJson(erased) as unknown as ErasureRecord & { profileDeleted: boolean };
    expect(record.profileDeleted).toBe(true);
    const stored = await f.deps.lake.read("control", `erasure/${record.requestId}.jsonl`);
    expect(JSON.parse(stored!.trim())).toEqual({
      customerId: "C000002",
      requestedAt: record.requestedAt,
      requestId: record.requestId,
    });
    const gone = await getCustomer(request("GET", "x", { params }), context("getCustomer"));
    expect(gone.status).toBe(404);
    expect(contentType(gone)).toBe("application/problem+json");
  });

  test("an invalid id is a 400, an unknown one a 404", async () => {
    const bad = await getCustomer(request("GET", "x", { params: { id: "../etc" } }), context("getCustomer"));
    expect(bad.status).toBe(400);
    const unknown = await getCustomer(
      request("GET", "x", { params: { id: "NOPE1" } }),
      context("getCustomer"),
    );
    expect(unknown.status).toBe(404);
  });
});
