/** Completed purchases (order 1.0 events) of one customer, one per minute of 2026-01-01, for the change-event tests. */
import { type Example, examples } from "../contracts/examples";

/** The instant of minute `m` of 2026-01-01 (UTC). */
export const minuteOf2026 = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();

/** `count` purchases of `amount` by `customerId` from minute `from` on; ids `evt-<tag>-<k>`, `ORD-<TAG>-<k>`. */
export function purchaseEvents(
  customerId: string,
  tag: string,
  count: number,
  amount: number,
  from = 1,
): Example[] {
  return Array.from({ length: count }, (_, i) => {
    const e = examples()["order@1.0"]!;
    const k = from + i;
    const orderId = `ORD-${tag.toUpperCase()}-${k}`;
    e.eventId = `evt-${tag}-${k}`;
    e.customerId = customerId;
    e.occurredAt = minuteOf2026(k);
    Object.assign(e.payload, {
      orderId,
      orderedAt: e.occurredAt,
      totalAmount: amount,
      items: [
        {
          itemId: `${orderId}-1`,
          productId: "P1",
          category: "Electronics",
          quantity: 1,
          unitPrice: amount,
          totalPrice: amount,
        },
      ],
    });
    return e;
  });
}
