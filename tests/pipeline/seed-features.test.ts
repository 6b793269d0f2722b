/**
 * The seeds' feature definitions in gold, pinned at their boundaries: gold.session_engagement (seed 001 session
 * classification and engagement score) and gold.customer_engagement (seed 003 ActivityRate and
 * InteractionToPurchaseRatio, seed 000 §2.1 session duration and pages per session, seed 001 segments).
 * The oracle is the seeds' own Python, transcribed below; the grids take both sides of every threshold.
 */
import { type Row, runModelOn, valuesOf } from "./model-unit";

jest.setTimeout(60_000);

// ---- seed 001, "Customer Behavioral Data Processing" (transcribed) ----
function classifySession(duration: number, pageViews: number, bounceRate: number): string {
  if (bounceRate > 0.8) return "BOUNCE";
  if (duration > 1800 && pageViews > 10) return "ENGAGED";
  if (duration > 300 && pageViews > 3) return "ACTIVE";
  if (duration > 60) return "SHORT";
  return "QUICK";
}
function engagementScore(
  duration: number,
  pageViews: number,
  interactions: number,
  conversions: number,
): number {
  const total =
    Math.min(duration / 300, 10) +
    Math.min(pageViews / 5, 10) +
    Math.min(interactions / 10, 10) +
    conversions * 20;
  return Math.round(Math.min(total, 50) * 100) / 100;
}
// ---- seed 001, "derive_customer_segment" (transcribed) ----
function deriveCustomerSegment(totalSpent: number, frequency: number): string {
  if (totalSpent > 10000 && frequency > 50) return "VIP";
  if (totalSpent > 5000 && frequency > 25) return "GOLD";
  if (totalSpent > 2000 && frequency > 10) return "SILVER";
  if (totalSpent > 500) return "BRONZE";
  return "NEW";
}
const round4 = (x: number): string => (Math.round(x * 10_000) / 10_000).toFixed(4);

const RUN_CONTEXT = "SELECT 'L1' AS load_id, DATE '2024-05-01' AS as_of_date";

