/**
 * One definition of the order metrics both paths report — the real-time profile (functions/src/core/profile.ts)
 * and gold.customer_360 (rendered from these lists by models/rules.ts):
 *
 * - orders: COMPLETED orders of a type in `countedTypes` (PURCHASE); first/last order dates come from the same.
 * - spend (net): COMPLETED orders of `spendAdds` (PURCHASE, EXCHANGE) minus COMPLETED orders of `spendSubtracts`
 *   (RETURN, REFUND). Cancelled, failed or pending returns change nothing. The net can be negative (a return
 *   whose purchase predates the data, or was made under another id): it is reported as is, the value tier reads
 *   it like any amount (New), and both CLVs are computed on the positive part only, so a customer who returned
 *   more than they bought has CLV 0 (gold.customer_lifetime_value keeps its non_negative_clv check on that).
 * - returns: COMPLETED orders of `spendSubtracts`.
 * - average order value: net spend ÷ orders, rounded to the cent half-up (ties toward +∞, JavaScript's
 *   Math.round on cents; exact integer arithmetic in SQL, never DOUBLE); no orders → 0 in the real-time
 *   profile, NULL in gold.
 */
import type { ORDER_STATUSES, TRANSACTION_TYPES } from "./vocabulary";

type TransactionType = (typeof TRANSACTION_TYPES)[number];
type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_METRICS = {
  countedStatus: "COMPLETED",
  countedTypes: ["PURCHASE"],
  spendAdds: ["PURCHASE", "EXCHANGE"],
  spendSubtracts: ["RETURN", "REFUND"],
} as const satisfies {
  countedStatus: OrderStatus;
  countedTypes: readonly TransactionType[];
  spendAdds: readonly TransactionType[];
  spendSubtracts: readonly TransactionType[];
};

/** +1, −1 or 0: how an order of this type and status moves net spend. */
export function spendSign(transactionType: string, status: string): 1 | -1 | 0 {
  if (status !== ORDER_METRICS.countedStatus) return 0;
  if ((ORDER_METRICS.spendAdds as readonly string[]).includes(transactionType)) return 1;
  if ((ORDER_METRICS.spendSubtracts as readonly string[]).includes(transactionType)) return -1;
  return 0;
}

/** Whether an order counts as one of the customer's orders. */
export function countsAsOrder(transactionType: string, status: string): boolean {
  return (
    status === ORDER_METRICS.countedStatus &&
    (ORDER_METRICS.countedTypes as readonly string[]).includes(transactionType)
  );
}

/** Average order value in cents: net spend ÷ orders, half-up (ties toward +∞), 0 without orders. */
export function averageOrderValueCents(netSpentCents: number, orders: number): number {
  return orders > 0 ? Math.floor((2 * netSpentCents + orders) / (2 * orders)) : 0;
}
