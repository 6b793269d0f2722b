import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "csv-parse/sync";

import { type AnyEvent, validateEvent } from "../../contracts";
import { generate, type Manifest } from "../../generator";
import { tempDir } from "./helpers";
import { knownCustomerIds, readLines, streamLines } from "./rescan";

type Ev = AnyEvent & { customerId?: string };

describe("a clean year of data", () => {
  const tmp = tempDir("integrity");
  let manifest: Manifest;
  let events: Ev[];
  let products: Map<string, { category: string; price: number }>;
  const out = join(tmp.dir, "out");
  const lakeDir = join(tmp.dir, "lake");

  beforeAll(async () => {
    manifest = await generate({
      out,
      lakeDir,
      seed: 2024,
      customers: 600,
      products: 120,
      counts: { order: 9000, behavioral_event: 24_000, support_interaction: 600, customer_profile: 900 },
      days: 365,
      startDate: "2025-01-01",
      defects: "off",
    });
    events = streamLines(out).map((l) => JSON.parse(l) as Ev);
    const csvRel = manifest.files.catalog.find((f) => f.endsWith(".csv"))!;
    const rows = parse(readFileSync(join(lakeDir, csvRel), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    products = new Map(rows.map((r) => [r.productId, { category: r.category, price: Number(r.price) }]));
  });
  afterAll(() => tmp.cleanup());

  const ofType = <T extends Ev["eventType"]>(t: T) =>
    events.filter((e): e is Extract<Ev, { eventType: T }> => e.eventType === t);

  it("has exactly the requested counts per type", () => {
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.eventType] = (counts[e.eventType] ?? 0) + 1;
    expect(counts).toEqual({
      customer_profile: 900,
      order: 9000,
      behavioral_event: 24_000,
      support_interaction: 600,
    });
    expect(products.size).toBe(120);
  });

  it("catalog extracts: the CSV and the JSONL agree and every product event is valid", () => {
    const jsonlRel = manifest.files.catalog.find((f) => f.endsWith(".jsonl"))!;
    expect(jsonlRel).toBe("landing/catalog/product/ingest_date=2025-01-01/gen-s2024-catalog.jsonl");
    const lines = readLines(join(lakeDir, jsonlRel)).map((l) => JSON.parse(l) as Ev);
    expect(lines).toHaveLength(120);
    const problems = lines.filter((e) => {
      const p = e.payload as { productId: string; price: number; category: string };
      const csv = products.get(p.productId);
      return (
        !validateEvent(e).valid ||
        validateEvent(e).violations.length > 0 ||
        csv?.category !== p.category ||
        csv?.price !== p.price
      );
    });
    expect(problems).toEqual([]);
  });

  it("orders and support refer to known customers whose first profile came earlier", () => {
    const known = knownCustomerIds(out);
    expect(known.size).toBe(600);
    const firstProfile = new Map<string, number>();
    // The POS profiles planted for identity resolution (manifest.identity) are the only profiles of other ids.
    const planted = new Set([
      ...manifest.identity.duplicates.map((d) => d.posId),
      ...manifest.identity.traps.flatMap((t) => t.ids),
    ]);
    expect(planted.size).toBe(12 + 17);
    for (const e of ofType("customer_profile")) {
      if (planted.has(e.customerId!)) {
        expect(e.source).toBe("pos");
        continue;
      }
      const t = Date.parse(e.occurredAt);
      if (!firstProfile.has(e.customerId!) || t < firstProfile.get(e.customerId!)!)
        firstProfile.set(e.customerId!, t);
    }
    expect(firstProfile.size).toBe(600);
    const problems: string[] = [];
    for (const e of [...ofType("order"), ...ofType("support_interaction")]) {
      if (!known.has(e.customerId!)) problems.push(`${e.eventId}: unknown customer ${e.customerId}`);
      else if (firstProfile.get(e.customerId!)! > Date.parse(e.occurredAt))
        problems.push(`${e.eventId}: before profile`);
    }
    expect(problems).toEqual([]);
  });

  it("order items refer to catalog products, with consistent amounts", () => {
    const problems: string[] = [];
    const near = (a: number, b: number) => Math.abs(a - b) < 0.005;
    for (const o of ofType("order")) {
      let subtotal = 0;
      for (const item of o.payload.items) {
        if (products.get(item.productId)?.category !== item.category)
          problems.push(`${item.itemId}: product`);
        if (!near(item.totalPrice, item.quantity * item.unitPrice - (item.discountAmount ?? 0)))
          problems.push(`${item.itemId}: total`);
        subtotal += item.totalPrice;
      }
      const p = o.payload;
      if (!near(p.totalAmount, subtotal + p.taxAmount + p.shippingAmount - p.discountAmount))
        problems.push(`${p.orderId}: amount`);
    }
    expect(problems).toEqual([]);
    expect(ofType("order").reduce((n, o) => n + o.payload.items.length, 0)).toBeGreaterThan(9000 * 1.5);
  });

  it("purchase frequency is skewed: the top 20% of customers hold more than half the revenue", () => {
    const revenue = new Map<string, number>();
    for (const o of ofType("order"))
      revenue.set(o.customerId!, (revenue.get(o.customerId!) ?? 0) + o.payload.totalAmount);
    const sorted = [...revenue.values()].sort((a, b) => b - a);
    const all = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.ceil(600 * 0.2)).reduce((a, b) => a + b, 0);
    expect(top / all).toBeGreaterThan(0.5);
    // ... and a long tail: most customers bought something, many only a little.
    expect(revenue.size).toBeGreaterThan(600 * 0.6);
  });

  it("has seasonality: a November/December peak and busier weekends", () => {
    const perDay = new Map<string, number>();
    for (const o of ofType("order"))
      perDay.set(o.occurredAt.slice(0, 10), (perDay.get(o.occurredAt.slice(0, 10)) ?? 0) + 1);
    const avg = (pred: (d: Date) => boolean) => {
      const days = [...Array(365).keys()].map((i) => new Date(Date.UTC(2025, 0, 1 + i))).filter(pred);
      return days.reduce((s, d) => s + (perDay.get(d.toISOString().slice(0, 10)) ?? 0), 0) / days.length;
    };
    const year = avg(() => true);
    expect(avg((d) => d.getUTCMonth() >= 10) / year).toBeGreaterThan(1.25);
    expect(avg((d) => d.getUTCMonth() === 1) / year).toBeLessThan(0.95);
    expect(avg((d) => d.getUTCDay() === 6) / avg((d) => d.getUTCDay() === 2)).toBeGreaterThan(1.2);
    // Black Friday 2025 is November 28.
    expect(perDay.get("2025-11-28")! / year).toBeGreaterThan(2);
  });

  it("uses every sales channel and prices categories differently", () => {
    const channels = new Set(ofType("order").map((o) => o.payload.channel));
    expect([...channels].sort()).toEqual(["ECOMMERCE", "MOBILE", "POS", "SOCIAL"]);
    const median = (cat: string) => {
      const prices = [...products.values()]
        .filter((p) => p.category === cat)
        .map((p) => p.price)
        .sort((a, b) => a - b);
      return prices[Math.floor(prices.length / 2)];
    };
    expect(median("Electronics")).toBeGreaterThan(3 * median("Grocery"));
  });

  it("behaviour comes in sessions; some lead to orders, some are anonymous and log in at checkout", () => {
    const behaviour = ofType("behavioral_event");
    const sessions = new Map<string, typeof behaviour>();
    for (const e of behaviour) {
      const list = sessions.get(e.payload.sessionId);
      if (list) list.push(e);
      else sessions.set(e.payload.sessionId, [e]);
    }
    expect(sessions.size).toBeGreaterThan(2000);
    const funnel = { PRODUCT_VIEW: 0, CART_ADD: 0, CHECKOUT: 0 };
    let converted = 0;
    let stitched = 0;
    let anonymous = 0;
    const ordersByCustomer = new Map<string, number[]>();
    for (const o of ofType("order")) {
      if (o.payload.channel === "ECOMMERCE" || o.payload.channel === "MOBILE") {
        ordersByCustomer.set(o.customerId!, [
          ...(ordersByCustomer.get(o.customerId!) ?? []),
          Date.parse(o.occurredAt),
        ]);
      }
    }
    let startsElsewhere = 0;
    let checkoutWithoutCart = 0;
    for (const events of sessions.values()) {
      if (events[0].payload.action !== "PAGE_VIEW") startsElsewhere++;
      const actions = new Set(events.map((e) => e.payload.action));
      for (const step of Object.keys(funnel) as (keyof typeof funnel)[])
        if (actions.has(step)) funnel[step]++;
      if (events[0].payload.anonymousId && !events[0].customerId) anonymous++;
      const checkout = events.find((e) => e.payload.action === "CHECKOUT");
      if (checkout) {
        if (!actions.has("CART_ADD")) checkoutWithoutCart++;
        if (checkout.payload.anonymousId) stitched++;
        const t = Date.parse(checkout.occurredAt);
        if ((ordersByCustomer.get(checkout.customerId!) ?? []).some((o) => o >= t && o - t <= 120_000))
          converted++;
      }
    }
    expect([startsElsewhere, checkoutWithoutCart]).toEqual([0, 0]);
    expect(funnel.PRODUCT_VIEW).toBeGreaterThan(funnel.CART_ADD);
    expect(funnel.CART_ADD).toBeGreaterThan(funnel.CHECKOUT);
    expect(converted).toBeGreaterThan(0.9 * funnel.CHECKOUT);
    expect(anonymous / sessions.size).toBeGreaterThan(0.3);
    expect(stitched).toBeGreaterThan(0);
  });

  it("profiles change over time (address, consent, email) and support carries satisfaction", () => {
    const emails = new Map<string, Set<string>>();
    for (const p of ofType("customer_profile")) {
      emails.set(
        p.customerId!,
        (emails.get(p.customerId!) ?? new Set()).add(p.payload.email.trim().toLowerCase()),
      );
    }
    expect([...emails.values()].filter((s) => s.size > 1).length).toBeGreaterThan(5);
    const scores = ofType("support_interaction")
      .map((s) => s.payload.satisfactionScore)
      .filter((s) => s !== undefined);
    expect(new Set(scores)).toEqual(new Set([1, 2, 3, 4, 5]));
    // 900 profiles asked: the CRM's, and the identity plants (manifest.identity) in place of some updates.
    expect(manifest.counts.bySource).toMatchObject({
      crm: 900 - 29,
      pos: expect.any(Number),
      support: 600,
      catalog: 120,
    });
  });
});
