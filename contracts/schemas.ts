/**
 * The data contracts: one JSON Schema (draft 2020-12) per event type and version, plus the envelope.
 * Written with TypeBox so that the JSON Schema and the TypeScript types come from one definition;
 * `npm run contracts:build` writes the same schemas as JSON under contracts/schemas/ for the notebooks.
 *
 * `errorCode` annotations give the stable code a violation of that node reports (see validator.ts).
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";

import * as V from "./vocabulary";

const enumOf = <T extends readonly string[]>(values: T, errorCode = "invalid_enum_value") =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], errorCode });

const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9][A-Za-z0-9_.:-]*$", description });
const Text = (maxLength: number) => Type.String({ maxLength });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: "\\S", errorCode: "invalid_name" });
const Email = Type.String({ format: "email", maxLength: 254, errorCode: "invalid_email" });
const Phone = Type.String({ format: "phone", maxLength: 40, errorCode: "invalid_phone" });
const Timestamp = Type.String({ format: "date-time", errorCode: "invalid_timestamp" });
const DateOnly = Type.String({ format: "date", errorCode: "invalid_date" });
const Country = enumOf(V.COUNTRY_CODES as readonly string[], "invalid_country_code");
const Currency = enumOf(V.CURRENCY_CODES as readonly string[], "invalid_currency_code");
const Amount = Type.Number({ minimum: 0, maximum: 1e9, errorCode: "negative_amount" });
const Count = Type.Integer({ minimum: 0, maximum: 1e9 });
const strict = { additionalProperties: false } as const;

export const Address = Type.Object(
  {
    line1: Text(100),
    line2: Type.Optional(Text(100)),
    city: Type.String({ minLength: 1, maxLength: 50 }),
    stateCode: Type.Optional(Type.String({ maxLength: 3 })),
    postalCode: Type.Optional(Type.String({ maxLength: 10 })),
    countryCode: Country,
  },
  strict,
);

export const Consent = Type.Object(
  {
    email: Type.Boolean(),
    sms: Type.Boolean(),
    push: Type.Optional(Type.Boolean()),
    updatedAt: Type.Optional(Timestamp),
  },
  strict,
);

const customerProfileV1Fields = {
  customerId: Id("CRM customer id (seed 001 CUSTOMERS.CUSTOMER_ID)"),
  firstName: Name,
  lastName: Name,
  email: Email,
  phone: Type.Optional(Phone),
  dateOfBirth: Type.Optional(DateOnly),
  gender: Type.Optional(enumOf(V.GENDERS)),
  address: Type.Optional(Address),
  customerSegment: enumOf(V.CUSTOMER_SEGMENTS),
  loyaltyTier: enumOf(V.LOYALTY_TIERS),
  loyaltyPoints: Count,
  registrationDate: DateOnly,
  status: enumOf(V.CUSTOMER_STATUSES),
  preferredChannel: Type.Optional(enumOf(V.SALES_CHANNELS)),
  consent: Consent,
};

export const CustomerProfileV1_0 = Type.Object(customerProfileV1Fields, strict);
/** 1.1 adds explicit preferences and ids of the same customer in other systems (for identity resolution). */
export const CustomerProfileV1_1 = Type.Object(
  {
    ...customerProfileV1Fields,
    preferences: Type.Optional(
      Type.Object(
        {
          categories: Type.Array(enumOf(V.PRODUCT_CATEGORIES), { maxItems: 10 }),
          communication: Type.Array(enumOf(V.COMMUNICATION_CHANNELS), { maxItems: 4 }),
        },
        strict,
      ),
    ),
    // additionalProperties: false makes the key pattern bite (patternProperties alone lets any key through):
    // a system name outside the pattern is reported as unexpected_field (a warning), like any other extra field.
    externalIds: Type.Optional(
      Type.Record(Type.String({ pattern: "^[a-z_]{1,30}$" }), Id("id in another system"), {
        additionalProperties: false,
      }),
    ),
  },
  strict,
);

export const OrderItem = Type.Object(
  {
    itemId: Id("line item id"),
    productId: Id("catalog product id"),
    productName: Type.Optional(Text(100)),
    category: enumOf(V.PRODUCT_CATEGORIES),
    quantity: Type.Integer({ minimum: 1, maximum: 10000 }),
    unitPrice: Amount,
    totalPrice: Amount,
    discountAmount: Type.Optional(Amount),
  },
  strict,
);

const orderV1Fields = {
  orderId: Id("transaction id (seed 001 CUSTOMER_TRANSACTIONS.TRANSACTION_ID)"),
  channel: enumOf(V.SALES_CHANNELS),
  orderedAt: Timestamp,
  transactionType: enumOf(V.TRANSACTION_TYPES),
  status: enumOf(V.ORDER_STATUSES),
  currency: Currency,
  totalAmount: Amount,
  taxAmount: Amount,
  shippingAmount: Amount,
  discountAmount: Amount,
  paymentMethod: enumOf(V.PAYMENT_METHODS),
  storeId: Type.Optional(Id("store id, POS only")),
  promotionCode: Type.Optional(Text(20)),
  items: Type.Array(OrderItem, { minItems: 1, maxItems: 200 }),
};
export const OrderV1_0 = Type.Object(orderV1Fields, strict);
/** 1.1 adds the loyalty points movement of the transaction. */
export const OrderV1_1 = Type.Object(
  {
    ...orderV1Fields,
    loyaltyPointsEarned: Type.Optional(Count),
    loyaltyPointsRedeemed: Type.Optional(Count),
  },
  strict,
);

