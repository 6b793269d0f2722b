/**
 * Every branch and both sides of every boundary of seed 000's value tiers and churn probability and seed 001's CLV
 * recency/frequency factors, pinned on the gold models (DuckDB) and, for the tier, on the real-time profile too.
 * The expected values are the seeds' literals (VALUE_TIER_CASES etc. below), not the contracts' constants: moving
 * a threshold by one unit (a cent, an order, a day) or turning `>` into `>=` in the contracts or in a model fails
 * here. Each rule is written once in the contracts — the value tier in contracts/vocabulary.ts (VALUE_TIER_RULES, the
 * real-time path's too), churn probability and CLV factors in contracts/customer-value.ts — and rendered into the
 * gold models by models/rules.ts; tests/pipeline/generated-sql.test.ts fails when the SQL is edited by hand.
 */
import { rmSync } from "node:fs";

import { valueSegment } from "../../contracts";
import { foldEvents } from "../../functions/src/core/profile";
import { runPipeline } from "../../pipeline";
import { env, item, order, readTable, tempLake, writeLanding } from "./fixture";
import { type Row, runModelOn, valuesOf } from "./model-unit";

jest.setTimeout(180_000);

/** Seed 000 §"Real-time Customer Segmentation": [net spend, completed orders, tier]; each floor from both sides. */
const VALUE_TIER_CASES: [number, number, string][] = [
  [5000.01, 21, "VIP"],
  [5000.0, 21, "Premium"], // spend at the VIP floor
  [5000.01, 20, "Premium"], // orders at the VIP floor
  [2000.01, 11, "Premium"],
  [2000.0, 11, "Regular"],
  [2000.01, 10, "Regular"],
  [500.01, 6, "Regular"],
  [500.0, 6, "New"],
  [500.01, 5, "New"],
  [0, 0, "New"],
];

/** Seed 001's recency factor by days since the last order: [days, factor] (≤ 30, ≤ 90, ≤ 180, else). */
const RECENCY_CASES: [number | null, number][] = [
  [0, 1.2],
  [30, 1.2],
  [31, 1.0],
  [90, 1.0],
  [91, 0.8],
  [180, 0.8],
  [181, 0.5],
  [null, 0.5], // no order at all: the else branch
];

/** Seed 001's frequency factor by completed orders: [orders, factor] (> 50, > 20, > 5, else). */
const FREQUENCY_CASES: [number, number][] = [
  [51, 1.5],
  [50, 1.2],
  [21, 1.2],
  [20, 1.0],
  [6, 1.0],
  [5, 0.7],
  [0, 0.7],
];

/** Seed 000's churn probability by days since the last order (> 90, > 60, > 30, else 0.1; none without orders). */
const CHURN_CASES: [number | null, number | null, boolean][] = [
  // [days, probability, is_churn_risk (no purchase for more than 90 days)]
  [0, 0.1, false],
  [30, 0.1, false],
  [31, 0.2, false],
  [60, 0.2, false],
  [61, 0.5, false],
  [90, 0.5, false],
  [91, 0.8, true],
  [null, null, false],
];

/** DECIMAL and BIGINT columns come back as text: compare them as numbers. */
const numeric = (v: unknown): unknown =>
  typeof v === "string" && /^-?[0-9]+([.][0-9]+)?$/.test(v) ? Number(v) : v;

