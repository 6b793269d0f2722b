import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { type LayerSummary, runLayer, runPipeline } from "../../pipeline";
import { parseModel } from "../../pipeline/models";
import {
  behaviour,
  env,
  item,
  order,
  readTable,
  tempLake,
  writeDay1,
  writeDay2,
  writeLanding,
  writeQuarantinedOrders,
} from "./fixture";

jest.setTimeout(60_000);

const pick = (rows: Record<string, unknown>[], cols: string[]) =>
  rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));
const META = new Set(["load_id", "processed_at", "ingested_at", "run_at"]);
const strip = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !META.has(k))));
const model = (s: LayerSummary, id: string) => s.models.find((m) => m.model === id)!;

describe("pipeline on DuckDB: golden fixture", () => {
  const lake = tempLake();
  let layers: LayerSummary[];
  beforeAll(async () => {
    writeDay1(lake);
    writeDay2(lake);
    const s = await runPipeline({ lakeDir: lake, loadId: "L1", windowEnd: "2024-05-01" });
    layers = s.layers;
    expect(s.status).toBe("succeeded");
  });

  test("bronze keeps every line, quarantines the unparseable one with its position, rescues extra envelope fields", async () => {
    const b = model(layers[0]!, "bronze.events");
    expect([b.rowsIn, b.rowsOut, b.quarantined]).toEqual([24, 23, 1]);
    const dir = join(lake, "quarantine", "bronze", "events");
    const file = join(dir, readdirSync(dir)[0]!, "L1.jsonl");
    const q = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({
      reason: "unparseable",
      rule: "parseable_record",
      source_file: "landing/ecommerce/order/ingest_date=2024-04-10/ec-o1.jsonl",
      line_no: 2,
      record: "{this is not json",
    });
    // When, as ISO 8601 UTC with milliseconds (JavaScript's own text of that instant; the Spark runtime's too).
    expect(q[0].quarantined_at).toBe(new Date(Date.parse(q[0].quarantined_at as string)).toISOString());
    const rows = await readTable(lake, "bronze.events", "source_file, line_no");
    const o6 = rows.filter((r) => r.event_id === "ev-o6");
    expect(o6.map((r) => r.rescued_fields)).toEqual(["traceId", ""]);
    const csv = rows.find((r) => r.record_format === "csv" && r.line_no === "2")!;
    expect(csv).toMatchObject({
      event_type: "product",
      source_system: "catalog",
      occurred_at: "2024-04-10 00:00:00+00",
    });
    expect(JSON.parse(csv.payload as string)).toEqual({
      productId: "P2",
      sku: "SKU2",
      name: "Novel",
      category: "books",
      price: "20.00",
      currency: "USD",
      stockQuantity: "5",
    });
  });

  test("silver dedups redeliveries and keeps the latest version per natural key; drop expectations quarantine", async () => {
    const orders = await readTable(lake, "silver.orders", "order_id");
    expect(
      pick(orders, [
        "order_id",
        "customer_id",
        "total_amount",
        "event_id",
        "promotion_code",
        "rescued_fields",
      ]),
    ).toEqual([
      {
        order_id: "O1",
        customer_id: "C1",
        total_amount: "100.00",
        event_id: "ev-o1b",
        promotion_code: "LATE",
        rescued_fields: "",
      },
      {
        order_id: "O2",
        customer_id: "C2",
        total_amount: "50.50",
        event_id: "ev-o2",
        promotion_code: null,
        rescued_fields: "",
      },
      {
        order_id: "O3",
        customer_id: "POS-9",
        total_amount: "30.00",
        event_id: "ev-o3",
        promotion_code: null,
        rescued_fields: "",
      },
      {
        order_id: "O6",
        customer_id: "U9",
        total_amount: "10.00",
        event_id: "ev-o6",
        promotion_code: null,
        rescued_fields: "giftWrap",
      },
    ]);
    const so = model(layers[1]!, "silver.orders");
    expect(so.quarantined).toBe(1);
    expect(so.expectations.find((e) => e.name === "contract_negative_amount")).toMatchObject({
      code: "negative_amount",
      failed: 1,
    });
    const items = await readTable(lake, "silver.order_items", "order_id, item_id");
    expect(pick(items, ["order_id", "item_id", "product_id", "category", "quantity", "total_price"])).toEqual(
      [
        {
          order_id: "O1",
          item_id: "I1",
          product_id: "P1",
          category: "Apparel",
          quantity: "2",
          total_price: "80.00",
        },
        {
          order_id: "O1",
          item_id: "I2",
          product_id: "P2",
          category: "Books",
          quantity: "1",
          total_price: "20.00",
        },
        {
          order_id: "O2",
          item_id: "I1",
          product_id: "P2",
          category: "Books",
          quantity: "1",
          total_price: "50.50",
        },
        {
          order_id: "O3",
          item_id: "I1",
          product_id: "P3",
          category: "Home",
          quantity: "3",
          total_price: "30.00",
        },
        {
          order_id: "O6",
          item_id: "I1",
          product_id: "P3",
          category: "Home",
          quantity: "1",
          total_price: "10.00",
        },
      ],
    );
    const products = await readTable(lake, "silver.products", "product_id");
    expect(pick(products, ["product_id", "product_name", "category", "price"])).toEqual([
      { product_id: "P1", product_name: "Shirt", category: "Apparel", price: "40.00" },
      { product_id: "P2", product_name: "Novel", category: "Books", price: "20.00" },
      { product_id: "P3", product_name: "Lamp", category: "Home", price: "10.00" },
    ]);
  });

  test("SCD2 customers: standardized versions with validity ranges; invalid email quarantined", async () => {
    const c = await readTable(lake, "silver.customers", "customer_id, valid_from");
    expect(
      pick(c, [
        "customer_id",
        "first_name",
        "email",
        "phone",
        "loyalty_tier",
        "valid_from",
        "valid_to",
        "is_current",
      ]),
    ).toEqual([
      {
        customer_id: "C1",
        first_name: "Ann",
        email: "ann.lee@example.com",
        phone: "+14155552671",
        loyalty_tier: "BRONZE",
        valid_from: "2024-03-01 09:00:00+00",
        valid_to: "2024-04-01 07:00:00+00",
        is_current: false,
      },
      {
        customer_id: "C1",
        first_name: "Ann",
        email: "ann.lee@example.com",
        phone: "+14155552671",
        loyalty_tier: "SILVER",
        valid_from: "2024-04-01 07:00:00+00",
        valid_to: null,
        is_current: true,
      },
      {
        customer_id: "C2",
        first_name: "Ann",
        email: "ann.lee@example.com",
        phone: null,
        loyalty_tier: "BRONZE",
        valid_from: "2024-03-02 00:00:00+00",
        valid_to: null,
        is_current: true,
      },
      {
        customer_id: "C3",
        first_name: "Bo",
        email: "bo@example.org",
        phone: "+442079460958",
        loyalty_tier: "BRONZE",
        valid_from: "2024-03-05 00:00:00+00",
        valid_to: null,
        is_current: true,
      },
    ]);
    const m = model(layers[1]!, "silver.customers");
    expect(m.expectations.find((e) => e.name === "contract_invalid_email")).toMatchObject({
      failed: 1,
      action: "drop",
    });
    const dir = join(lake, "quarantine", "silver", "customers");
    const q = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!, "L1.jsonl"), "utf8").trim());
    expect(q).toMatchObject({
      reason: "invalid_email",
      rule: "contract_invalid_email",
      codes: "invalid_email",
      line_no: 5,
    });
  });

  test("identity resolution: email, external id and unmatched ids, with the rule recorded", async () => {
    const i = await readTable(lake, "silver.customer_identity", "source_customer_id");
    expect(pick(i, ["source_customer_id", "customer_key", "match_rule"])).toEqual([
      { source_customer_id: "C1", customer_key: "C1", match_rule: "source_id" },
      { source_customer_id: "C2", customer_key: "C1", match_rule: "email" },
      { source_customer_id: "C3", customer_key: "C3", match_rule: "source_id" },
      { source_customer_id: "POS-9", customer_key: "C3", match_rule: "external_id" },
      { source_customer_id: "U9", customer_key: "U9", match_rule: "unmatched" },
    ]);
  });

  test("identity resolution follows a long email/phone chain to one key, and warns when a chain is too long", async () => {
    // P01 ~phone~ P02 ~email~ P03 ~phone~ ...: every profile of a chain resolves to its smallest id.
    const resolve = async (length: number) => {
      const lake = tempLake();
      try {
        const ids = Array.from({ length }, (_, i) => `P${String(i + 1).padStart(3, "0")}`);
        const lines = ids.map((id, i) =>
          env(`ev-${id}`, "customer_profile", "crm", "2024-04-10T08:00:00Z", id, {
            customerId: id,
            firstName: "Pat",
            lastName: id,
            // profile i shares its phone with i+1 when i is even, its email when i is odd
            email: `p${Math.floor((i + 1) / 2)}@chain.example`,
            phone: `+1415555${1000 + Math.floor(i / 2)}`,
            registrationDate: "2024-01-01",
            status: "ACTIVE",
            customerSegment: "BASIC",
            loyaltyTier: "BRONZE",
            loyaltyPoints: 0,
            consent: { email: false, sms: false },
          }),
        );
        writeLanding(lake, "crm", "customer_profile", "2024-04-10", "chain.jsonl", lines);
        const s = await runPipeline({ lakeDir: lake, loadId: "K", layers: ["bronze", "silver"] });
        expect(s.status).toBe("succeeded");
        const rows = await readTable(lake, "silver.customer_identity", "source_customer_id");
        const rule = model(s.layers[1]!, "silver.customer_identity").expectations.find(
          (e) => e.name === "converged",
        )!;
        return { ids, rows, rule };
      } finally {
        rmSync(lake, { recursive: true, force: true });
      }
    };
    const short = await resolve(9);
    expect(short.rows.map((r) => [r.source_customer_id, r.customer_key, r.is_converged])).toEqual(
      short.ids.map((id) => [id, "P001", true]),
    );
    expect(short.rule).toMatchObject({ action: "warn", failed: 0, passed: true });
    // Beyond what four unrolled rounds reach, the run still succeeds but the warn rule flags the profiles.
    const long = await resolve(60);
    expect(long.rule.passed).toBe(false);
    expect(long.rows.filter((r) => r.is_converged === false).length).toBe(long.rule.failed);
  });

  test("sessionization splits on a 30-minute gap and keeps anonymous visitors", async () => {
    const s = await readTable(lake, "silver.sessions", "session_key");
    expect(
      pick(s, ["session_key", "event_count", "duration_sec", "is_converted", "is_bounce", "channel"]),
    ).toEqual([
      {
        session_key: "A1:1",
        event_count: "1",
        duration_sec: "0",
        is_converted: false,
        is_bounce: true,
        channel: "APP",
      },
      {
        session_key: "C1:1",
        event_count: "4",
        duration_sec: "720",
        is_converted: true,
        is_bounce: false,
        channel: "WEB",
      },
      {
        session_key: "C1:2",
        event_count: "1",
        duration_sec: "0",
        is_converted: false,
        is_bounce: true,
        channel: "WEB",
      },
    ]);
  });

  test("gold.customer_360 and value tiers", async () => {
    const g = await readTable(lake, "gold.customer_360", "customer_key");
    expect(
      pick(g, [
        "customer_key",
        "profile_id",
        "source_id_count",
        "total_orders",
        "total_spent",
        "avg_order_value",
        "days_since_last_order",
        "total_sessions",
        "total_events",
        "support_tickets",
        "value_segment",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        profile_id: "C1",
        source_id_count: "2",
        total_orders: "2",
        total_spent: "150.50",
        avg_order_value: "75.25",
        days_since_last_order: "11",
        total_sessions: "2",
        total_events: "5",
        support_tickets: "1",
        value_segment: "New",
      },
      {
        customer_key: "C3",
        profile_id: "C3",
        source_id_count: "2",
        total_orders: "1",
        total_spent: "30.00",
        avg_order_value: "30.00",
        days_since_last_order: "11",
        total_sessions: "0",
        total_events: "0",
        support_tickets: "0",
        value_segment: "New",
      },
      {
        customer_key: "U9",
        profile_id: null,
        source_id_count: "1",
        total_orders: "1",
        total_spent: "10.00",
        avg_order_value: "10.00",
        days_since_last_order: "21",
        total_sessions: "0",
        total_events: "0",
        support_tickets: "0",
        value_segment: "New",
      },
    ]);
  });

  test("gold.customer_segments: RFM quintiles and named segments", async () => {
    const g = await readTable(lake, "gold.customer_segments", "customer_key");
    expect(pick(g, ["customer_key", "r_score", "f_score", "m_score", "rfm_cell", "rfm_segment"])).toEqual([
      { customer_key: "C1", r_score: 2, f_score: 3, m_score: 3, rfm_cell: "233", rfm_segment: "At Risk" },
      {
        customer_key: "C3",
        r_score: 3,
        f_score: 1,
        m_score: 2,
        rfm_cell: "312",
        rfm_segment: "Need Attention",
      },
      { customer_key: "U9", r_score: 1, f_score: 2, m_score: 1, rfm_cell: "121", rfm_segment: "Lost" },
    ]);
  });

  test("gold.customer_lifetime_value: seed 000 projection and seed 001 factors", async () => {
    const g = await readTable(lake, "gold.customer_lifetime_value", "customer_key");
    expect(
      pick(g, [
        "customer_key",
        "lifespan_days",
        "historical_clv_3y",
        "churn_probability",
        "recency_factor",
        "frequency_factor",
        "factor_clv",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        lifespan_days: "10",
        historical_clv_3y: "16479.75",
        churn_probability: "0.10",
        recency_factor: "1.20",
        frequency_factor: "0.70",
        factor_clv: "126.42",
      },
      {
        customer_key: "C3",
        lifespan_days: "0",
        historical_clv_3y: "0.00",
        churn_probability: "0.10",
        recency_factor: "1.20",
        frequency_factor: "0.70",
        factor_clv: "25.20",
      },
      {
        customer_key: "U9",
        lifespan_days: "0",
        historical_clv_3y: "0.00",
        churn_probability: "0.10",
        recency_factor: "1.20",
        frequency_factor: "0.70",
        factor_clv: "8.40",
      },
    ]);
  });

  test("gold.churn_features", async () => {
    const g = await readTable(lake, "gold.churn_features", "customer_key");
    expect(
      pick(g.slice(0, 1), [
        "customer_key",
        "days_since_last_purchase",
        "days_since_last_activity",
        "tenure_days",
        "orders_90d",
        "sessions_30d",
        "active_days_90d",
        "activity_rate_90d",
        "support_contacts_per_purchase",
        "cart_abandonment_rate",
        "is_churn_risk",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        days_since_last_purchase: "11",
        days_since_last_activity: "11",
        tenure_days: "121",
        orders_90d: "2",
        sessions_30d: "2",
        active_days_90d: "2",
        activity_rate_90d: "0.0222",
        support_contacts_per_purchase: "0.5000",
        cart_abandonment_rate: "0.0000",
        is_churn_risk: false,
      },
    ]);
  });

  test("gold.data_quality_scores: the fixture's scores, and the gold summary carries them", async () => {
    const g = await readTable(lake, "gold.data_quality_scores", "table_name");
    const customers = g.find((r) => r.table_name === "silver.customers")!;
    // 4 of 5 profiles valid (bob@@x dropped); every kept version landed on 04-10, 9+ days after it occurred;
    // current profiles C1 and C2 share an email, C3 has its own: 2 distinct of 3; accuracy: 1 failed check (the
    // invalid email) of 5 rows × 20 field rules (one per contract code silver.customers can see, and the
    // occurred-at guard)
    expect(
      pick(
        [customers],
        [
          "completeness",
          "accuracy",
          "timeliness",
          "validity",
          "uniqueness",
          "dq_score",
          "below_level",
          "status",
        ],
      ),
    ).toEqual([
      {
        completeness: "1.000000",
        accuracy: "0.990000",
        timeliness: "0.000000",
        validity: "0.800000",
        uniqueness: "0.666667",
        dq_score: "0.691333",
        below_level: "timeliness",
        status: "degraded",
      },
    ]);
    const gold = layers[2]!;
    expect(gold.dataQuality?.map((d) => [d.table, d.score, d.status])).toEqual(
      g.map((r) => [r.table_name, Number(r.dq_score), r.status]),
    );
    expect(gold.dataQuality?.find((d) => d.table === "silver.customers")?.belowLevel).toEqual(["timeliness"]);
  });

  test("PII minimised: no analytics mart carries a name, email or phone; the restricted contact view does", async () => {
    // Contact data by column name; `product_name` and the like are not personal.
    const PII =
      /^(first_name|last_name|full_name|customer_name|name|email|emails|phone|phones|date_of_birth|street|address.*|postal_code)$/;
    // Gold tables allowed to hold contact data, each with its one use (docs/pipeline.md, "Personal data in gold"):
    // customer_contacts, the restricted contact view (reaching the customer); profile_traits, the traits sync's
    // export whose normalized emails and phones feed the profile store's lookup index (operational, not analytics).
    const CONTACT_TABLES = new Set(["customer_contacts", "profile_traits"]);
    const gold = readdirSync(join(lake, "gold")).filter((t) => !t.startsWith("_"));
    expect(gold).toEqual(expect.arrayContaining(["customer_360", "top_customers", "customer_contacts"]));
    const offenders: string[] = [];
    for (const t of gold) {
      const rows = await readTable(lake, `gold.${t}`, "1");
      const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
      if (t === "customer_contacts")
        expect(columns).toEqual(expect.arrayContaining(["email", "phone", "first_name"]));
      if (CONTACT_TABLES.has(t)) continue;
      offenders.push(...columns.filter((c) => PII.test(c)).map((c) => `gold.${t}.${c}`));
    }
    expect(offenders).toEqual([]);
    const contacts = await readTable(lake, "gold.customer_contacts", "customer_key");
    expect(
      pick(contacts, ["customer_key", "profile_id", "first_name", "email", "phone", "consent_email"]),
    ).toEqual([
      {
        customer_key: "C1",
        profile_id: "C1",
        first_name: "Ann",
        email: "ann.lee@example.com",
        phone: "+14155552671",
        consent_email: true,
      },
      {
        customer_key: "C3",
        profile_id: "C3",
        first_name: "Bo",
        email: "bo@example.org",
        phone: "+442079460958",
        consent_email: true,
      },
    ]);
  });

  test("gold.personalization_features: category affinity and top product", async () => {
    const g = await readTable(lake, "gold.personalization_features", "customer_key, category");
    expect(
      pick(g, [
        "customer_key",
        "category",
        "purchased_quantity",
        "purchase_amount",
        "product_views",
        "affinity_score",
        "preference_rank",
        "top_product_id",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        category: "Apparel",
        purchased_quantity: "2",
        purchase_amount: "80.00",
        product_views: "1",
        affinity_score: "0.5221",
        preference_rank: 1,
        top_product_id: "P1",
      },
      {
        customer_key: "C1",
        category: "Books",
        purchased_quantity: "2",
        purchase_amount: "70.50",
        product_views: "1",
        affinity_score: "0.4779",
        preference_rank: 2,
        top_product_id: "P2",
      },
      {
        customer_key: "C3",
        category: "Home",
        purchased_quantity: "3",
        purchase_amount: "30.00",
        product_views: "0",
        affinity_score: "0.7000",
        preference_rank: 1,
        top_product_id: "P3",
      },
      // U9 (orders only, no profile: no consent statement) is not personalized
    ]);
  });

  test("gold.customer_behavior (daily)", async () => {
    const g = await readTable(lake, "gold.customer_behavior", "customer_key, activity_date");
    expect(
      pick(g, [
        "customer_key",
        "activity_date",
        "events",
        "sessions",
        "product_views",
        "cart_adds",
        "checkouts",
        "orders",
        "revenue",
        "support_interactions",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        activity_date: "2024-04-10",
        events: "5",
        sessions: "2",
        product_views: "2",
        cart_adds: "1",
        checkouts: "1",
        orders: "1",
        revenue: "100.00",
        support_interactions: "1",
      },
      {
        customer_key: "C1",
        activity_date: "2024-04-20",
        events: "0",
        sessions: "0",
        product_views: "0",
        cart_adds: "0",
        checkouts: "0",
        orders: "1",
        revenue: "50.50",
        support_interactions: "0",
      },
      {
        customer_key: "C3",
        activity_date: "2024-04-20",
        events: "0",
        sessions: "0",
        product_views: "0",
        cart_adds: "0",
        checkouts: "0",
        orders: "1",
        revenue: "30.00",
        support_interactions: "0",
      },
      {
        customer_key: "U9",
        activity_date: "2024-04-10",
        events: "0",
        sessions: "0",
        product_views: "0",
        cart_adds: "0",
        checkouts: "0",
        orders: "1",
        revenue: "10.00",
        support_interactions: "0",
      },
    ]);
  });

  test("gold.customer_journey", async () => {
    const g = await readTable(lake, "gold.customer_journey", "customer_key");
    expect(
      pick(g, [
        "customer_key",
        "first_touch_channel",
        "first_purchase_channel",
        "days_to_first_order",
        "customer_lifespan_days",
        "sessions_before_first_order",
        "conversion_profile",
        "journey_stage",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        first_touch_channel: "WEB",
        first_purchase_channel: "ECOMMERCE",
        days_to_first_order: "100",
        customer_lifespan_days: "10",
        sessions_before_first_order: "1",
        conversion_profile: "Non-Converter",
        journey_stage: "Repeat Customer",
      },
      {
        customer_key: "C3",
        first_touch_channel: null,
        first_purchase_channel: "POS",
        days_to_first_order: "110",
        customer_lifespan_days: "0",
        sessions_before_first_order: "0",
        conversion_profile: "Non-Converter",
        journey_stage: "First Purchase",
      },
      {
        customer_key: "U9",
        first_touch_channel: null,
        first_purchase_channel: "ECOMMERCE",
        days_to_first_order: null,
        customer_lifespan_days: "0",
        sessions_before_first_order: "0",
        conversion_profile: "Non-Converter",
        journey_stage: "First Purchase",
      },
    ]);
  });

  test("gold.sales_summary, channel_performance, top_customers", async () => {
    const s = await readTable(lake, "gold.sales_summary", "order_date");
    expect(
      pick(s, ["order_date", "orders", "customers", "revenue", "avg_order_value", "items_sold"]),
    ).toEqual([
      {
        order_date: "2024-04-10",
        orders: "2",
        customers: "2",
        revenue: "110.00",
        avg_order_value: "55.00",
        items_sold: "4",
      },
      {
        order_date: "2024-04-20",
        orders: "2",
        customers: "2",
        revenue: "80.50",
        avg_order_value: "40.25",
        items_sold: "4",
      },
    ]);
    const c = await readTable(lake, "gold.channel_performance", "channel_type, channel");
    expect(
      pick(c, [
        "channel_type",
        "channel",
        "orders",
        "revenue",
        "revenue_share",
        "sessions",
        "conversion_rate",
        "bounce_rate",
      ]),
    ).toEqual([
      {
        channel_type: "digital",
        channel: "APP",
        orders: null,
        revenue: null,
        revenue_share: null,
        sessions: "1",
        conversion_rate: "0.0000",
        bounce_rate: "1.0000",
      },
      {
        channel_type: "digital",
        channel: "WEB",
        orders: null,
        revenue: null,
        revenue_share: null,
        sessions: "2",
        conversion_rate: "0.5000",
        bounce_rate: "0.5000",
      },
      {
        channel_type: "sales",
        channel: "ECOMMERCE",
        orders: "2",
        revenue: "110.00",
        revenue_share: "0.5774",
        sessions: null,
        conversion_rate: null,
        bounce_rate: null,
      },
      {
        channel_type: "sales",
        channel: "POS",
        orders: "2",
        revenue: "80.50",
        revenue_share: "0.4226",
        sessions: null,
        conversion_rate: null,
        bounce_rate: null,
      },
    ]);
    const t = await readTable(lake, "gold.top_customers", "revenue_rank");
    expect(pick(t, ["revenue_rank", "customer_key", "total_spent", "factor_clv"])).toEqual([
      { revenue_rank: 1, customer_key: "C1", total_spent: "150.50", factor_clv: "126.42" },
      { revenue_rank: 2, customer_key: "C3", total_spent: "30.00", factor_clv: "25.20" },
      { revenue_rank: 3, customer_key: "U9", total_spent: "10.00", factor_clv: "8.40" },
    ]);
  });

  test("gold.lead_scores: seed 002 weights", async () => {
    const g = await readTable(lake, "gold.lead_scores", "customer_key");
    expect(
      pick(g, [
        "customer_key",
        "total_interactions",
        "engagement_score",
        "win_rate",
        "lead_score",
        "lead_quality",
      ]),
    ).toEqual([
      {
        customer_key: "C1",
        total_interactions: "3",
        engagement_score: "1.90",
        win_rate: "1.0000",
        lead_score: "79.75",
        lead_quality: "warm",
      },
      {
        customer_key: "C3",
        total_interactions: "0",
        engagement_score: "1.50",
        win_rate: "1.0000",
        lead_score: "34.73",
        lead_quality: "cold",
      },
      {
        customer_key: "U9",
        total_interactions: "0",
        engagement_score: "1.50",
        win_rate: "1.0000",
        lead_score: "30.74",
        lead_quality: "cold",
      },
    ]);
  });

  test("gold.data_quality_metrics: per table and run", async () => {
    const g = await readTable(lake, "gold.data_quality_metrics", "table_name, metric");
    const get = (t: string, m: string) => g.find((r) => r.table_name === t && r.metric === m)?.metric_value;
    expect(get("bronze.events", "quarantined")).toBe("1.000000");
    expect(get("silver.orders", "validity")).toBe("0.800000");
    expect(get("silver.customers", "failed:contract_invalid_email")).toBe("1.000000");
    expect(get("silver.customers", "completeness:phone")).toBe("0.666667");
    expect(get("silver.orders", "uniqueness:order_id")).toBe("1.000000");
  });
});

