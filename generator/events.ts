/**
 * Builders for each event type: customer profiles (initial and updates), orders with line items,
 * behavioural sessions (PAGE_VIEW → PRODUCT_VIEW → CART_ADD → CHECKOUT, some ending in an order)
 * and support interactions. Each builder returns envelopes; the generator decides delivery and defects.
 */
import {
  type BehavioralEvent,
  DEVICE_TYPES,
  type EventType,
  INTERACTION_TYPES,
  type Order,
  type OrderItem,
  PRODUCT_CATEGORIES,
  SALES_CHANNELS,
  type SourceSystem,
  type SupportInteraction,
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
} from "../contracts";
import { type Catalog, CATEGORY_PROFILES, pickProduct } from "./catalog";
import { type CustomerBook, customerId } from "./customers";
import { COUNTRIES } from "./geography";
import { isoTime } from "./isotime";
import { AliasTable, type Rng } from "./prng";

export interface Envelope {
  eventId: string;
  eventType: EventType;
  schemaVersion: string;
  source: SourceSystem;
  occurredAt: string;
  customerId?: string;
  payload: Record<string, unknown>;
}

export interface Emitted {
  envelope: Envelope;
  occurredMs: number;
}

const CHANNEL_SOURCE: Record<string, SourceSystem> = {
  POS: "pos",
  ECOMMERCE: "ecommerce",
  MOBILE: "mobile_app",
  SOCIAL: "ecommerce",
};
const countryPicker = new AliasTable(COUNTRIES.map((c) => c.weight));

export class EventFactory {
  private orderSeq = 0;
  private sessionSeq = 0;
  private supportSeq = 0;

  constructor(
    private readonly rng: Rng,
    private readonly customers: CustomerBook,
    private readonly catalog: Catalog,
  ) {}

  private envelope(
    eventType: EventType,
    schemaVersion: string,
    source: SourceSystem,
    occurredMs: number,
    customer: string | undefined,
    payload: object,
  ): Emitted {
    // One object shape for every event; JSON.stringify leaves out a customerId that is undefined.
    const envelope: Envelope = {
      eventId: this.rng.uuid(),
      eventType,
      schemaVersion,
      source,
      occurredAt: isoTime(occurredMs),
      customerId: customer,
      payload: payload as Record<string, unknown>,
    };
    return { envelope, occurredMs };
  }

  /** A full CRM snapshot of customer `i` after `update` updates; 1 in 4 sources still send schema 1.0. */
  profile(i: number, update: number, at: number): Emitted {
    const payload = this.customers.profile(i, update) as Record<string, unknown>;
    const version = this.rng.bool(0.25) ? "1.0" : "1.1";
    if (version === "1.0") {
      delete payload.preferences;
      delete payload.externalIds;
    }
    return this.envelope("customer_profile", version, "crm", at, customerId(i), payload);
  }

  private item(
    orderId: string,
    n: number,
    product: number,
    currencyFx: number,
  ): OrderItem & { cents: number } {
    const rng = this.rng;
    const p = this.catalog.products[product];
    const quantity = rng.bool(0.75) ? 1 : rng.bool(0.7) ? 2 : rng.range(3, 6);
    const unit = Math.round(this.catalog.priceCents[product] * currencyFx);
    const gross = unit * quantity;
    const discount = rng.bool(0.15) ? Math.round(gross * rng.pick([0.05, 0.1, 0.2, 0.3])) : 0;
    return {
      itemId: `${orderId}-${n}`,
      productId: p.productId,
      productName: p.name,
      category: p.category,
      quantity,
      unitPrice: unit / 100,
      totalPrice: (gross - discount) / 100,
      discountAmount: discount ? discount / 100 : undefined,
      cents: gross - discount,
    };
  }

