/**
 * The one validation of every door (`validateRecord`): bounds first, contract, text and clock
 * rules, business rules; unknown keys warned and removed from the record. The processor wiring is
 * checked against real Cosmos DB and Azurite: the same record gets the same code as on the API.
 */
import { triggerMetadataFor } from "../../functions/src/core/positions";
import { processBatch } from "../../functions/src/core/processor";
import { STREAMS } from "../../functions/src/core/streams";
import { validateRecord } from "../../functions/src/core/validate-record";
import { exampleFor } from "../contracts/examples";
import { type Fixture, fixture } from "./helpers";

const NOW = new Date("2026-06-01T12:00:00Z");
const codes = (r: { errors: Array<{ pointer: string; code: string }> }) =>
  r.errors.map(({ pointer, code }) => ({ pointer, code }));

function profileEvent(patch: (payload: Record<string, unknown>) => void = () => undefined) {
  const event = exampleFor("customer_profile", "1.1") as unknown as Record<string, unknown> & {
    payload: Record<string, unknown>;
  };
  patch(event.payload);
  return event;
}
const customer = (patch: (payload: Record<string, unknown>) => void = () => undefined) =>
  profileEvent(patch).payload;

describe("business rules: the same codes on a record and in an event", () => {
  test("an age-12 customer is out_of_range on both", () => {
    const twelve = (p: Record<string, unknown>) => (p.dateOfBirth = "2013-07-01");
    expect(codes(validateRecord("customer_profile", customer(twelve), { now: NOW }))).toEqual([
      { pointer: "/dateOfBirth", code: "out_of_range" },
    ]);
    expect(codes(validateRecord("event", profileEvent(twelve), { now: NOW }))).toEqual([
      { pointer: "/payload/dateOfBirth", code: "out_of_range" },
    ]);
    // 13 on the day: accepted
    const thirteen = (p: Record<string, unknown>) => (p.dateOfBirth = "2013-06-01");
    expect(validateRecord("event", profileEvent(thirteen), { now: NOW }).valid).toBe(true);
  });

  test("registration after tomorrow is out_of_range", () => {
    const r = validateRecord(
      "event",
      profileEvent((p) => (p.registrationDate = "2026-06-03")),
      { now: NOW },
    );
    expect(codes(r)).toEqual([{ pointer: "/payload/registrationDate", code: "out_of_range" }]);
  });
});

describe("clock rule", () => {
  const at = (occurredAt: string) => ({ ...profileEvent(), occurredAt });

  test("an event time beyond the skew is future_timestamp; within it passes", () => {
    expect(codes(validateRecord("event", at("9999-12-31T23:59:59Z"), { now: NOW }))).toEqual([
      { pointer: "/occurredAt", code: "future_timestamp" },
    ]);
    expect(codes(validateRecord("event", at("2026-06-01T12:05:01Z"), { now: NOW }))).toEqual([
      { pointer: "/occurredAt", code: "future_timestamp" },
    ]);
    expect(validateRecord("event", at("2026-06-01T12:05:00Z"), { now: NOW }).valid).toBe(true);
    expect(
      validateRecord("event", at("2026-06-01T12:05:01Z"), { now: NOW, maxFutureSkewSeconds: 600 }).valid,
    ).toBe(true);
  });

  test("every date-time field of the payload obeys it (consent.updatedAt, orderedAt)", () => {
    const consent = profileEvent(
      (p) => (p.consent = { email: true, sms: false, updatedAt: "2099-01-01T00:00:00Z" }),
    );
    expect(codes(validateRecord("event", consent, { now: NOW }))).toEqual([
      { pointer: "/payload/consent/updatedAt", code: "future_timestamp" },
    ]);
    const order = exampleFor("order", "1.1") as unknown as { payload: Record<string, unknown> };
    order.payload.orderedAt = "2030-01-01T00:00:00Z";
    expect(codes(validateRecord("event", order, { now: NOW }))).toEqual([
      { pointer: "/payload/orderedAt", code: "future_timestamp" },
    ]);
  });

  test("a leap second is rejected as invalid_timestamp, whatever the offset", () => {
    for (const t of ["2016-12-31T23:59:60Z", "2017-01-01T00:59:60+01:00", "2016-12-31T23:59:60.5Z"]) {
      const r = validateRecord("event", at(t), { now: NOW });
      expect(codes(r)).toEqual([{ pointer: "/occurredAt", code: "invalid_timestamp" }]);
      expect(r.errors[0].message).toMatch(/leap second/);
    }
    const consent = profileEvent(
      (p) => (p.consent = { email: false, sms: false, updatedAt: "2016-12-31T23:59:60Z" }),
    );
    expect(codes(validateRecord("event", consent, { now: NOW }))).toEqual([
      { pointer: "/payload/consent/updatedAt", code: "invalid_timestamp" },
    ]);
  });
});