describe("pipeline on DuckDB: idempotency, incremental = full, erasure, fail expectations", () => {
  const TABLES: [string, string][] = [
    ["bronze.events", "source_file, line_no"],
    ["silver.customers", "customer_id, valid_from"],
    ["silver.orders", "order_id"],
    ["silver.order_items", "order_id, item_id"],
    ["silver.behavioral_events", "event_id"],
    ["silver.sessions", "session_key"],
    ["silver.support_interactions", "interaction_id"],
    ["silver.products", "product_id"],
    ["silver.customer_identity", "source_customer_id"],
    ["gold.customer_360", "customer_key"],
    ["gold.customer_segments", "customer_key"],
    ["gold.customer_lifetime_value", "customer_key"],
    ["gold.churn_features", "customer_key"],
    ["gold.personalization_features", "customer_key, category"],
    ["gold.customer_behavior", "customer_key, activity_date"],
    ["gold.customer_journey", "customer_key"],
    ["gold.sales_summary", "order_date"],
    ["gold.channel_performance", "channel_type, channel"],
    ["gold.top_customers", "revenue_rank"],
    ["gold.lead_scores", "customer_key"],
    ["gold.session_engagement", "session_key"],
    ["gold.customer_engagement", "customer_key"],
  ];
  const snapshot = async (lake: string, skip: string[] = []) => {
    const out: Record<string, unknown> = {};
    for (const [t, o] of TABLES)
      if (!skip.includes(t))
        out[t] = strip(await readTable(lake, t, o)).map((r) => ({ ...r, load_id: undefined }));
    return out;
  };

  test("landing read in many batches (one file each, the next split while the model runs) gives the same tables as one batch", async () => {
    const one = tempLake();
    const many = tempLake();
    for (const lake of [one, many]) {
      writeDay1(lake);
      writeDay2(lake);
    }
    const params = { loadId: "A", windowEnd: "2024-05-01" };
    const whole = await runPipeline({ lakeDir: one, ...params });
    process.env.C360_BRONZE_BATCH_MB = "0.000001"; // smaller than any file: one batch per file
    let split: Awaited<ReturnType<typeof runPipeline>>;
    try {
      split = await runPipeline({ lakeDir: many, ...params });
    } finally {
      delete process.env.C360_BRONZE_BATCH_MB;
    }
    expect([whole.status, split.status]).toEqual(["succeeded", "succeeded"]);
    const bronzeFiles = (lake: string) => readdirSync(join(lake, "bronze", "events")).length;
    expect(bronzeFiles(one)).toBe(1);
    expect(bronzeFiles(many)).toBeGreaterThan(5);
    const counts = (s: typeof whole) => {
      const b = model(s.layers[0]!, "bronze.events");
      return [b.rowsIn, b.rowsOut, b.quarantined, b.expectations.map((e) => e.failed)];
    };
    expect(counts(split)).toEqual(counts(whole));
    expect(await snapshot(many)).toEqual(await snapshot(one));
  });

  test("a rerun after bronze was written but its files not recorded (a crash in between) loads no line twice, in many batches", async () => {
    const lake = tempLake();
    writeDay1(lake);
    writeDay2(lake);
    const params = { lakeDir: lake, windowEnd: "2024-05-01", layers: ["bronze" as const] };
    process.env.C360_BRONZE_BATCH_MB = "0.000001"; // one batch per file: the anti-join decision is per batch
    try {
      const first = await runPipeline({ ...params, loadId: "A" });
      expect(first.status).toBe("succeeded");
      const loaded = model(first.layers[0]!, "bronze.events").rowsOut;
      rmSync(join(lake, "control", "loaded_files"), { recursive: true, force: true });
      const again = await runPipeline({ ...params, loadId: "B" });
      expect(again.status).toBe("succeeded");
      const b = model(again.layers[0]!, "bronze.events");
      expect(b.rowsIn).toBeGreaterThan(0);
      expect([b.rowsWritten, b.rowsOut]).toEqual([0, loaded]);
    } finally {
      delete process.env.C360_BRONZE_BATCH_MB;
    }
  });

  test("two incremental windows give the same tables as one full run", async () => {
    const inc = tempLake();
    const full = tempLake();
    writeDay1(inc);
    writeDay1(full);
    await runPipeline({
      lakeDir: inc,
      loadId: "D1",
      windowStart: "2024-04-10",
      windowEnd: "2024-04-11",
      layers: ["bronze", "silver"],
    });
    writeDay2(inc);
    writeDay2(full);
    const d2 = await runPipeline({
      lakeDir: inc,
      loadId: "D2",
      windowStart: "2024-04-20",
      windowEnd: "2024-04-21",
    });
    expect(d2.status).toBe("succeeded");
    await runPipeline({ lakeDir: full, loadId: "F", windowStart: "2024-04-10", windowEnd: "2024-04-21" });
    // bronze rows differ only by which load ingested them; everything else must match exactly
    expect(await snapshot(inc)).toEqual(await snapshot(full));
  });

  test("a model that gains a column: the next run adds it to MERGE, insert-only and SCD2 tables (NULL in older rows)", async () => {
    const lake = tempLake();
    const full = tempLake();
    const v1 = tempLake();
    // v1 of the models: three silver tables without one column each (one per materialization)
    cpSync(join(__dirname, "..", "..", "models"), v1, { recursive: true });
    const dropLine = (file: string, line: string) => {
      const path = join(v1, "silver", file);
      const sql = readFileSync(path, "utf8");
      expect(sql).toContain(line);
      writeFileSync(path, sql.replace(line, ""));
    };
    dropLine("orders.sql", "  l.promotion_code,\n"); // incremental MERGE with updates
    dropLine("behavioral_events.sql", "  trim(r.pm['productId']) AS product_id,\n"); // insert-only
    dropLine("customers.sql", "  c.preferred_channel,\n"); // SCD2
    writeDay1(lake);
    const w1 = { windowStart: "2024-04-10", windowEnd: "2024-04-11" };
    const old = await runPipeline({
      lakeDir: lake,
      loadId: "V1",
      ...w1,
      modelsDir: v1,
      layers: ["bronze", "silver"],
    });
    expect(old.status).toBe("succeeded");
    expect(Object.keys((await readTable(lake, "silver.orders", "order_id"))[0]!)).not.toContain(
      "promotion_code",
    );
    // v2 (the real models) on the next day's data; behavioural events get no new row that day
    writeDay2(lake);
    const next = await runPipeline({
      lakeDir: lake,
      loadId: "V2",
      windowStart: "2024-04-20",
      windowEnd: "2024-04-21",
    });
    expect(next.status).toBe("succeeded");
    writeDay1(full);
    writeDay2(full);
    await runPipeline({ lakeDir: full, loadId: "F", windowStart: "2024-04-10", windowEnd: "2024-04-21" });
    // Every row equals the full v2 run's, except that rows last written by v1 hold NULL in the new column.
    for (const [table, order, added] of [
      ["silver.orders", "order_id", "promotion_code"],
      ["silver.behavioral_events", "event_id", "product_id"],
      ["silver.customers", "customer_id, valid_from", "preferred_channel"],
    ] as const) {
      const got = await readTable(lake, table, order);
      const want: Record<string, unknown>[] = strip(await readTable(full, table, order)).map((r) => ({
        ...r,
        load_id: undefined,
      }));
      const olderRows = got.filter((r) => r.load_id === "V1");
      expect(olderRows.length).toBeGreaterThan(0);
      expect(olderRows.every((r) => r[added] === null)).toBe(true);
      expect(
        strip(got).map((r, i) => ({
          ...r,
          load_id: undefined,
          [added]: got[i]!.load_id === "V1" ? want[i]![added] : r[added],
        })),
      ).toEqual(want);
    }
    const updated = (await readTable(lake, "silver.orders", "order_id")).find((r) => r.order_id === "O1")!;
    expect([updated.load_id, updated.promotion_code]).toEqual(["V2", "LATE"]);
  });

  test("erasure requests remove the person from bronze, silver, gold and the quarantine under every resolved id", async () => {
    const lake = tempLake();
    writeDay1(lake);
    writeDay2(lake);
    // Quarantined records: the person's unparseable line (bronze) and negative order (silver), and someone else's
    // unparseable line, which must stay.
    writeQuarantinedOrders(lake);
    // An older profile about the person with no customer id on its envelope: only its payload names them.
    writeLanding(lake, "crm", "customer_profile", "2024-04-10", "crm-anon.jsonl", [
      env("ev-p-anon", "customer_profile", "crm", "2024-02-10T00:00:00Z", undefined, {
        customerId: "C3",
        firstName: "Bo",
        lastName: "Chan",
        email: "bo@example.org",
        customerSegment: "BASIC",
        loyaltyTier: "BRONZE",
        loyaltyPoints: 0,
        registrationDate: "2024-01-01",
        status: "ACTIVE",
        consent: { email: false, sms: false },
      }),
    ]);
    await runPipeline({ lakeDir: lake, loadId: "E1", windowEnd: "2024-05-01" });
    const quarantineLines = (): string[] => {
      const walk = (dir: string): string[] =>
        existsSync(dir)
          ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
              e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
            )
          : [];
      return walk(join(lake, "quarantine")).flatMap((f) =>
        readFileSync(f, "utf8").split("\n").filter(Boolean),
      );
    };
    const namesPerson = (line: string) => /\\"(C3|POS-9)\\"/.test(line);
    const personQuarantined = quarantineLines().filter(namesPerson).length;
    // their unparseable line, their negative order, and the profile without an envelope customer id (the contract
    // requires one on profiles: CUSTOMER_REQUIRED), quarantined by silver.customers
    expect(personQuarantined).toBe(3);
    const bronzeIds = async () =>
      new Set((await readTable(lake, "bronze.events", "source_file, line_no")).map((r) => r.customer_id));
    expect(await bronzeIds()).toContain("C3");
    const theirRows = (await readTable(lake, "bronze.events", "source_file, line_no")).filter(
      (r) => r.customer_id === "C3" || r.customer_id === "POS-9" || r.payload_customer_id === "C3",
    ).length;
    expect(
      (await readTable(lake, "bronze.events", "source_file, line_no")).filter(
        (r) => r.event_id === "ev-p-anon",
      ),
    ).toMatchObject([{ customer_id: null, payload_customer_id: "C3" }]);
    mkdirSync(join(lake, "control", "erasure"), { recursive: true });
    writeFileSync(
      join(lake, "control", "erasure", "req-1.jsonl"),
      JSON.stringify({ customerId: "C3", requestedAt: "2024-04-30T00:00:00Z", requestId: "R1" }) + "\n",
    );
    const s = await runPipeline({
      lakeDir: lake,
      loadId: "E2",
      windowEnd: "2024-05-01",
    });
    expect(s.status).toBe("succeeded");
    // bronze has no new file to load, yet its raw records of the person (under both ids) are purged
    const left = await bronzeIds();
    expect([left.has("C3"), left.has("POS-9"), left.has("C1")]).toEqual([false, false, true]);
    expect(
      (await readTable(lake, "bronze.events", "source_file, line_no")).filter(
        (r) => r.event_id === "ev-p-anon",
      ),
    ).toEqual([]);
    // ... and so are their lines in the landing files: blanked in place, so every other bronze row still points
    // at its own line
    expect(theirRows).toBeGreaterThanOrEqual(2);
    // (+1: the unparseable line, which never reached bronze, is blanked through its quarantine record)
    expect(s.layers[0]!.erasedLandingLines).toBe(theirRows + 1);
    // The quarantine keeps no record of the person, and everyone else's records stay.
    expect(quarantineLines().filter(namesPerson)).toEqual([]);
    expect(quarantineLines().filter((l) => l.includes("ev-bad-c1"))).toHaveLength(1);
    expect(s.layers.reduce((n, l) => n + (l.erasedQuarantineRecords ?? 0), 0)).toBe(personQuarantined);
    const landingLine = (file: string, n: number) =>
      readFileSync(join(lake, file), "utf8").split("\n")[n - 1]!.replace(/\r$/, "");
    const landingFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? landingFiles(join(dir, e.name))
          : e.name.endsWith(".jsonl")
            ? [join(dir, e.name)]
            : [],
      );
    const mentions = landingFiles(join(lake, "landing")).filter((f) =>
      /"(C3|POS-9)"/.test(readFileSync(f, "utf8")),
    );
    expect(mentions).toEqual([]);
    for (const r of await readTable(lake, "bronze.events", "source_file, line_no"))
      if (r.record_format === "jsonl")
        expect(landingLine(r.source_file as string, Number(r.line_no))).toBe(r.raw_record);
    const again = await runPipeline({ lakeDir: lake, loadId: "E3", windowEnd: "2024-05-01" });
    expect(again.layers[0]!.erasedLandingLines).toBe(0);
    expect(again.layers.map((l) => l.erasedQuarantineRecords ?? 0)).toEqual([0, 0, 0]);
    expect((await readTable(lake, "silver.customers", "customer_id")).map((r) => r.customer_id)).toEqual([
      "C1",
      "C1",
      "C2",
    ]);
    expect((await readTable(lake, "silver.orders", "order_id")).map((r) => r.order_id)).toEqual([
      "O1",
      "O2",
      "O6",
    ]);
    expect(
      (await readTable(lake, "silver.customer_identity", "source_customer_id")).map(
        (r) => r.source_customer_id,
      ),
    ).toEqual(["C1", "C2", "U9"]);
    expect((await readTable(lake, "gold.customer_360", "customer_key")).map((r) => r.customer_key)).toEqual([
      "C1",
      "U9",
    ]);
    expect(
      (await readTable(lake, "gold.personalization_features", "customer_key")).map((r) => r.customer_key),
    ).toEqual(["C1", "C1"]); // U9 has no consent statement (a marketing use)
  });

  test("a failing `fail` expectation stops the layer before the table is written", async () => {
    const lake = tempLake();
    const models = tempLake();
    cpSync(join(__dirname, "..", "..", "models"), models, { recursive: true });
    writeFileSync(
      join(models, "silver", "zz_guard.sql"),
      [
        "-- @materialized full",
        "-- @inputs silver.orders",
        "-- @expect fail negative_amount small_orders_only: total_amount < 50",
        "SELECT o.order_id, o.total_amount FROM silver.orders AS o",
      ].join("\n"),
    );
    writeDay1(lake);
    writeDay2(lake);
    const s = await runPipeline({
      lakeDir: lake,
      loadId: "F1",
      modelsDir: models,
      layers: ["bronze", "silver", "gold"],
    });
    expect(s.status).toBe("failed");
    expect(s.layers.map((l) => l.status)).toEqual(["succeeded", "failed"]);
    expect(s.layers[1]!.error).toBe("silver.zz_guard: fail expectation(s) not met: small_orders_only");
    expect(model(s.layers[1]!, "silver.zz_guard").expectations[0]).toMatchObject({
      failed: 2,
      passed: false,
    });
    expect(existsSync(join(lake, "silver", "zz_guard"))).toBe(false);
    expect(existsSync(join(lake, "gold"))).toBe(false);
  });

  test("an invalid window fails the layer with a clear error instead of throwing", async () => {
    const lake = tempLake();
    writeDay1(lake);
    await runLayer("bronze", { lakeDir: lake, loadId: "X" });
    const s = await runLayer("silver", { lakeDir: lake, loadId: "X", windowStart: "bad-date" });
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/windowStart is not an ISO date/);
  });
});

