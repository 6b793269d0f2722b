import fc from "fast-check";

import {
  CUSTOMER_REQUIRED,
  ERROR_CODES,
  EVENT_TYPES,
  type EventType,
  LATEST_VERSION,
  PAYLOAD_SCHEMAS,
  validateEvent,
  validatePayload,
} from "../../contracts";
import { type Example, exampleFor, examples } from "./examples";

type Mutation = (e: Example & Record<string, unknown>) => void;
const summary = (input: unknown) =>
  validateEvent(input).violations.map((v) => ({ pointer: v.pointer, code: v.code, severity: v.severity }));

/** Applies a mutation to a fresh valid example and returns its violations as {pointer, code, severity}. */
function violationsAfter(key: string, mutate: Mutation) {
  const event = examples()[key] as Example & Record<string, unknown>;
  mutate(event);
  return summary(event);
}
const error = (pointer: string, code: string) => ({ pointer, code, severity: "error" });
const warning = (pointer: string, code: string) => ({ pointer, code, severity: "warning" });

describe("valid examples from the seeds", () => {
  it.each(Object.keys(examples()))("%s passes with no violations", (key) => {
    expect(validateEvent(examples()[key])).toEqual({ valid: true, violations: [] });
  });

  it("covers every event type and every schema version", () => {
    for (const type of EVENT_TYPES) {
      for (const version of Object.keys(PAYLOAD_SCHEMAS[type])) {
        const example = exampleFor(type, version);
        expect(example).toBeDefined();
        expect(validatePayload(type, version, example.payload)).toEqual({ valid: true, violations: [] });
      }
    }
  });

  it("accepts phones written in national and international formats", () => {
    for (const phone of ["(212) 555-0142", "+44 20 7946 0958", "+49 30 12345678", "212.555.0142"]) {
      expect(violationsAfter("customer_profile@1.0", (e) => (e.payload.phone = phone))).toEqual([]);
    }
  });

  it("accepts emails in mixed case with surrounding blanks (normalized later)", () => {
    expect(
      violationsAfter("customer_profile@1.0", (e) => (e.payload.email = " John.Doe@Email.COM ")),
    ).toEqual([]);
  });
});