const AS_OF = "2024-07-01";
const daysBefore = (days: number): string =>
  new Date(Date.parse(`${AS_OF}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** One gold.customer_360 row per case, with what the CLV and churn models read. */
function customer360(rows: { key: string; orders: number; spent: number; days: number | null }[]): string {
  return `SELECT customer_key, CAST(total_orders AS BIGINT) AS total_orders,
      CAST(total_spent AS DECIMAL(18, 2)) AS total_spent, CAST(NULL AS DECIMAL(18, 2)) AS avg_order_value,
      CAST(first_order_date AS DATE) AS first_order_date, CAST(last_order_date AS DATE) AS last_order_date,
      CAST(days_since_last_order AS BIGINT) AS days_since_last_order, DATE '2024-01-01' AS registration_date,
      CAST(0 AS BIGINT) AS support_interactions, CAST(0 AS BIGINT) AS return_count, CAST(0 AS BIGINT) AS open_tickets,
      CAST(NULL AS DECIMAL(5, 2)) AS avg_satisfaction, DATE '${AS_OF}' AS as_of_date, 'U1' AS load_id
    FROM (${valuesOf(
      [
        "customer_key",
        "total_orders",
        "total_spent",
        "first_order_date",
        "last_order_date",
        "days_since_last_order",
      ],
      rows.map((r) => [
        r.key,
        r.orders,
        r.spent,
        r.days === null ? null : daysBefore(r.days + 10),
        r.days === null ? null : daysBefore(r.days),
        r.days,
      ]),
    )}) AS v`;
}

describe("CLV factors (gold.customer_lifetime_value): every branch, both sides of every boundary", () => {
  let byKey = new Map<string, Row>();
  beforeAll(async () => {
    const rows = [
      ...RECENCY_CASES.map(([days], i) => ({ key: `R${i}`, orders: 6, spent: 1000, days })),
      ...FREQUENCY_CASES.map(([orders], i) => ({ key: `F${i}`, orders, spent: 1000, days: 10 })),
    ];
    const out = await runModelOn(
      "gold.customer_lifetime_value",
      { "gold.customer_360": customer360(rows) },
      "customer_key",
    );
    byKey = new Map(out.map((r) => [String(r.customer_key), r]));
  });

  test.each(RECENCY_CASES.map((c, i) => [...c, i] as const))(
    "%s days since the last order: recency factor %s",
    (days, factor, i) => {
      const row = byKey.get(`R${i}`)!;
      expect(numeric(row.recency_factor)).toBe(factor);
      // 6 orders: frequency 1.0, so the factor CLV is the spend × the recency factor
      expect(numeric(row.factor_clv)).toBe(Math.round(1000 * factor * 100) / 100);
      expect(days === null ? row.days_since_last_order : numeric(row.days_since_last_order)).toBe(days);
    },
  );

  test.each(FREQUENCY_CASES.map((c, i) => [...c, i] as const))(
    "%s completed orders: frequency factor %s",
    (_orders, factor, i) => {
      const row = byKey.get(`F${i}`)!;
      expect(numeric(row.frequency_factor)).toBe(factor);
      expect(numeric(row.recency_factor)).toBe(1.2); // 10 days
      expect(numeric(row.factor_clv)).toBe(Math.round(1000 * 1.2 * factor * 100) / 100);
    },
  );

  test("the historical CLV's branches: a lifespan of days, a single day, no order", () => {
    // R1: first order 40 days, last 30 days before as-of → lifespan 10 days: 1000 / 10 × 365 × 3 = 109500
    expect(numeric(byKey.get("R1")!.historical_clv_3y)).toBe(109500);
    expect(numeric(byKey.get("R1")!.lifespan_days)).toBe(10);
    // no order: lifespan 0 → 0 (the seed's ELSE branch)
    expect(numeric(byKey.get(`R${RECENCY_CASES.length - 1}`)!.historical_clv_3y)).toBe(0);
  });
});

describe("churn probability: both gold models, every branch, both sides of every boundary", () => {
  const rows = CHURN_CASES.map(([days], i) => ({
    key: `C${i}`,
    orders: days === null ? 0 : 3,
    spent: 100,
    days,
  }));
  const emptySilver = {
    "silver.customer_identity": "SELECT 'x' AS source_customer_id, 'x' AS customer_key WHERE false",
    "silver.orders": "SELECT 'x' AS customer_id, DATE '2024-01-01' AS order_date WHERE false",
    "silver.sessions":
      "SELECT 'x' AS customer_id, DATE '2024-01-01' AS session_date, 0 AS cart_adds, false AS is_cart_abandoned WHERE false",
    "silver.support_interactions":
      "SELECT 'x' AS customer_id, DATE '2024-01-01' AS interaction_date WHERE false",
    run_context: `SELECT DATE '${AS_OF}' AS as_of_date, 'U1' AS load_id`,
  };
  let clv = new Map<string, Row>();
  let features = new Map<string, Row>();
  beforeAll(async () => {
    const c360 = customer360(rows);
    const a = await runModelOn("gold.customer_lifetime_value", { "gold.customer_360": c360 }, "customer_key");
    const b = await runModelOn(
      "gold.churn_features",
      { "gold.customer_360": c360, ...emptySilver },
      "customer_key",
    );
    clv = new Map(a.map((r) => [String(r.customer_key), r]));
    features = new Map(b.map((r) => [String(r.customer_key), r]));
  });

  test.each(CHURN_CASES.map((c, i) => [...c, i] as const))(
    "%s days since the last order: churn probability %s (at risk: %s)",
    (_days, probability, atRisk, i) => {
      const fromClv = clv.get(`C${i}`)!.churn_probability;
      const fromFeatures = features.get(`C${i}`)!;
      expect(probability === null ? fromClv : numeric(fromClv)).toBe(probability);
      expect(
        probability === null ? fromFeatures.churn_probability : numeric(fromFeatures.churn_probability),
      ).toBe(probability);
      expect(fromFeatures.is_churn_risk).toBe(atRisk);
    },
  );
});

describe("value tier: gold.customer_360 and the real-time profile, every branch, both sides of every boundary", () => {
  const lake = tempLake();
  const at = (d: number) => `2024-04-${String(1 + (d % 28)).padStart(2, "0")}T10:00:00Z`;
  const events: string[] = [];
  let n = 0;
  VALUE_TIER_CASES.forEach(([spent, orders], c) => {
    // `orders` completed purchases adding up to `spent` in cents (the last one takes the remainder); a customer
    // without orders gets one cancelled purchase, so the customer exists with 0 orders and 0 spend.
    const cents = Math.round(spent * 100);
    const each = orders > 0 ? Math.floor(cents / orders) : 0;
    const count = Math.max(orders, 1);
    for (let i = 0; i < count; i++) {
      const amount = orders === 0 ? 10 : (i === orders - 1 ? cents - each * (orders - 1) : each) / 100;
      const extra = orders === 0 ? { status: "CANCELLED" } : {};
      const id = `T${c}-${i}`;
      events.push(
        env(
          `e-${n++}`,
          "order",
          "ecommerce",
          at(i),
          `V${c}`,
          order(id, "ECOMMERCE", at(i), amount, [item(`${id}-1`, "P1", "Home", 1, amount)], extra),
        ),
      );
    }
  });
  let gold = new Map<string, Row>();

  beforeAll(async () => {
    writeLanding(lake, "ecommerce", "order", "2024-04-29", "tiers.jsonl", events);
    const s = await runPipeline({ lakeDir: lake, loadId: "T1", windowEnd: "2024-04-30" });
    expect(s.status).toBe("succeeded");
    const rows = await readTable(lake, "gold.customer_360", "customer_key");
    gold = new Map(rows.map((r) => [String(r.customer_key), r]));
  });
  afterAll(() => rmSync(lake, { recursive: true, force: true }));

  test.each(VALUE_TIER_CASES.map((c, i) => [...c, i] as const))(
    "net %d over %d completed orders: %s",
    (spent, orders, tier, i) => {
      const row = gold.get(`V${i}`)!;
      expect(numeric(row.total_spent)).toBe(spent);
      expect(numeric(row.total_orders)).toBe(orders);
      expect(row.value_segment).toBe(tier);
      expect(valueSegment(spent, orders)).toBe(tier);
    },
  );

  test("the real-time profile folds the same events to the same tier", () => {
    const profiles = foldEvents(events.map((l) => JSON.parse(l) as unknown));
    VALUE_TIER_CASES.forEach(([spent, orders, tier], i) => {
      const p = profiles.get(`V${i}`)!;
      expect([p.orders.totalSpent, p.orders.count, p.valueSegment]).toEqual([spent, orders, tier]);
    });
  });
});