  /** An order by customer `i`; `products` are the cart of a web/app session, otherwise drawn from preferences. */
  order(i: number, at: number, channel?: (typeof SALES_CHANNELS)[number], products?: number[]): Emitted {
    const rng = this.rng;
    const country = COUNTRIES[this.customers.country[i]];
    const ch =
      channel ??
      (rng.bool(0.5)
        ? SALES_CHANNELS[this.customers.preferredChannel[i]]
        : rng.weighted(SALES_CHANNELS, [45, 30, 20, 5]));
    const orderId = `ORD-${String(++this.orderSeq).padStart(9, "0")}`;
    let chosen = products;
    if (!chosen || chosen.length === 0) {
      const n = Math.min(1 + rng.geometric(0.45), 8);
      chosen = [];
      for (let k = 0; k < n; k++) {
        const category = rng.bool(0.45)
          ? this.customers.favoriteCategory[i]
          : this.catalog.categoryDemand.sample(rng);
        chosen.push(pickProduct(this.catalog, rng, category));
      }
    }
    const items = chosen.map((product, k) => this.item(orderId, k + 1, product, country.fxPerUsd));
    const subtotal = items.reduce((sum, it) => sum + it.cents, 0);
    const tax = Math.round(subtotal * country.taxRate);
    const shipping = ch === "POS" || subtotal >= 5000 ? 0 : Math.round(499 * country.fxPerUsd);
    const promo = rng.bool(0.08);
    const orderDiscount = promo ? Math.round(subtotal * 0.1) : 0;
    const total = subtotal + tax + shipping - orderDiscount;
    const transactionType = rng.weighted(
      ["PURCHASE", "RETURN", "REFUND", "EXCHANGE"] as const,
      [93, 3, 2, 2],
    );
    const status = rng.weighted(["COMPLETED", "PENDING", "CANCELLED", "FAILED"] as const, [94, 2, 2, 2]);
    const paymentMethod =
      ch === "POS"
        ? rng.weighted(["CASH", "CARD", "MOBILE", "WALLET"] as const, [30, 55, 10, 5])
        : rng.weighted(["CARD", "WALLET", "MOBILE", "CRYPTO"] as const, [70, 20, 9, 1]);
    const version = ch === "POS" && rng.bool(0.6) ? "1.0" : rng.bool(0.1) ? "1.0" : "1.1";
    const order: Order = {
      orderId,
      channel: ch,
      orderedAt: isoTime(at),
      transactionType,
      status,
      currency: country.currency,
      totalAmount: total / 100,
      taxAmount: tax / 100,
      shippingAmount: shipping / 100,
      discountAmount: orderDiscount / 100,
      paymentMethod,
      storeId: ch === "POS" ? `STORE-${country.code}-${String(1 + (i % 7)).padStart(2, "0")}` : undefined,
      promotionCode: promo ? rng.pick(["WELCOME10", "SPRING10", "VIP10", "BF2025"]) : undefined,
      items: items.map((it): OrderItem => ({
        itemId: it.itemId,
        productId: it.productId,
        productName: it.productName,
        category: it.category,
        quantity: it.quantity,
        unitPrice: it.unitPrice,
        totalPrice: it.totalPrice,
        discountAmount: it.discountAmount,
      })),
    };
    if (version === "1.1") {
      order.loyaltyPointsEarned = transactionType === "PURCHASE" ? Math.floor(total / 100) : 0;
      if (rng.bool(0.1)) order.loyaltyPointsRedeemed = rng.range(50, 500);
    }
    return this.envelope("order", version, CHANNEL_SOURCE[ch], at, customerId(i), order);
  }

