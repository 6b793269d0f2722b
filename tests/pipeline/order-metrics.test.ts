/**
 * gold.customer_360's order metrics are the contracts' ORDER_METRICS, the real-time profile's definition: net
 * spend (completed purchases and exchanges minus completed returns and refunds), returns completed only, the
 * value tier of the net, and the average order value in exact cents, half-up, on DECIMAL — and both CLVs value
 * the positive part of the net only.
 */
import { averageOrderValueCents, spendSign, valueSegment } from "../../contracts";
import { foldEvents } from "../../functions/src/core/profile";
import { runPipeline } from "../../pipeline";
import { env, item, order, readTable, tempLake, writeLanding } from "./fixture";

jest.setTimeout(120_000);

const at = (d: number) => `2024-04-${String(d).padStart(2, "0")}T10:00:00Z`;
const sale = (id: string, d: number, total: number, extra: Record<string, unknown> = {}) =>
  order(id, "ECOMMERCE", at(d), total, [item(`${id}-1`, "P1", "Home", 1, total)], extra);

// R1: 6 purchases (one AOV tie: 3301.83 / 6 = 550.305), a completed return, a cancelled return, an exchange.
const r1 = [
  sale("A1", 1, 1000.0),
  sale("A2", 2, 500.0),
  sale("A3", 3, 500.0),
  sale("A4", 4, 500.0),
  sale("A5", 5, 400.0),
  sale("A6", 6, 401.83),
  sale("A7", 7, 120.0, { transactionType: "RETURN" }),
  sale("A8", 8, 999.0, { transactionType: "RETURN", status: "CANCELLED" }),
  sale("A9", 9, 120.0, { transactionType: "EXCHANGE" }),
];
// R2: returned more than bought: a negative net, tier New, CLV 0.
const r2 = [sale("B1", 1, 50.0), sale("B2", 2, 80.0, { transactionType: "REFUND" })];

/** DECIMAL and BIGINT columns come back as text: compare them as numbers. */
const numbers = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === "string" && /^-?[0-9]+([.][0-9]+)?$/.test(v) ? Number(v) : v,
    ]),
  );

describe("gold order metrics follow ORDER_METRICS", () => {
  const lake = tempLake();
  const events = [
    ...r1.map((p, i) => env(`e-a${i}`, "order", "ecommerce", at(i + 1), "R1", p)),
    ...r2.map((p, i) => env(`e-b${i}`, "order", "ecommerce", at(i + 1), "R2", p)),
  ];
  let c360: Record<string, unknown>[] = [];
  let clv: Record<string, unknown>[] = [];

  beforeAll(async () => {
    writeLanding(lake, "ecommerce", "order", "2024-04-10", "o.jsonl", events);
    const s = await runPipeline({ lakeDir: lake, loadId: "M1", windowEnd: "2024-04-11" });
    expect(s.layers.find((l) => l.layer === "bronze")!.models[0]!.rowsOut).toBe(events.length);
    expect(s.status).toBe("succeeded");
    c360 = (await readTable(lake, "gold.customer_360", "customer_key")).map(numbers);
    clv = (await readTable(lake, "gold.customer_lifetime_value", "customer_key")).map(numbers);
  });

  test("net spend, returns completed only, AOV half-up in cents, tier of the net", () => {
    // 3301.83 purchases + 120 exchange − 120 completed return; the cancelled return changes nothing.
    expect(c360[0]).toMatchObject({
      customer_key: "R1",
      total_orders: 6,
      total_spent: 3301.83,
      return_count: 1,
      avg_order_value: 550.31,
      value_segment: "Regular",
    });
    expect(c360[1]).toMatchObject({
      customer_key: "R2",
      total_orders: 1,
      total_spent: -30,
      return_count: 1,
      avg_order_value: -30,
      value_segment: "New",
    });
  });

  test("the real-time profile computes the same figures from the same events", () => {
    expect(c360).toHaveLength(2);
    const profiles = foldEvents(events.map((l) => JSON.parse(l) as unknown));
    for (const row of c360) {
      const p = profiles.get(String(row.customer_key))!;
      expect(p.orders.count).toBe(row.total_orders);
      expect(p.orders.totalSpent).toBe(row.total_spent);
      expect(p.orders.returns).toBe(row.return_count);
      expect(p.orders.averageOrderValue).toBe(row.avg_order_value);
      expect(p.valueSegment).toBe(row.value_segment);
    }
  });

  test("CLV values the positive part of the net: a customer who returned more is worth 0", () => {
    expect(clv.find((r) => r.customer_key === "R2")).toMatchObject({ historical_clv_3y: 0, factor_clv: 0 });
    const r1Clv = clv.find((r) => r.customer_key === "R1")!;
    // lifespan 5 days: 3301.83 / 5 × 365 × 3 = 723100.77; recency (as of 04-11, last order 04-06) 1.2 × frequency 1.0
    expect(r1Clv).toMatchObject({ historical_clv_3y: 723100.77, factor_clv: 3962.2 });
  });

  test("the contract's helpers: sign per type and status, AOV ties toward +∞", () => {
    expect(spendSign("PURCHASE", "COMPLETED")).toBe(1);
    expect(spendSign("EXCHANGE", "COMPLETED")).toBe(1);
    expect(spendSign("RETURN", "COMPLETED")).toBe(-1);
    expect(spendSign("REFUND", "COMPLETED")).toBe(-1);
    expect(spendSign("RETURN", "CANCELLED")).toBe(0);
    expect(spendSign("PURCHASE", "PENDING")).toBe(0);
    expect(averageOrderValueCents(330183, 6)).toBe(55031);
    expect(averageOrderValueCents(-5, 2)).toBe(-2);
    expect(averageOrderValueCents(100, 0)).toBe(0);
    expect(valueSegment(-30, 1)).toBe("New");
  });
});
