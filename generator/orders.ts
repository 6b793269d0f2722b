/** Orders with line items: channel mix, category preferences, catalog prices, tax, shipping, promotions. */
import { type Order, type OrderItem, SALES_CHANNELS, type SourceSystem } from "../contracts";
import { pickProduct } from "./catalog";
import { customerId } from "./customers";
import type { Emitted, EventContext } from "./events";
import { COUNTRIES } from "./geography";
import { isoTime } from "./isotime";

const CHANNEL_SOURCE: Record<string, SourceSystem> = {
  POS: "pos",
  ECOMMERCE: "ecommerce",
  MOBILE: "mobile_app",
  SOCIAL: "ecommerce",
};

function orderItem(
  ctx: EventContext,

  orderId: string,
  n: number,
  product: number,
  currencyFx: number,
): OrderItem & { cents: number } {
  const rng = ctx.rng;
  const p = ctx.catalog.products[product];
  const quantity = rng.bool(0.75) ? 1 : rng.bool(0.7) ? 2 : rng.range(3, 6);
  const unit = Math.round(ctx.catalog.priceCents[product] * currencyFx);
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
export function buildOrder(
  ctx: EventContext,
  i: number,
  at: number,
  channel?: (typeof SALES_CHANNELS)[number],
  products?: number[],
): Emitted {
  const rng = ctx.rng;
  const country = COUNTRIES[ctx.customers.country[i]];
  const ch =
    channel ??
    (rng.bool(0.5)
      ? SALES_CHANNELS[ctx.customers.preferredChannel[i]]
      : rng.weighted(SALES_CHANNELS, [45, 30, 20, 5]));
  const orderId = `ORD-${String(++ctx.seq.order).padStart(9, "0")}`;
  let chosen = products;
  if (!chosen || chosen.length === 0) {
    const n = Math.min(1 + rng.geometric(0.45), 8);
    chosen = [];
    for (let k = 0; k < n; k++) {
      const category = rng.bool(0.45)
        ? ctx.customers.favoriteCategory[i]
        : ctx.catalog.categoryDemand.sample(rng);
      chosen.push(pickProduct(ctx.catalog, rng, category));
    }
  }
  const items = chosen.map((product, k) => orderItem(ctx, orderId, k + 1, product, country.fxPerUsd));
  const subtotal = items.reduce((sum, it) => sum + it.cents, 0);
  const tax = Math.round(subtotal * country.taxRate);
  const shipping = ch === "POS" || subtotal >= 5000 ? 0 : Math.round(499 * country.fxPerUsd);
  const promo = rng.bool(0.08);
  const orderDiscount = promo ? Math.round(subtotal * 0.1) : 0;
  const total = subtotal + tax + shipping - orderDiscount;
  const transactionType = rng.weighted(["PURCHASE", "RETURN", "REFUND", "EXCHANGE"] as const, [93, 3, 2, 2]);
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
  return ctx.envelope("order", version, CHANNEL_SOURCE[ch], at, customerId(i), order);
}