  /**
   * A browsing session starting at `start`, at most `budget` events. Identified sessions belong to a
   * customer; anonymous ones carry an anonymousId and sometimes log in at checkout (identity stitching).
   * Returns its events and, when it checked out and `orderAllowed`, the order it led to.
   */
  session(start: number, budget: number, orderAllowed: boolean): { events: Emitted[]; order?: Emitted } {
    const rng = this.rng;
    const customers = this.customers;
    const anonymous = rng.bool(0.4);
    let customer = anonymous
      ? -1
      : rng.bool(0.6)
        ? customers.pickBuyer(rng, start)
        : customers.pickAny(rng, start);
    const channel = rng.bool(0.6) ? "WEB" : "APP";
    const source: SourceSystem = channel === "WEB" ? "web" : "mobile_app";
    const deviceType =
      channel === "WEB"
        ? rng.weighted(DEVICE_TYPES, [55, 35, 10])
        : rng.weighted(["MOBILE", "TABLET"] as const, [85, 15]);
    const sessionId = `SESS-${(++this.sessionSeq).toString(36).toUpperCase().padStart(7, "0")}`;
    const anonymousId = anonymous ? `anon-${rng.nextU32().toString(16).padStart(8, "0")}` : undefined;
    const country =
      customer >= 0 ? COUNTRIES[customers.country[customer]].code : COUNTRIES[countryPicker.sample(rng)].code;
    const favorite =
      customer >= 0 ? customers.favoriteCategory[customer] : this.catalog.categoryDemand.sample(rng);

    type Step = Omit<BehavioralEvent, "sessionId" | "channel" | "deviceType" | "timeOnPageSec">;
    const steps: Step[] = [{ action: "PAGE_VIEW", pageUrl: "/" }];
    const viewed: number[] = [];
    const browse = Math.min(1 + rng.geometric(0.35), 12);
    for (let k = 0; k < browse; k++) {
      const u = rng.float();
      const category = rng.bool(0.6) ? favorite : this.catalog.categoryDemand.sample(rng);
      const catName = PRODUCT_CATEGORIES[category];
      if (u < 0.5) {
        const product = pickProduct(this.catalog, rng, category);
        viewed.push(product);
        const id = this.catalog.products[product].productId;
        steps.push({
          action: "PRODUCT_VIEW",
          pageUrl: `/products/${id.toLowerCase()}`,
          productId: id,
          category: catName,
        });
      } else if (u < 0.65) {
        const query = rng.pick(CATEGORY_PROFILES[catName].nouns).toLowerCase();
        steps.push({
          action: "SEARCH",
          pageUrl: `/search?q=${encodeURIComponent(query)}`,
          searchQuery: query,
        });
      } else if (u < 0.8) {
        steps.push({ action: "CLICK", pageUrl: `/c/${catName.toLowerCase()}`, category: catName });
      } else if (u < 0.9) {
        steps.push({ action: "SCROLL", pageUrl: `/c/${catName.toLowerCase()}`, category: catName });
      } else {
        steps.push({ action: "PAGE_VIEW", pageUrl: `/c/${catName.toLowerCase()}`, category: catName });
      }
    }
    const cart: number[] = [];
    if (viewed.length > 0 && rng.bool(0.35)) {
      const adds = Math.min(viewed.length, rng.bool(0.7) ? 1 : 2);
      for (let k = 0; k < adds; k++) {
        const product = viewed[viewed.length - 1 - k];
        cart.push(product);
        const p = this.catalog.products[product];
        steps.push({ action: "CART_ADD", pageUrl: "/cart", productId: p.productId, category: p.category });
      }
      if (cart.length > 1 && rng.bool(0.15)) {
        const removed = cart.pop()!;
        const p = this.catalog.products[removed];
        steps.push({ action: "CART_REMOVE", pageUrl: "/cart", productId: p.productId, category: p.category });
      }
    }
    let checkout = false;
    if (cart.length > 0 && rng.bool(0.5)) {
      if (customer < 0 && rng.bool(0.35)) customer = customers.pickBuyer(rng, start); // logs in to pay
      if (customer >= 0) {
        checkout = true;
        steps.push({ action: "CHECKOUT", pageUrl: "/checkout" });
      }
    }

    const events: Emitted[] = [];
    let t = start;
    let lastAt = start;
    const n = Math.min(steps.length, budget);
    for (let k = 0; k < n; k++) {
      const step = steps[k];
      const timeOnPageSec = rng.range(5, 180);
      const last = k === steps.length - 1;
      // Before login an anonymous visitor is known only by the anonymousId.
      const identified = customer >= 0 && (!anonymous || (last && checkout));
      const payload: BehavioralEvent = {
        sessionId,
        action: step.action,
        channel,
        deviceType,
        pageUrl: step.pageUrl,
        productId: step.productId,
        category: step.category,
        searchQuery: step.searchQuery,
        timeOnPageSec,
        anonymousId,
        country,
      };
      events.push(
        this.envelope(
          "behavioral_event",
          "1.0",
          source,
          t,
          identified ? customerId(customer) : undefined,
          payload,
        ),
      );
      lastAt = t;
      t += timeOnPageSec * 1000;
    }
    const completed = n === steps.length;
    if (checkout && completed && orderAllowed) {
      const order = this.order(
        customer,
        lastAt + rng.range(5, 90) * 1000,
        channel === "WEB" ? "ECOMMERCE" : "MOBILE",
        cart,
      );
      return { events, order };
    }
    return { events };
  }

  support(i: number, at: number): Emitted {
    const rng = this.rng;
    const category = rng.weighted(TICKET_CATEGORIES, [30, 25, 30, 15]);
    const status = rng.weighted(["RESOLVED", "CLOSED", "IN_PROGRESS", "OPEN"] as const, [55, 20, 15, 10]);
    const done = status === "RESOLVED" || status === "CLOSED";
    const satisfaction =
      done && rng.bool(0.75) ? rng.weighted([5, 4, 3, 2, 1], [35, 30, 15, 10, 10]) : undefined;
    const sentiment =
      satisfaction !== undefined
        ? Math.max(-1, Math.min(1, (satisfaction - 3) * 0.4 + rng.normal() * 0.15))
        : Math.max(-1, Math.min(1, rng.normal() * 0.4));
    const seq = ++this.supportSeq;
    const payload: SupportInteraction = {
      interactionId: `INT-${String(seq).padStart(8, "0")}`,
      ticketId: `TCK-${String(Math.ceil(seq / 1.3)).padStart(8, "0")}`,
      interactionType: rng.weighted(INTERACTION_TYPES, [30, 25, 30, 10, 5]),
      priority: rng.weighted(TICKET_PRIORITIES, [35, 40, 20, 5]),
      category,
      status,
      subject: rng.pick(SUBJECTS[category]),
      resolutionTimeMin: done ? Math.min(525600, Math.round(rng.lognormal(90, 1.1))) : undefined,
      satisfactionScore: satisfaction,
      sentimentScore: Math.round(sentiment * 100) / 100,
      agentId: `AGT-${String(rng.range(1, 40)).padStart(3, "0")}`,
    };
    return this.envelope("support_interaction", "1.0", "support", at, customerId(i), payload);
  }
}

const SUBJECTS: Record<(typeof TICKET_CATEGORIES)[number], readonly string[]> = {
  BILLING: ["Charged twice", "Refund not received", "Invoice request", "Promo code not applied"],
  TECHNICAL: ["Cannot log in", "App crashes at checkout", "Password reset email missing"],
  PRODUCT: ["Item arrived damaged", "Wrong size delivered", "Product question", "Missing part"],
  GENERAL: ["Store opening hours", "Loyalty points balance", "Change of address"],
};