describe("text rule", () => {
  test.each([
    ["NUL", "Ana\u0000"],
    ["an ANSI escape", "\u001b[31mAna"],
    ["a right-to-left override", "Ana\u202Eevil"],
    ["a bidi isolate", "\u2066Ana\u2069"],
    ["a tab (names allow no control at all)", "Ana\tMaria"],
    ["a C1 control", "Ana\u0085"],
  ])("a name with %s is invalid_characters", (_, name) => {
    expect(
      codes(
        validateRecord(
          "customer_profile",
          customer((p) => (p.firstName = name)),
          { now: NOW },
        ),
      ),
    ).toEqual([{ pointer: "/firstName", code: "invalid_characters" }]);
  });

  test("a name of zero-width characters and blanks is invalid_name", () => {
    for (const name of ["\u200B", "\u200B\u200D\uFEFF", " \u200C "]) {
      expect(
        codes(
          validateRecord(
            "event",
            profileEvent((p) => (p.lastName = name)),
            { now: NOW },
          ),
        ),
      ).toEqual([{ pointer: "/payload/lastName", code: "invalid_name" }]);
    }
    // letters with a zero-width joiner are a name
    expect(
      validateRecord(
        "event",
        profileEvent((p) => (p.lastName = "Ra\u200Dj")),
        { now: NOW },
      ).valid,
    ).toBe(true);
  });

  test("every other string: controls and bidi overrides rejected, line breaks and tabs allowed", () => {
    const withLine = (line1: string) =>
      profileEvent((p) => (p.address = { line1, city: "Springfield", countryCode: "US" }));
    expect(codes(validateRecord("event", withLine("1 Main St\u001b[2J"), { now: NOW }))).toEqual([
      { pointer: "/payload/address/line1", code: "invalid_characters" },
    ]);
    expect(validateRecord("event", withLine("1 Main St\n\tBack"), { now: NOW }).valid).toBe(true);
  });
});

describe("unknown keys: warned, never in the record", () => {
  test("an unknown externalIds key and its value are removed from the record", () => {
    const input = customer(
      (p) => (p.externalIds = { ecommerce: "SHOP-1", "Not-Valid Key": { nested: [1, 2, 3] } }),
    );
    const r = validateRecord("customer_profile", input, { now: NOW });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => [w.pointer, w.code])).toEqual([
      ["/externalIds/Not-Valid Key", "unexpected_field"],
    ]);
    expect(r.record?.externalIds).toEqual({ ecommerce: "SHOP-1" });
    expect(JSON.stringify(r.record)).not.toContain("nested");
    // the input is not modified
    expect((input.externalIds as Record<string, unknown>)["Not-Valid Key"]).toEqual({ nested: [1, 2, 3] });
  });

  test("unknown envelope, payload and prototype keys are removed too", () => {
    const event = JSON.parse(
      JSON.stringify(profileEvent()).replace('{"eventId"', '{"__proto__":{"polluted":1},"extra":1,"eventId"'),
    ) as Record<string, unknown> & { payload: Record<string, unknown> };
    event.payload.loyaltyColour = "blue";
    const r = validateRecord("event", event, { now: NOW });
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => w.pointer).sort()).toEqual([
      "/__proto__",
      "/extra",
      "/payload/loyaltyColour",
    ]);
    expect(Object.keys(r.record!)).not.toContain("__proto__");
    expect(Object.keys(r.record!)).not.toContain("extra");
    expect(Object.keys(r.record!.payload)).not.toContain("loyaltyColour");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("bounds come first", () => {
  test("a 9,000-deep unknown key is too_deep with a detail, not a RangeError", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 9000; i++) deep = { nested: deep };
    const r = validateRecord(
      "customer_profile",
      customer((p) => (p.externalIds = { "Not-Valid Key": deep })),
      {
        now: NOW,
      },
    );
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: "too_deep" });
    expect(r.errors[0].pointer.startsWith("/externalIds/Not-Valid Key/nested")).toBe(true);
    expect(r.errors[0].message).toMatch(/deeper than/);
  });
});

describe("the processor applies the same validation", () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture("validate-record");
  });
  afterAll(async () => {
    await f.cleanup();
  });

  test("age 12, a leap second and a year-9999 event are quarantined with the API's codes; unknown externalIds keys never reach the profile", async () => {
    const stream = STREAMS.find((s) => s.eventType === "customer_profile")!;
    const now = new Date();
    const base = (id: string, customerId: string, patch: (p: Record<string, unknown>) => void) => {
      const e = profileEvent(patch);
      return {
        ...e,
        eventId: id,
        customerId,
        occurredAt: "2026-01-01T00:00:00Z",
        payload: { ...e.payload, customerId },
      };
    };
    const twelveYearsAgo = `${now.getUTCFullYear() - 12}-01-01`;
    const events = [
      base("E-AGE12", "C-AGE12", (p) => (p.dateOfBirth = twelveYearsAgo)),
      { ...base("E-LEAP", "C-LEAP", () => undefined), occurredAt: "2016-12-31T23:59:60Z" },
      { ...base("E-9999", "C-9999", () => undefined), occurredAt: "9999-12-31T00:00:00Z" },
      base(
        "E-OK",
        "C-OK",
        (p) => (p.externalIds = { ecommerce: "SHOP-9", "Not-Valid Key": { nested: [1, 2, 3] } }),
      ),
    ];
    const messages = events.map((body, i) => ({
      sequenceNumber: i,
      offset: String(i),
      enqueuedTimeUtc: now.toISOString(),
      partitionKey: body.customerId,
    }));
    const summary = await processBatch(
      stream,
      events,
      triggerMetadataFor(stream.hubName, "0", messages),
      f.deps,
    );
    expect(summary.quarantinedByCode).toEqual({ out_of_range: 1, invalid_timestamp: 1, future_timestamp: 1 });
    expect(summary.accepted).toBe(1);
    const stored = await f.deps.store.read("C-OK");
    expect(stored?.doc.externalIds).toEqual({ ecommerce: "SHOP-9" });
    for (const id of ["C-AGE12", "C-LEAP", "C-9999"]) expect(await f.deps.store.read(id)).toBeUndefined();
  });
});