describe("silver.event_deliveries: one redelivery rule for every event type", () => {
  const lake = tempLake();

  test("the first landed copy wins (ingest date, file, line); event ids count per event type; a view, not a table", async () => {
    const view = (id: string, action: string) =>
      env(id, "behavioral_event", "web", "2024-04-01T10:00:00Z", "C1", behaviour("S1", action));
    writeLanding(lake, "web", "behavioral_event", "2024-04-01", "b.jsonl", [
      view("ev-1", "PAGE_VIEW"),
      view("ev-2", "SEARCH"),
      view("ev-2", "CLICK"), // same file, later line
    ]);
    writeLanding(lake, "web", "behavioral_event", "2024-04-02", "a.jsonl", [view("ev-1", "CART_ADD")]); // later day
    writeLanding(lake, "ecommerce", "order", "2024-04-02", "o.jsonl", [
      // the same id under another event type is a different event
      env(
        "ev-1",
        "order",
        "ecommerce",
        "2024-04-02T09:00:00Z",
        "C1",
        order("O1", "ECOMMERCE", "2024-04-02T09:00:00Z", 10, [item("I1", "P1", "Home", 1, 10)]),
      ),
    ]);
    const params = { lakeDir: lake, loadId: "V1", windowEnd: "2024-05-01" };
    expect((await runLayer("bronze", params)).status).toBe("succeeded");
    const silver = await runLayer("silver", params);
    expect(silver.status).toBe("succeeded");
    const events = await readTable(lake, "silver.behavioral_events", "event_id");
    expect(pick(events, ["event_id", "action", "source_file", "line_no"])).toEqual([
      {
        event_id: "ev-1",
        action: "PAGE_VIEW",
        source_file: "landing/web/behavioral_event/ingest_date=2024-04-01/b.jsonl",
        line_no: "1",
      },
      {
        event_id: "ev-2",
        action: "SEARCH",
        source_file: "landing/web/behavioral_event/ingest_date=2024-04-01/b.jsonl",
        line_no: "2",
      },
    ]);
    expect(pick(await readTable(lake, "silver.orders", "order_id"), ["order_id", "event_id"])).toEqual([
      { order_id: "O1", event_id: "ev-1" },
    ]);
    expect(silver.models.map((m) => m.model)).not.toContain("silver.event_deliveries");
    expect(existsSync(join(lake, "silver", "event_deliveries"))).toBe(false);
  });

  test("a view model with expectations or erase_by is rejected: it holds no rows of its own", () => {
    for (const header of ["-- @expect warn x y: true", "-- @erase_by customer_id"])
      expect(() =>
        parseModel("silver", "v", "v.sql", `-- @materialized view\n${header}\nSELECT 1 AS x`),
      ).toThrow(/a view holds no rows of its own/);
    expect(parseModel("silver", "v", "v.sql", "-- @materialized view\nSELECT 1 AS x").materialized).toBe(
      "view",
    );
  });
});