describe("each rule reports its code and pointer", () => {
  const cases: Array<[string, string, Mutation, ReturnType<typeof error>[]]> = [
    [
      "email without a domain",
      "customer_profile@1.1",
      (e) => (e.payload.email = "john.doe@email"),
      [error("/payload/email", "invalid_email")],
    ],
    [
      "email with two @",
      "customer_profile@1.0",
      (e) => (e.payload.email = "john@@email.com"),
      [error("/payload/email", "invalid_email")],
    ],
    [
      "the seed's 7-digit phone",
      "customer_profile@1.0",
      (e) => (e.payload.phone = "+1-555-0123"),
      [error("/payload/phone", "invalid_phone")],
    ],
    [
      "phone with letters",
      "customer_profile@1.1",
      (e) => (e.payload.phone = "call me maybe"),
      [error("/payload/phone", "invalid_phone")],
    ],
    [
      "timestamp without zone",
      "order@1.0",
      (e) => (e.occurredAt = "2024-01-15T09:15:00"),
      [error("/occurredAt", "invalid_timestamp")],
    ],
    [
      "payload timestamp as words",
      "order@1.1",
      (e) => (e.payload.orderedAt = "yesterday"),
      [error("/payload/orderedAt", "invalid_timestamp")],
    ],
    [
      "nested timestamp",
      "customer_profile@1.0",
      (e) => ((e.payload.consent as Record<string, unknown>).updatedAt = "2024-13-01T00:00:00Z"),
      [error("/payload/consent/updatedAt", "invalid_timestamp")],
    ],
    [
      "impossible date",
      "customer_profile@1.0",
      (e) => (e.payload.dateOfBirth = "1985-02-30"),
      [error("/payload/dateOfBirth", "invalid_date")],
    ],
    [
      "date in another format",
      "customer_profile@1.1",
      (e) => (e.payload.registrationDate = "15/01/2024"),
      [error("/payload/registrationDate", "invalid_date")],
    ],
    [
      "alpha-3 country (seed 000 writes USA)",
      "customer_profile@1.0",
      (e) => ((e.payload.address as Record<string, unknown>).countryCode = "USA"),
      [error("/payload/address/countryCode", "invalid_country_code")],
    ],
    [
      "behavioural country",
      "behavioral_event@1.0",
      (e) => (e.payload.country = "XX"),
      [error("/payload/country", "invalid_country_code")],
    ],
    [
      "lower-case currency",
      "order@1.0",
      (e) => (e.payload.currency = "usd"),
      [error("/payload/currency", "invalid_currency_code")],
    ],
    [
      "unknown currency",
      "product@1.0",
      (e) => (e.payload.currency = "XYZ"),
      [error("/payload/currency", "invalid_currency_code")],
    ],
    [
      "negative total",
      "order@1.1",
      (e) => (e.payload.totalAmount = -1),
      [error("/payload/totalAmount", "negative_amount")],
    ],
    [
      "negative unit price",
      "order@1.0",
      (e) => ((e.payload.items as Record<string, unknown>[])[0].unitPrice = -149.99),
      [error("/payload/items/0/unitPrice", "negative_amount")],
    ],
    [
      "negative product price",
      "product@1.0",
      (e) => (e.payload.price = -0.01),
      [error("/payload/price", "negative_amount")],
    ],
    [
      "absurd amount",
      "order@1.0",
      (e) => (e.payload.shippingAmount = 2e9),
      [error("/payload/shippingAmount", "out_of_range")],
    ],
    [
      "zero quantity",
      "order@1.0",
      (e) => ((e.payload.items as Record<string, unknown>[])[0].quantity = 0),
      [error("/payload/items/0/quantity", "out_of_range")],
    ],
    [
      "satisfaction above 5",
      "support_interaction@1.0",
      (e) => (e.payload.satisfactionScore = 6),
      [error("/payload/satisfactionScore", "out_of_range")],
    ],
    [
      "sentiment below -1",
      "support_interaction@1.0",
      (e) => (e.payload.sentimentScore = -1.5),
      [error("/payload/sentimentScore", "out_of_range")],
    ],
    [
      "negative loyalty points",
      "customer_profile@1.0",
      (e) => (e.payload.loyaltyPoints = -5),
      [error("/payload/loyaltyPoints", "out_of_range")],
    ],
    [
      "order without items",
      "order@1.1",
      (e) => (e.payload.items = []),
      [error("/payload/items", "too_few_items")],
    ],
    [
      "blank first name",
      "customer_profile@1.0",
      (e) => (e.payload.firstName = "   "),
      [error("/payload/firstName", "invalid_name")],
    ],
    [
      "overlong subject",
      "support_interaction@1.0",
      (e) => (e.payload.subject = "x".repeat(201)),
      [error("/payload/subject", "string_too_long")],
    ],
    [
      "page url without leading slash",
      "behavioral_event@1.0",
      (e) => (e.payload.pageUrl = "products/x"),
      [error("/payload/pageUrl", "invalid_format")],
    ],
    [
      "event id with spaces",
      "product@1.0",
      (e) => (e.eventId = "evt 1"),
      [error("/eventId", "invalid_format")],
    ],
    [
      "unknown event type",
      "order@1.0",
      (e) => (e.eventType = "invoice"),
      [error("/eventType", "unknown_event_type")],
    ],
    ["unknown source", "order@1.0", (e) => (e.source = "sap"), [error("/source", "unknown_source")]],
    [
      "malformed schema version",
      "order@1.0",
      (e) => (e.schemaVersion = "v1"),
      [error("/schemaVersion", "invalid_schema_version")],
    ],
    [
      "unknown schema version",
      "order@1.1",
      (e) => (e.schemaVersion = "2.0"),
      [error("/schemaVersion", "unknown_schema_version")],
    ],
    [
      "version of another type",
      "behavioral_event@1.0",
      (e) => (e.schemaVersion = "1.1"),
      [error("/schemaVersion", "unknown_schema_version")],
    ],
    [
      "profile payload id differs from envelope",
      "customer_profile@1.1",
      (e) => (e.payload.customerId = "CUST-999999"),
      [error("/payload/customerId", "customer_id_mismatch")],
    ],
    [
      "quantity as a string",
      "order@1.1",
      (e) => ((e.payload.items as Record<string, unknown>[])[0].quantity = "2"),
      [error("/payload/items/0/quantity", "wrong_type")],
    ],
    [
      "fractional quantity",
      "order@1.0",
      (e) => ((e.payload.items as Record<string, unknown>[])[0].quantity = 1.5),
      [error("/payload/items/0/quantity", "wrong_type")],
    ],
    [
      "amount as a string",
      "order@1.0",
      (e) => (e.payload.totalAmount = "149.99"),
      [error("/payload/totalAmount", "wrong_type")],
    ],
    [
      "consent flag as text",
      "customer_profile@1.0",
      (e) => ((e.payload.consent as Record<string, unknown>).email = "yes"),
      [error("/payload/consent/email", "wrong_type")],
    ],
    [
      "customer id as a number",
      "order@1.0",
      (e) => (e.customerId = 123456 as unknown as string),
      [error("/customerId", "wrong_type")],
    ],
    [
      "payload as an array",
      "product@1.0",
      (e) => (e.payload = [] as unknown as Record<string, unknown>),
      [error("/payload", "wrong_type")],
    ],
    [
      "items as an object",
      "order@1.0",
      (e) => (e.payload.items = {}),
      [error("/payload/items", "wrong_type")],
    ],
  ];
  it.each(cases)("%s (%s)", (_name, key, mutate, expected) => {
    expect(violationsAfter(key, mutate)).toEqual(expected);
  });

  it("rejects input that is not an object", () => {
    for (const input of [null, [], "event", 42]) {
      expect(validateEvent(input)).toEqual({
        valid: false,
        violations: [expect.objectContaining({ pointer: "", code: "not_an_object", severity: "error" })],
      });
    }
  });

  it("reports an unknown version of a payload validated alone", () => {
    expect(validatePayload("order", "3.0", exampleFor("order", "1.1").payload)).toMatchObject({
      valid: false,
      violations: [{ pointer: "/schemaVersion", code: "unknown_schema_version" }],
    });
  });

  it("reports every violation of one event, not only the first", () => {
    const found = violationsAfter("order@1.0", (e) => {
      e.occurredAt = "not a time";
      e.payload.currency = "EURO";
      e.payload.totalAmount = -3;
      delete e.customerId;
    });
    expect(found).toEqual(
      expect.arrayContaining([
        error("/occurredAt", "invalid_timestamp"),
        error("/payload/currency", "invalid_currency_code"),
        error("/payload/totalAmount", "negative_amount"),
        error("/customerId", "missing_required_field"),
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it("only ever reports documented codes", () => {
    const found = violationsAfter("order@1.1", (e) => {
      e.payload.items = [{ quantity: -1, unitPrice: "x", category: 3, extra: true }];
      e.payload.channel = null;
    });
    expect(found.length).toBeGreaterThan(3);
    for (const v of found) expect(ERROR_CODES).toContain(v.code);
  });
});

describe("customerId in the envelope", () => {
  it.each(CUSTOMER_REQUIRED.map((t) => [t]))("is required for %s", (type) => {
    const version = LATEST_VERSION[type];
    expect(violationsAfter(`${type}@${version}`, (e) => delete e.customerId)).toEqual([
      error("/customerId", "missing_required_field"),
    ]);
  });

  it("is optional for anonymous behaviour and for products", () => {
    expect(violationsAfter("behavioral_event@1.0", (e) => delete e.customerId)).toEqual([]);
    expect(violationsAfter("product@1.0", (e) => delete e.customerId)).toEqual([]);
    expect(CUSTOMER_REQUIRED).not.toContain("behavioral_event");
  });
});

/** Walks a schema together with a value, yielding every enum node and every required property present. */
function* nodes(
  schema: Record<string, unknown>,
  value: unknown,
  pointer: string,
): Generator<{ kind: "enum" | "required"; pointer: string; path: (string | number)[] }> {
  const path = pointer.split("/").slice(1);
  if (Array.isArray(schema.enum)) yield { kind: "enum", pointer, path };
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (props && value && typeof value === "object") {
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (key in value) yield { kind: "required", pointer: `${pointer}/${key}`, path: [...path, key] };
    }
    for (const [key, sub] of Object.entries(props)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) yield* nodes(sub, child, `${pointer}/${key}`);
    }
  }
  const items = schema.items as Record<string, unknown> | undefined;
  if (items && Array.isArray(value) && value.length > 0) yield* nodes(items, value[0], `${pointer}/0`);
}

function setAt(
  target: unknown,
  path: (string | number)[],
  replace: (parent: Record<string, unknown>, key: string) => void,
) {
  let node = target as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  replace(node, String(path[path.length - 1]));
}

const expectedEnumCode = (pointer: string) =>
  /\/(countryCode|country)$/.test(pointer)
    ? "invalid_country_code"
    : /\/currency$/.test(pointer)
      ? "invalid_currency_code"
      : "invalid_enum_value";

describe("every enumeration and every required field of every contract", () => {
  const keys = Object.keys(examples()).filter((k) => !k.includes("/"));
  const all: Array<[string, "enum" | "required", string, (string | number)[]]> = [];
  for (const key of keys) {
    const [type, version] = key.split("@") as [EventType, string];
    const payloadSchema = JSON.parse(JSON.stringify(PAYLOAD_SCHEMAS[type][version as never])) as Record<
      string,
      unknown
    >;
    for (const n of nodes(payloadSchema, examples()[key].payload, "/payload"))
      all.push([key, n.kind, n.pointer, n.path]);
  }

  it("finds the enumerations the contracts declare (segments, tiers, channels, statuses, ...)", () => {
    const enumPointers = all
      .filter(([, kind]) => kind === "enum")
      .map(([key, , pointer]) => `${key}${pointer}`);
    expect(enumPointers).toEqual(
      expect.arrayContaining([
        "customer_profile@1.0/payload/customerSegment",
        "customer_profile@1.0/payload/loyaltyTier",
        "customer_profile@1.0/payload/status",
        "customer_profile@1.1/payload/preferences/categories/0",
        "order@1.0/payload/channel",
        "order@1.0/payload/status",
        "order@1.0/payload/transactionType",
        "order@1.0/payload/paymentMethod",
        "order@1.0/payload/items/0/category",
        "behavioral_event@1.0/payload/action",
        "behavioral_event@1.0/payload/deviceType",
        "support_interaction@1.0/payload/priority",
        "support_interaction@1.0/payload/status",
        "product@1.0/payload/category",
      ]),
    );
    expect(all.filter(([, kind]) => kind === "required").length).toBeGreaterThan(60);
  });

  it.each(all.filter(([, kind]) => kind === "enum"))(
    "%s: %s %s rejects a value outside the list",
    (key, _k, pointer, path) => {
      const event = examples()[key];
      setAt(event, path, (parent, k) => (parent[k] = "NOT_A_CODE"));
      expect(summary(event)).toEqual([error(pointer, expectedEnumCode(pointer))]);
    },
  );

  it.each(all.filter(([, kind]) => kind === "required"))(
    "%s: %s %s is reported when missing",
    (key, _k, pointer, path) => {
      const event = examples()[key];
      setAt(event, path, (parent, k) => delete parent[k]);
      expect(summary(event)).toEqual([error(pointer, "missing_required_field")]);
    },
  );

  it.each(["eventId", "eventType", "schemaVersion", "source", "occurredAt", "payload"])(
    "envelope field %s is reported when missing",
    (field) => {
      const event = examples()["product@1.0"] as unknown as Record<string, unknown>;
      delete event[field];
      expect(summary(event)).toEqual([error(`/${field}`, "missing_required_field")]);
    },
  );
});

describe("unexpected fields", () => {
  it("are warnings at their pointer and keep the event valid", () => {
    const event = examples()["order@1.1"] as Example & Record<string, unknown>;
    event.payload.legacyChannel = "web";
    (event.payload.items as Record<string, unknown>[])[0].giftWrap = true;
    event.traceId = "abc";
    const result = validateEvent(event);
    expect(result.valid).toBe(true);
    expect(summary(event)).toEqual(
      expect.arrayContaining([
        warning("/traceId", "unexpected_field"),
        warning("/payload/legacyChannel", "unexpected_field"),
        warning("/payload/items/0/giftWrap", "unexpected_field"),
      ]),
    );
    expect(result.violations).toHaveLength(3);
  });

  it("escape / and ~ in the pointer (RFC 6901)", () => {
    expect(violationsAfter("product@1.0", (e) => (e.payload["a/b~c"] = 1))).toEqual([
      warning("/payload/a~1b~0c", "unexpected_field"),
    ]);
  });

  it("include external-id systems whose name breaks the key pattern", () => {
    expect(
      violationsAfter(
        "customer_profile@1.1",
        (e) => ((e.payload.externalIds as Record<string, string>)["Shop-ID"] = "X1"),
      ),
    ).toEqual([warning("/payload/externalIds/Shop-ID", "unexpected_field")]);
  });

  it("property: any unknown payload key is a warning, never an error", () => {
    const known = new Set(Object.keys(examples()["support_interaction@1.0"].payload));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !known.has(k) && k !== "__proto__"),
        fc.jsonValue(),
        (key, value) => {
          const event = examples()["support_interaction@1.0"];
          event.payload[key] = value;
          const result = validateEvent(event);
          return (
            result.valid && result.violations.length === 1 && result.violations[0].code === "unexpected_field"
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("property: enumerations", () => {
  it("any string outside SALES_CHANNELS is invalid_enum_value at /payload/channel", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !["POS", "ECOMMERCE", "MOBILE", "SOCIAL"].includes(s)),
        (channel) => {
          const found = violationsAfter("order@1.0", (e) => (e.payload.channel = channel));
          return (
            found.length === 1 &&
            found[0].code === "invalid_enum_value" &&
            found[0].pointer === "/payload/channel"
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
