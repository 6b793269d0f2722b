/**
 * Behavioural sessions on the web and in the app: PAGE_VIEW → PRODUCT_VIEW/SEARCH/CLICK/SCROLL →
 * CART_ADD (→ CART_REMOVE) → CHECKOUT, some ending in an order; anonymous visitors may log in at checkout.
 */
import { type BehavioralEvent, DEVICE_TYPES, PRODUCT_CATEGORIES, type SourceSystem } from "../contracts";
import { CATEGORY_PROFILES, pickProduct } from "./catalog";
import { customerId } from "./customers";
import type { Emitted, EventContext } from "./events";
import { COUNTRIES } from "./geography";
import { buildOrder } from "./orders";
import { AliasTable } from "./prng";

const countryPicker = new AliasTable(COUNTRIES.map((c) => c.weight));

/**
 * A browsing session starting at `start`, at most `budget` events. Identified sessions belong to a
 * customer; anonymous ones carry an anonymousId and sometimes log in at checkout (identity stitching).
 * Returns its events and, when it checked out and `orderAllowed`, the order it led to.
 */
export function buildSession(
  ctx: EventContext,
  start: number,
  budget: number,
  orderAllowed: boolean,
): { events: Emitted[]; order?: Emitted } {
  const rng = ctx.rng;
  const customers = ctx.customers;
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
  const sessionId = `SESS-${(++ctx.seq.session).toString(36).toUpperCase().padStart(7, "0")}`;
  const anonymousId = anonymous ? `anon-${rng.nextU32().toString(16).padStart(8, "0")}` : undefined;
  const country =
    customer >= 0 ? COUNTRIES[customers.country[customer]].code : COUNTRIES[countryPicker.sample(rng)].code;
  const favorite =
    customer >= 0 ? customers.favoriteCategory[customer] : ctx.catalog.categoryDemand.sample(rng);

  type Step = Omit<BehavioralEvent, "sessionId" | "channel" | "deviceType" | "timeOnPageSec">;
  const steps: Step[] = [{ action: "PAGE_VIEW", pageUrl: "/" }];
  const viewed: number[] = [];
  const browse = Math.min(1 + rng.geometric(0.35), 12);
  for (let k = 0; k < browse; k++) {
    const u = rng.float();
    const category = rng.bool(0.6) ? favorite : ctx.catalog.categoryDemand.sample(rng);
    const catName = PRODUCT_CATEGORIES[category];
    if (u < 0.5) {
      const product = pickProduct(ctx.catalog, rng, category);
      viewed.push(product);
      const id = ctx.catalog.products[product].productId;
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
      const p = ctx.catalog.products[product];
      steps.push({ action: "CART_ADD", pageUrl: "/cart", productId: p.productId, category: p.category });
    }
    if (cart.length > 1 && rng.bool(0.15)) {
      const removed = cart.pop()!;
      const p = ctx.catalog.products[removed];
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
      ctx.envelope(
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
    const order = buildOrder(
      ctx,
      customer,
      lastAt + rng.range(5, 90) * 1000,
      channel === "WEB" ? "ECOMMERCE" : "MOBILE",
      cart,
    );
    return { events, order };
  }
  return { events };
}