export const BehavioralEventV1_0 = Type.Object(
  {
    sessionId: Id("web/app session id"),
    action: enumOf(V.BEHAVIOR_ACTIONS),
    channel: enumOf(V.DIGITAL_CHANNELS),
    deviceType: enumOf(V.DEVICE_TYPES),
    pageUrl: Type.String({ minLength: 1, maxLength: 200, pattern: "^/" }),
    productId: Type.Optional(Id("product viewed or added")),
    category: Type.Optional(enumOf(V.PRODUCT_CATEGORIES)),
    searchQuery: Type.Optional(Text(100)),
    timeOnPageSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    anonymousId: Type.Optional(Id("device/cookie id for anonymous visitors")),
    country: Type.Optional(Country),
  },
  strict,
);

export const SupportInteractionV1_0 = Type.Object(
  {
    interactionId: Id("interaction id"),
    ticketId: Id("ticket id"),
    interactionType: enumOf(V.INTERACTION_TYPES),
    priority: enumOf(V.TICKET_PRIORITIES),
    category: enumOf(V.TICKET_CATEGORIES),
    status: enumOf(V.TICKET_STATUSES),
    subject: Type.Optional(Text(200)),
    resolutionTimeMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 525600 })),
    satisfactionScore: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    sentimentScore: Type.Optional(Type.Number({ minimum: -1, maximum: 1 })),
    agentId: Type.Optional(Id("agent id")),
  },
  strict,
);

export const ProductV1_0 = Type.Object(
  {
    productId: Id("catalog product id"),
    sku: Id("stock keeping unit"),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    category: enumOf(V.PRODUCT_CATEGORIES),
    subcategory: Type.Optional(Text(50)),
    brand: Type.Optional(Text(50)),
    price: Amount,
    currency: Currency,
    stockQuantity: Count,
  },
  strict,
);

/** Every (event type, schema version) the platform accepts. Anything else is `unknown_schema_version`. */
export const PAYLOAD_SCHEMAS = {
  customer_profile: { "1.0": CustomerProfileV1_0, "1.1": CustomerProfileV1_1 },
  order: { "1.0": OrderV1_0, "1.1": OrderV1_1 },
  behavioral_event: { "1.0": BehavioralEventV1_0 },
  support_interaction: { "1.0": SupportInteractionV1_0 },
  product: { "1.0": ProductV1_0 },
} as const satisfies Record<V.EventType, Record<string, TSchema>>;

/** The newest version of each type: what producers (and the generator) emit by default. */
export const LATEST_VERSION: Record<V.EventType, string> = {
  customer_profile: "1.1",
  order: "1.1",
  behavioral_event: "1.0",
  support_interaction: "1.0",
  product: "1.0",
};

/** Event types whose envelope must name a customer (behaviour may be anonymous; products have none). */
export const CUSTOMER_REQUIRED: readonly V.EventType[] = ["customer_profile", "order", "support_interaction"];

export const Envelope = Type.Object(
  {
    eventId: Id("globally unique event id; redeliveries keep it"),
    eventType: enumOf(V.EVENT_TYPES, "unknown_event_type"),
    schemaVersion: Type.String({ pattern: "^[0-9]+\\.[0-9]+$", errorCode: "invalid_schema_version" }),
    source: enumOf(V.SOURCE_SYSTEMS, "unknown_source"),
    occurredAt: Timestamp,
    customerId: Type.Optional(Id("customer the event is about")),
    payload: Type.Object({}, { additionalProperties: true }),
  },
  strict,
);

export type Envelope<P = Record<string, unknown>> = Omit<Static<typeof Envelope>, "payload"> & { payload: P };
export type CustomerProfile = Static<typeof CustomerProfileV1_1>;
export type Order = Static<typeof OrderV1_1>;
export type OrderItem = Static<typeof OrderItem>;
export type BehavioralEvent = Static<typeof BehavioralEventV1_0>;
export type SupportInteraction = Static<typeof SupportInteractionV1_0>;
export type Product = Static<typeof ProductV1_0>;
export type Address = Static<typeof Address>;

export interface PayloadByType {
  customer_profile: CustomerProfile;
  order: Order;
  behavioral_event: BehavioralEvent;
  support_interaction: SupportInteraction;
  product: Product;
}

/** An envelope whose payload type follows its eventType (narrow on `eventType`). */
export type AnyEvent = { [K in V.EventType]: Envelope<PayloadByType[K]> & { eventType: K } }[V.EventType];

export const SCHEMA_BASE_URI = "https://c360.dev/contracts";