describe("gold.session_engagement: seed 001 session classification and engagement score", () => {
  const durations = [0, 1, 3, 60, 61, 300, 301, 1500, 1800, 1801, 3000, 3300];
  const pages = [0, 3, 4, 10, 11, 49, 50, 60];
  const events = [1, 2, 100, 110];
  const checkouts = [0, 1, 2];
  const grid: { key: string; d: number; p: number; e: number; c: number }[] = [];
  for (const d of durations)
    for (const p of pages)
      for (const e of events)
        for (const c of checkouts) grid.push({ key: `S-${d}-${p}-${e}-${c}`, d, p, e, c });
  let rows: Row[];

  beforeAll(async () => {
    rows = await runModelOn(
      "gold.session_engagement",
      {
        // page and product views are both pages: the split checks that both are counted
        "silver.sessions": valuesOf(
          [
            "session_key",
            "customer_id",
            "session_date",
            "session_start",
            "duration_sec",
            "page_views",
            "product_views",
            "event_count",
            "checkouts",
            "is_bounce",
          ],
          grid.map((g) => [
            g.key,
            g.key.endsWith("-0") ? "C1" : null,
            "2024-04-30",
            "2024-04-30 10:00:00",
            g.d,
            Math.floor(g.p / 2),
            g.p - Math.floor(g.p / 2),
            g.e,
            g.c,
            g.e === 1,
          ]),
        ),
        "silver.customer_identity": valuesOf(["source_customer_id", "customer_key"], [["C1", "K1"]]),
        run_context: RUN_CONTEXT,
      },
      "session_key",
    );
  });

  test("every session of the grid is classified and scored exactly as the seed's functions do", () => {
    expect(rows).toHaveLength(grid.length);
    const byKey = new Map(rows.map((r) => [r.session_key as string, r]));
    const mismatches = grid.filter((g) => {
      const r = byKey.get(g.key)!;
      const bounce = g.e === 1 ? 1 : 0;
      const score = engagementScore(g.d, g.p, g.e, g.c);
      return (
        r.session_classification !== classifySession(g.d, g.p, bounce) ||
        r.engagement_score !== score.toFixed(2) ||
        r.is_high_engagement !== score > 30 ||
        r.pages !== String(g.p)
      );
    });
    expect(mismatches).toEqual([]);
  });

  test("the boundaries, by hand", () => {
    const at = (d: number, p: number, e: number, c: number) =>
      rows.find((r) => r.session_key === `S-${d}-${p}-${e}-${c}`)!;
    const view = (r: Row) => [r.session_classification, r.engagement_score, r.is_high_engagement];
    expect(view(at(1800, 11, 2, 0))).toEqual(["ACTIVE", "8.40", false]); // 1800 s is not > 1800
    expect(view(at(1801, 11, 2, 0))).toEqual(["ENGAGED", "8.40", false]); // 6.0033 + 2.2 + 0.2
    expect(view(at(1801, 10, 2, 0))).toEqual(["ACTIVE", "8.20", false]); // 10 pages is not > 10
    expect(view(at(300, 4, 2, 0))).toEqual(["SHORT", "2.00", false]); // 300 s is not > 300
    expect(view(at(301, 4, 2, 0))).toEqual(["ACTIVE", "2.00", false]);
    expect(view(at(301, 3, 2, 0))).toEqual(["SHORT", "1.80", false]);
    expect(view(at(60, 0, 2, 0))).toEqual(["QUICK", "0.40", false]);
    expect(view(at(61, 0, 2, 0))).toEqual(["SHORT", "0.40", false]);
    expect(view(at(3300, 60, 1, 0))).toEqual(["BOUNCE", "20.10", false]); // a single event is a bounce
    expect(view(at(0, 0, 100, 1))).toEqual(["QUICK", "30.00", false]); // 30 is not > 30
    expect(view(at(3, 0, 100, 1))).toEqual(["QUICK", "30.01", true]);
    expect(view(at(3000, 50, 100, 1))).toEqual(["ENGAGED", "50.00", true]); // each part at its cap
    expect(view(at(3300, 60, 110, 2))).toEqual(["ENGAGED", "50.00", true]); // 70 capped at 50
  });

  test("sessions map to the customer key; anonymous sessions stay, without one", () => {
    expect(rows.find((r) => r.session_key === "S-0-0-1-0")!.customer_key).toBe("K1");
    expect(rows.find((r) => r.session_key === "S-0-0-1-1")!.customer_key).toBeNull();
  });
});

