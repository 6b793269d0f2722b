/**
 * A small, seeded generator of contract-valid events for the functions' tests and benchmark
 * (the project's full generator, with its defect mix, drives `npm start`). Same seed, same events.
 */
import type { AnyEvent, EventType } from "../../../contracts";

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  events: number;
  customers: number;
  seed?: number;
  /** Share of each type; the rest are behavioural events. */
  mix?: Partial<Record<Exclude<EventType, "product">, number>>;
  start?: Date;
  /** Schema version per type (default: 1.0 for profiles and orders, alternating with 1.1 when "mixed"). */
  versions?: "latest" | "oldest" | "mixed";
}

const FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Femi", "Gus", "Hana", "Ivo", "Jun"];
const LAST = ["Silva", "Okafor", "Müller", "Nguyen", "Rossi", "Kowalski", "Tanaka", "Haddad"];
const CATEGORIES = ["Apparel", "Footwear", "Electronics", "Home", "Beauty", "Sports", "Books"] as const;
const ACTIONS = ["PAGE_VIEW", "PRODUCT_VIEW", "CLICK", "SEARCH", "CART_ADD", "CHECKOUT"] as const;

export function customerIdOf(i: number): string {
  return `C${String(i).padStart(6, "0")}`;
}

export function syntheticEvents(options: SyntheticOptions): AnyEvent[] {
  const random = rng(options.seed ?? 42);
  const pickOf = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const mix = { customer_profile: 0.1, order: 0.3, support_interaction: 0.1, ...options.mix };
  const start = (options.start ?? new Date("2026-01-01T00:00:00Z")).getTime();
  const version = (latest: string, n: number) =>
    options.versions === "latest" ? latest : options.versions === "mixed" && n % 2 === 1 ? latest : "1.0";
  const events: AnyEvent[] = [];
  for (let n = 0; n < options.events; n++) {
    const c = Math.floor(random() * options.customers);
    const customerId = customerIdOf(c);
    const occurredAt = new Date(start + n * 60000 + Math.floor(random() * 30000)).toISOString();
    const eventId = `E${String(options.seed ?? 42)}-${String(n).padStart(7, "0")}`;
    const r = random();
    if (r < mix.customer_profile) {
      const v = version("1.1", n);
      const payload: Record<string, unknown> = {
        customerId,
        firstName: pickOf(FIRST),
        lastName: pickOf(LAST),
        email: `  ${customerId}.${n % 3}@Example.COM `.trim(),
        phone: `+1 415 555 ${String(1000 + (c % 9000)).slice(0, 4)}`,
        dateOfBirth: `19${50 + (c % 50)}-0${1 + (c % 9)}-1${c % 10}`,
        address: { line1: `${c} Main St`, city: "Springfield", countryCode: "US", postalCode: "12345" },
        customerSegment: pickOf(["PREMIUM", "STANDARD", "BASIC"]),
        loyaltyTier: pickOf(["BRONZE", "SILVER", "GOLD", "PLATINUM"]),
        loyaltyPoints: Math.floor(random() * 5000),
        registrationDate: "2024-03-0" + (1 + (c % 9)),
        status: "ACTIVE",
        consent: { email: random() < 0.5, sms: random() < 0.5, updatedAt: occurredAt },
      };
      if (v === "1.1") payload.preferences = { categories: [pickOf(CATEGORIES)], communication: ["EMAIL"] };
      events.push({
        eventId,
        eventType: "customer_profile",
        schemaVersion: v,
        source: "crm",
        occurredAt,
        customerId,
        payload,
      } as AnyEvent);
    } else if (r < mix.customer_profile + mix.order) {
      const v = version("1.1", n);
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => {
        const quantity = 1 + Math.floor(random() * 3);
        const unitPrice = Math.round(random() * 20000) / 100;
        return {
          itemId: `${eventId}-L${k}`,
          productId: `P${Math.floor(random() * 500)}`,
          category: pickOf(CATEGORIES),
          quantity,
          unitPrice,
          totalPrice: Math.round(quantity * unitPrice * 100) / 100,
        };
      });
      const total = Math.round(items.reduce((s, i) => s + i.totalPrice, 0) * 100) / 100;
      const payload: Record<string, unknown> = {
        orderId: `O${n}`,
        channel: pickOf(["ECOMMERCE", "POS", "MOBILE"]),
        orderedAt: occurredAt,
        transactionType: random() < 0.92 ? "PURCHASE" : "RETURN",
        status: random() < 0.95 ? "COMPLETED" : "PENDING",
        currency: "USD",
        totalAmount: total,
        taxAmount: Math.round(total * 8) / 100,
        shippingAmount: 0,
        discountAmount: 0,
        paymentMethod: "CARD",
        items,
      };
      if (v === "1.1") payload.loyaltyPointsEarned = Math.floor(total);
      const source = pickOf(["ecommerce", "pos", "mobile_app"] as const);
      events.push({
        eventId,
        eventType: "order",
        schemaVersion: v,
        source,
        occurredAt,
        customerId,
        payload,
      } as AnyEvent);
    } else if (r < mix.customer_profile + mix.order + mix.support_interaction) {
      events.push({
        eventId,
        eventType: "support_interaction",
        schemaVersion: "1.0",
        source: "support",
        occurredAt,
        customerId,
        payload: {
          interactionId: `I${n}`,
          ticketId: `T${c}-${Math.floor(random() * 3)}`,
          interactionType: pickOf(["EMAIL", "PHONE", "CHAT"]),
          priority: pickOf(["LOW", "MEDIUM", "HIGH"]),
          category: pickOf(["BILLING", "TECHNICAL", "PRODUCT", "GENERAL"]),
          status: pickOf(["OPEN", "IN_PROGRESS", "RESOLVED", "CLOSED"]),
          ...(random() < 0.6 ? { satisfactionScore: 1 + Math.floor(random() * 5) } : {}),
        },
      } as AnyEvent);
    } else {
      const anonymous = random() < 0.1;
      const action = pickOf(ACTIONS);
      events.push({
        eventId,
        eventType: "behavioral_event",
        schemaVersion: "1.0",
        source: random() < 0.5 ? "web" : "mobile_app",
        occurredAt,
        ...(anonymous ? {} : { customerId }),
        payload: {
          sessionId: `S${c}-${Math.floor(random() * 4)}`,
          action,
          channel: random() < 0.5 ? "WEB" : "APP",
          deviceType: pickOf(["DESKTOP", "MOBILE", "TABLET"]),
          pageUrl: "/p/" + n,
          ...(action === "PRODUCT_VIEW" || action === "CART_ADD"
            ? { category: pickOf(CATEGORIES), productId: "P1" }
            : {}),
          ...(anonymous ? { anonymousId: `A${c}` } : {}),
        },
      } as AnyEvent);
    }
  }
  return events;
}
