/**
 * Enumerations shared by every contract, the generator, the functions and the SQL models.
 * Values follow seed 001's source tables (upper-case codes) and seed 000's value tiers.
 */
import { getCountries } from "libphonenumber-js";

export const EVENT_TYPES = [
  "customer_profile",
  "order",
  "behavioral_event",
  "support_interaction",
  "product",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Source systems; also the first segment of a landing path (`landing/<source_system>/...`). */
export const SOURCE_SYSTEMS = ["crm", "ecommerce", "pos", "mobile_app", "web", "support", "catalog"] as const;
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

export const CUSTOMER_SEGMENTS = ["PREMIUM", "STANDARD", "BASIC"] as const;
export const LOYALTY_TIERS = ["BRONZE", "SILVER", "GOLD", "PLATINUM"] as const;
export const CUSTOMER_STATUSES = ["ACTIVE", "INACTIVE", "BLOCKED"] as const;
export const GENDERS = ["FEMALE", "MALE", "NON_BINARY", "UNDISCLOSED"] as const;
export const SALES_CHANNELS = ["POS", "ECOMMERCE", "MOBILE", "SOCIAL"] as const;
export const COMMUNICATION_CHANNELS = ["EMAIL", "SMS", "PUSH", "MAIL"] as const;
export const TRANSACTION_TYPES = ["PURCHASE", "RETURN", "REFUND", "EXCHANGE"] as const;
export const ORDER_STATUSES = ["COMPLETED", "FAILED", "CANCELLED", "PENDING"] as const;
export const PAYMENT_METHODS = ["CASH", "CARD", "MOBILE", "CRYPTO", "WALLET"] as const;
export const BEHAVIOR_ACTIONS = [
  "PAGE_VIEW",
  "PRODUCT_VIEW",
  "CLICK",
  "SCROLL",
  "SEARCH",
  "CART_ADD",
  "CART_REMOVE",
  "CHECKOUT",
] as const;
export const DEVICE_TYPES = ["DESKTOP", "MOBILE", "TABLET"] as const;
export const DIGITAL_CHANNELS = ["WEB", "APP"] as const;
export const INTERACTION_TYPES = ["EMAIL", "PHONE", "CHAT", "SOCIAL", "IN_PERSON"] as const;
export const TICKET_PRIORITIES = ["LOW", "MEDIUM", "HIGH", "URGENT"] as const;
export const TICKET_CATEGORIES = ["BILLING", "TECHNICAL", "PRODUCT", "GENERAL"] as const;
export const TICKET_STATUSES = ["OPEN", "IN_PROGRESS", "RESOLVED", "CLOSED"] as const;
export const PRODUCT_CATEGORIES = [
  "Apparel",
  "Footwear",
  "Electronics",
  "Home",
  "Beauty",
  "Sports",
  "Toys",
  "Grocery",
  "Books",
  "Jewelry",
] as const;

/** Seed 000's real-time value tiers (total spent and order count thresholds). */
export const VALUE_SEGMENTS = ["VIP", "Premium", "Regular", "New"] as const;
export type ValueSegment = (typeof VALUE_SEGMENTS)[number];

/**
 * Seed 000 §"Real-time Customer Segmentation": the one definition both paths use. `valueSegment()` evaluates it in
 * TypeScript; models/rules.ts renders it into gold.customer_360 (npm run models:build), and a test fails when the
 * rendered SQL is not what these rules give. A tier needs spend and order count both strictly above its floor.
 */
export const VALUE_TIER_RULES = {
  tiers: [
    { segment: "VIP", spentAbove: 5000, ordersAbove: 20 },
    { segment: "Premium", spentAbove: 2000, ordersAbove: 10 },
    { segment: "Regular", spentAbove: 500, ordersAbove: 5 },
  ],
  otherwise: "New",
} as const satisfies {
  tiers: readonly { segment: ValueSegment; spentAbove: number; ordersAbove: number }[];
  otherwise: ValueSegment;
};

export function valueSegment(totalSpent: number, totalOrders: number): ValueSegment {
  for (const t of VALUE_TIER_RULES.tiers)
    if (totalSpent > t.spentAbove && totalOrders > t.ordersAbove) return t.segment;
  return VALUE_TIER_RULES.otherwise;
}

/** ISO 4217 codes known to the runtime's ICU data (sorted, deterministic for a given Node major). */
export const CURRENCY_CODES: readonly string[] = Intl.supportedValuesOf("currency");
/** ISO 3166-1 alpha-2 codes (the regions libphonenumber knows, which are the ones we can validate phones for). */
export const COUNTRY_CODES: readonly string[] = [...getCountries()].sort();