describe("gold.customer_engagement: seed 003 rates, seed 000 session averages, seed 001 segments", () => {
  const spends = [500, 500.01, 2000, 2000.01, 5000, 5000.01, 10000, 10000.01];
  const orders = [0, 10, 11, 25, 26, 50, 51];
  // days since registration (null: unknown registration) and behavioural events
  const days = [null, 0, 1, 3, 7, 8];
  const interactions = [0, 5, 10];
  const customers: { key: string; spent: number; orders: number; days: number | null; n: number }[] = [];
  let i = 0;
  for (const spent of spends)
    for (const o of orders) {
      const d = days[i % days.length]!;
      const n = interactions[Math.floor(i / days.length) % interactions.length]!;
      customers.push({ key: `K${String(i).padStart(3, "0")}`, spent, orders: o, days: d, n });
      i++;
    }
  const registration = (d: number | null): string | null =>
    d === null ? null : new Date(Date.UTC(2024, 4, 1) - d * 86_400_000).toISOString().slice(0, 10);
  let rows: Row[];

  beforeAll(async () => {
    rows = await runModelOn(
      "gold.customer_engagement",
      {
        "gold.customer_360": `SELECT customer_key, CAST(registration_date AS DATE) AS registration_date,
            DATE '2024-05-01' AS as_of_date, CAST(total_orders AS BIGINT) AS total_orders,
            CAST(total_spent AS DECIMAL(18, 2)) AS total_spent, value_segment, 'L1' AS load_id
          FROM (${valuesOf(
            ["customer_key", "registration_date", "total_orders", "total_spent", "value_segment"],
            customers.map((c) => [c.key, registration(c.days), c.orders, c.spent, `tier-of-${c.key}`]),
          )})`,
        "silver.customer_identity": valuesOf(
          ["source_customer_id", "customer_key"],
          customers.map((c) => [`src-${c.key}`, c.key]),
        ),
        "silver.behavioral_events": `SELECT c.customer_id FROM (${valuesOf(
          ["customer_id", "n"],
          customers.map((c) => [`src-${c.key}`, c.n]),
        )}) AS c JOIN range(0, 100) AS r(i) ON r.i < c.n`,
        "gold.session_engagement": valuesOf(
          ["customer_key", "duration_sec", "pages", "engagement_score", "is_high_engagement"],
          [
            ["K001", 100, 3, 10.5, false],
            ["K001", 201, 4, 40, true],
            [null, 5000, 50, 50, true],
          ],
        ),
      },
      "customer_key",
    );
  });

  test("ActivityRate = interactions ÷ days since registration; InteractionToPurchaseRatio = interactions ÷ purchases", () => {
    expect(rows).toHaveLength(customers.length);
    const byKey = new Map(rows.map((r) => [r.customer_key as string, r]));
    const mismatches = customers.filter((c) => {
      const r = byKey.get(c.key)!;
      const activity = c.days !== null && c.days > 0 ? round4(c.n / c.days) : null;
      const ratio = c.orders > 0 ? round4(c.n / c.orders) : null;
      return (
        r.total_interactions !== String(c.n) ||
        r.activity_rate !== activity ||
        r.interaction_to_purchase_ratio !== ratio ||
        r.days_since_registration !== (c.days === null ? null : String(c.days))
      );
    });
    expect(mismatches).toEqual([]);
    // by hand: registered today → no time has passed, no rate; one day → the interactions themselves
    expect(rows.filter((r) => r.days_since_registration === "0").every((r) => r.activity_rate === null)).toBe(
      true,
    );
    const k = (key: string) => byKey.get(key)!;
    expect([
      k("K001").days_since_registration,
      k("K001").total_interactions,
      k("K001").activity_rate,
    ]).toEqual(["0", "0", null]);
    expect([
      k("K009").days_since_registration,
      k("K009").total_interactions,
      k("K009").activity_rate,
    ]).toEqual(["3", "5", "1.6667"]);
    expect([k("K009").completed_purchases, k("K009").interaction_to_purchase_ratio]).toEqual([
      "11",
      "0.4545",
    ]);
    expect([k("K000").completed_purchases, k("K000").interaction_to_purchase_ratio]).toEqual(["0", null]);
  });

  test("seed 001's five segments at both sides of every threshold, beside seed 000's value tier", () => {
    const byKey = new Map(rows.map((r) => [r.customer_key as string, r]));
    const mismatches = customers.filter(
      (c) =>
        byKey.get(c.key)!.spend_segment !== deriveCustomerSegment(c.spent, c.orders) ||
        byKey.get(c.key)!.value_segment !== `tier-of-${c.key}`,
    );
    expect(mismatches).toEqual([]);
    const segment = (spent: number, o: number) =>
      byKey.get(customers.find((c) => c.spent === spent && c.orders === o)!.key)!.spend_segment;
    expect(segment(10000.01, 51)).toBe("VIP");
    expect(segment(10000, 51)).toBe("GOLD");
    expect(segment(10000.01, 50)).toBe("GOLD");
    expect(segment(5000, 26)).toBe("SILVER");
    expect(segment(5000.01, 25)).toBe("SILVER");
    expect(segment(2000.01, 11)).toBe("SILVER");
    expect(segment(2000, 11)).toBe("BRONZE");
    expect(segment(2000.01, 10)).toBe("BRONZE");
    expect(segment(500.01, 0)).toBe("BRONZE");
    expect(segment(500, 51)).toBe("NEW");
  });

  test("session duration and pages per session (seed 000 §2.1) and average engagement (seed 001)", () => {
    const k1 = rows.find((r) => r.customer_key === "K001")!;
    expect([
      k1.total_sessions,
      k1.avg_session_duration_sec,
      k1.pages_per_session,
      k1.average_engagement_score,
      k1.high_engagement_sessions,
    ]).toEqual(["2", "150.50", "3.50", "25.25", "1"]);
    const k2 = rows.find((r) => r.customer_key === "K002")!;
    expect([k2.total_sessions, k2.avg_session_duration_sec, k2.pages_per_session]).toEqual(["0", null, null]);
  });
});
