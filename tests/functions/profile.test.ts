/** The profile merge rules and the idempotency bookkeeping, as pure functions. */
import type { AnyEvent } from "../../contracts";
import {
  alreadyApplied,
  emptyIdempotency,
  MAX_APPLIED_EVENTS,
  recordApplied,
} from "../../functions/src/core/idempotency";
import { foldEvents } from "../../functions/src/core/profile";

const base = {
  schemaVersion: "1.1",
  source: "crm",
  customerId: "C1",
} as const;

function profileEvent(eventId: string, occurredAt: string, changes: Record<string, unknown>): AnyEvent {
  return {
    ...base,
    eventId,
    eventType: "customer_profile",
    occurredAt,
    payload: {
      customerId: "C1",
      firstName: "Ana",
      lastName: "Silva",
      email: "ana@example.com",
      customerSegment: "STANDARD",
      loyaltyTier: "GOLD",
      loyaltyPoints: 10,
      registrationDate: "2024-01-01",
      status: "ACTIVE",
      consent: { email: true, sms: false },
      ...changes,
    },
  } as AnyEvent;
}

function order(
  eventId: string,
  orderId: string,
  at: string,
  amount: number,
  type = "PURCHASE",
  status = "COMPLETED",
): AnyEvent {
  return {
    eventId,
    eventType: "order",
    schemaVersion: "1.0",
    source: "ecommerce",
    occurredAt: at,
    customerId: "C1",
    payload: {
      orderId,
      channel: "ECOMMERCE",
      orderedAt: at,
      transactionType: type,
      status,
      currency: "USD",
      totalAmount: amount,
      taxAmount: 0,
      shippingAmount: 0,
      discountAmount: 0,
      paymentMethod: "CARD",
      items: [
        {
          itemId: `${orderId}-1`,
          productId: "P1",
          category: "Books",
          quantity: 2,
          unitPrice: amount / 2,
          totalPrice: amount,
        },
      ],
    },
  } as AnyEvent;
}

test("a late profile event never overwrites newer data; fields it does not carry stay", () => {
  const newer = profileEvent("e2", "2026-02-01T10:00:00Z", { lastName: "Newer", phone: "+14155552671" });
  const late = profileEvent("e1", "2026-01-01T10:00:00Z", {
    lastName: "Older",
    loyaltyTier: "BRONZE",
    dateOfBirth: "1990-05-05",
  });
  const p = foldEvents([newer, late]).get("C1")!;
  expect(p.personal.lastName).toBe("Newer");
  expect(p.crm.loyaltyTier).toBe("GOLD");
  expect(p.personal.dateOfBirth).toBe("1990-05-05"); // only the late event carries it
  expect(p.personal.phone).toBe("+14155552671");
  expect(p.fieldTimestamps["personal.lastName"]).toEqual({ at: "2026-02-01T10:00:00Z", eventId: "e2" });
  expect(foldEvents([late, newer]).get("C1")).toEqual(p);
});

test("consent is judged by its own updatedAt", () => {
  const recordNewer = profileEvent("e2", "2026-03-01T00:00:00Z", {
    consent: { email: false, sms: false, updatedAt: "2026-01-01T00:00:00Z" },
  });
  const consentNewer = profileEvent("e1", "2026-02-01T00:00:00Z", {
    consent: { email: true, sms: true, updatedAt: "2026-02-01T00:00:00Z" },
  });
  expect(foldEvents([recordNewer, consentNewer]).get("C1")!.consent).toEqual({
    email: true,
    sms: true,
    updatedAt: "2026-02-01T00:00:00Z",
  });
});

test("orders: completed purchases count, returns subtract, an order id counts once, pending ignored; value segment follows", () => {
  const events: AnyEvent[] = [];
  for (let i = 0; i < 22; i++)
    events.push(order(`o${i}`, `O${i}`, `2026-01-${String(i + 1).padStart(2, "0")}T00:00:00Z`, 300.1));
  events.push(order("dup", "O3", "2026-02-01T00:00:00Z", 999)); // same order, another event id
  events.push(order("ret", "R1", "2026-02-02T00:00:00Z", 100.2, "RETURN"));
  events.push(order("pend", "P1", "2026-02-03T00:00:00Z", 5000, "PURCHASE", "PENDING"));
  const p = foldEvents(events).get("C1")!;
  expect(p.orders.count).toBe(22);
  expect(p.orders.returns).toBe(1);
  expect(p.orders.totalSpentCents).toBe(22 * 30010 - 10020);
  expect(p.orders.totalSpent).toBe(6502);
  expect(p.orders.averageOrderValue).toBe(295.55);
  expect(p.orders.lastOrderId).toBe("O21");
  expect(p.orders.unitsByCategory).toEqual({ Books: 44 });
  expect(p.preferredCategories).toEqual(["Books"]);
  expect(p.valueSegment).toBe("VIP");
});

test("invalid events and repeated event ids are not folded", () => {
  const ok = order("o1", "O1", "2026-01-01T00:00:00Z", 10);
  const bad = { ...order("o2", "O2", "2026-01-01T00:00:00Z", 10), occurredAt: "never" };
  const p = foldEvents([ok, ok, bad]).get("C1")!;
  expect(p.orders.count).toBe(1);
  expect(p.dataQuality.events).toBe(1);
});

test("idempotency: ids beyond the window fall back to the per-partition watermark", () => {
  const state = emptyIdempotency();
  for (let i = 0; i < MAX_APPLIED_EVENTS + 10; i++)
    recordApplied(state, `e${i}`, { stream: "order/0", seq: 100 + i });
  expect(state.applied).toHaveLength(MAX_APPLIED_EVENTS);
  expect(state.evictedThrough).toEqual({ "order/0": 109 });
  expect(alreadyApplied(state, "e3", { stream: "order/0", seq: 103 })).toBe(true); // evicted, below the watermark
  expect(alreadyApplied(state, "e400", { stream: "order/0", seq: 500 })).toBe(true); // still in the id window
  expect(alreadyApplied(state, "new", { stream: "order/0", seq: 1000 })).toBe(false);
  expect(alreadyApplied(state, "e3", { stream: "order/1", seq: 103 })).toBe(false); // another partition's range
});
