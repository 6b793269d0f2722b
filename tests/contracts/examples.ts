/**
 * Valid example events built from the seeds: seed 000 §1.1 (CRM customer CUST-123456 "John Doe",
 * e-commerce order ORD-789012 with "Wireless Headphones" PROD-ABC123, mobile session SESS-456789),
 * seed 001's source tables (CUSTOMERS, CUSTOMER_TRANSACTIONS, CUSTOMER_BEHAVIORAL_EVENTS,
 * CUSTOMER_SERVICE_INTERACTIONS codes) and seed 003's entity model (Customer, Transaction,
 * Interaction, Product). The seed's own phone "+1-555-0123" has only 7 digits and is not
 * E.164-normalizable, so the examples use a full New York number.
 */
import type { EventType } from "../../contracts";

export type Example = {
  eventId: string;
  eventType: string;
  schemaVersion: string;
  source: string;
  occurredAt: string;
  customerId?: string;
  payload: Record<string, unknown>;
};

const profileV1_0 = {
  customerId: "CUST-123456",
  firstName: "John",
  lastName: "Doe",
  email: "john.doe@email.com",
  phone: "+1-212-555-0123",
  dateOfBirth: "1985-03-15",
  gender: "MALE",
  address: {
    line1: "123 Main St",
    city: "New York",
    stateCode: "NY",
    postalCode: "10001",
    countryCode: "US",
  },
  customerSegment: "PREMIUM",
  loyaltyTier: "GOLD",
  loyaltyPoints: 2500,
  registrationDate: "2019-06-01",
  status: "ACTIVE",
  preferredChannel: "ECOMMERCE",
  consent: { email: true, sms: false, push: true, updatedAt: "2024-01-15T10:30:00Z" },
};

const orderV1_0 = {
  orderId: "ORD-789012",
  channel: "ECOMMERCE",
  orderedAt: "2024-01-15T09:15:00Z",
  transactionType: "PURCHASE",
  status: "COMPLETED",
  currency: "USD",
  totalAmount: 149.99,
  taxAmount: 0,
  shippingAmount: 0,
  discountAmount: 0,
  paymentMethod: "CARD",
  promotionCode: "WINTER24",
  items: [
    {
      itemId: "ORD-789012-1",
      productId: "PROD-ABC123",
      productName: "Wireless Headphones",
      category: "Electronics",
      quantity: 1,
      unitPrice: 149.99,
      totalPrice: 149.99,
      discountAmount: 0,
    },
  ],
};

/** Builds a fresh copy each call so tests can mutate freely. */
export function examples(): Record<string, Example> {
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    "customer_profile@1.0": {
      eventId: "evt-crm-0001",
      eventType: "customer_profile",
      schemaVersion: "1.0",
      source: "crm",
      occurredAt: "2024-01-15T10:30:00Z",
      customerId: "CUST-123456",
      payload: copy(profileV1_0),
    },
    "customer_profile@1.1": {
      eventId: "evt-crm-0002",
      eventType: "customer_profile",
      schemaVersion: "1.1",
      source: "crm",
      occurredAt: "2024-01-15T10:30:00+01:00",
      customerId: "CUST-123456",
      payload: {
        ...copy(profileV1_0),
        preferences: { categories: ["Electronics", "Sports"], communication: ["EMAIL", "PUSH"] },
        externalIds: { shopify: "SHOP-991", loyalty_app: "LOY.7781" },
      },
    },
    "order@1.0": {
      eventId: "evt-ecom-0001",
      eventType: "order",
      schemaVersion: "1.0",
      source: "ecommerce",
      occurredAt: "2024-01-15T09:15:00Z",
      customerId: "CUST-123456",
      payload: copy(orderV1_0),
    },
    "order@1.1": {
      eventId: "evt-pos-0001",
      eventType: "order",
      schemaVersion: "1.1",
      source: "pos",
      occurredAt: "2024-01-16T17:42:10.250Z",
      customerId: "CUST-123456",
      payload: {
        ...copy(orderV1_0),
        orderId: "TXN-2024-000042",
        channel: "POS",
        orderedAt: "2024-01-16T17:42:10.250Z",
        paymentMethod: "CASH",
        storeId: "STORE-NYC-01",
        taxAmount: 13.31,
        totalAmount: 163.3,
        loyaltyPointsEarned: 150,
        loyaltyPointsRedeemed: 0,
      },
    },
    "behavioral_event@1.0": {
      eventId: "evt-app-0001",
      eventType: "behavioral_event",
      schemaVersion: "1.0",
      source: "mobile_app",
      occurredAt: "2024-01-15T08:46:00Z",
      customerId: "CUST-123456",
      payload: {
        sessionId: "SESS-456789",
        action: "PRODUCT_VIEW",
        channel: "APP",
        deviceType: "MOBILE",
        pageUrl: "/products/headphones",
        productId: "PROD-ABC123",
        category: "Electronics",
        timeOnPageSec: 120,
        country: "US",
      },
    },
    "behavioral_event@1.0/anonymous": {
      eventId: "evt-web-0001",
      eventType: "behavioral_event",
      schemaVersion: "1.0",
      source: "web",
      occurredAt: "2024-01-15T08:45:15Z",
      payload: {
        sessionId: "SESS-456790",
        action: "SEARCH",
        channel: "WEB",
        deviceType: "DESKTOP",
        pageUrl: "/search",
        searchQuery: "wireless headphones",
        anonymousId: "anon-7f3a9c",
      },
    },
    "support_interaction@1.0": {
      eventId: "evt-sup-0001",
      eventType: "support_interaction",
      schemaVersion: "1.0",
      source: "support",
      occurredAt: "2024-01-17T14:05:00Z",
      customerId: "CUST-123456",
      payload: {
        interactionId: "INT-1001",
        ticketId: "TCK-5001",
        interactionType: "PHONE",
        priority: "HIGH",
        category: "BILLING",
        status: "RESOLVED",
        subject: "Charged twice for ORD-789012",
        resolutionTimeMin: 42,
        satisfactionScore: 4,
        sentimentScore: 0.35,
        agentId: "AGT-07",
      },
    },
    "product@1.0": {
      eventId: "evt-cat-0001",
      eventType: "product",
      schemaVersion: "1.0",
      source: "catalog",
      occurredAt: "2024-01-01T00:00:00Z",
      payload: {
        productId: "PROD-ABC123",
        sku: "SKU-ABC123",
        name: "Wireless Headphones",
        category: "Electronics",
        subcategory: "Audio",
        brand: "Sonic",
        price: 149.99,
        currency: "USD",
        stockQuantity: 120,
      },
    },
  };
}

/** One example per (event type, version). */
export function exampleFor(eventType: EventType, version: string): Example {
  return examples()[`${eventType}@${version}`];
}
