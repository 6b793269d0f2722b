/**
 * gold.data_quality_scores: seed 000's composite data-quality score per silver table and load, each §17.1 level
 * (completeness 0.95, accuracy 0.90, consistency 0.85, timeliness 0.80) taken from both sides.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DQ_DIMENSION_LEVELS } from "../../contracts/metrics";
import { type Row, runModelOn, valuesOf } from "./model-unit";

jest.setTimeout(60_000);

const NONE = (cols: string[]) =>
  `SELECT ${cols.map((c) => `CAST(NULL AS VARCHAR) AS ${c}`).join(", ")} WHERE false`;
const landed = (day: string) => `landing/crm/customer_profile/ingest_date=${day}/b.jsonl`;

/** n customer rows of a load: the first `incomplete` lack a registration date, the first `late` landed 2 days late. */
function customers(load: string, n: number, incomplete: number, late: number): (string | boolean | null)[][] {
  return Array.from({ length: n }, (_, i) => [
    `${load}-C${i}`,
    `${load}-${i}@example.com`,
    "Ann",
    "Lee",
    i < incomplete ? null : "2024-01-01",
    "2024-04-10 09:00:00",
    landed(i < late ? "2024-04-12" : "2024-04-11"),
    load,
    true,
  ]);
}
/** n orders of a load: the first `inconsistent` have a total that is not items + tax + shipping − discount. */
function orders(load: string, n: number, inconsistent: number): (string | number | null)[][] {
  return Array.from({ length: n }, (_, i) => [
    `${load}-O${i}`,
    "C1",
    "2024-04-10 09:00:00",
    "POS",
    "COMPLETED",
    "PURCHASE",
    "USD",
    i < inconsistent ? 100.02 : 100,
    10,
    5,
    15,
    "2024-04-10 09:00:00",
    "landing/pos/order/ingest_date=2024-04-10/o.jsonl",
    load,
  ]);
}

describe("gold.data_quality_scores", () => {
  let rows: Row[];
  beforeAll(async () => {
    const run = (load: string, model: string, rowsIn: number, quarantined: number) => [
      load,
      "silver",
      model,
      rowsIn,
      quarantined,
      "2024-04-12 00:00:00",
    ];
    const warn = (load: string, model: string, rule: string, code: string, failed: number) => [
      load,
      "silver",
      model,
      rule,
      code,
      "warn",
      failed,
      20,
    ];
    rows = await runModelOn(
      "gold.data_quality_scores",
      {
        control_model_runs: valuesOf(
          ["load_id", "layer", "model", "rows_in", "quarantined", "run_at"],
          [
            run("L1", "silver.customers", 20, 0),
            run("L2", "silver.customers", 25, 5),
            run("L1", "silver.orders", 20, 0),
            run("L2", "silver.orders", 20, 0),
            run("L3", "silver.orders", 0, 0), // a load that brought nothing: no score
          ],
        ),
        control_expectation_results: valuesOf(
          ["load_id", "layer", "model", "rule", "code", "action", "failed", "rows_in"],
          [
            warn("L1", "silver.customers", "valid_phone", "invalid_phone", 3),
            warn("L1", "silver.customers", "known_loyalty_tier", "invalid_enum_value", 1),
            warn("L1", "silver.customers", "no_unexpected_fields", "unexpected_field", 20), // drift, not accuracy
            warn("L2", "silver.customers", "valid_phone", "invalid_phone", 5),
            warn("L2", "silver.customers", "known_loyalty_tier", "invalid_enum_value", 0),
          ],
        ),
        "silver.customers": valuesOf(
          [
            "customer_id",
            "email",
            "first_name",
            "last_name",
            "registration_date",
            "valid_from",
            "source_file",
            "load_id",
            "is_current",
          ],
          [...customers("L1", 20, 1, 4), ...customers("L2", 20, 2, 5)],
        ),
        "silver.orders": `SELECT order_id, customer_id, ordered_at, channel, status, transaction_type, currency,
            CAST(total_amount AS DECIMAL(18, 2)) AS total_amount, CAST(tax_amount AS DECIMAL(18, 2)) AS tax_amount,
            CAST(shipping_amount AS DECIMAL(18, 2)) AS shipping_amount, CAST(discount_amount AS DECIMAL(18, 2)) AS discount_amount,
            CAST(occurred_at AS TIMESTAMP) AS occurred_at, source_file, load_id
          FROM (${valuesOf(
            [
              "order_id",
              "customer_id",
              "ordered_at",
              "channel",
              "status",
              "transaction_type",
              "currency",
              "total_amount",
              "tax_amount",
              "shipping_amount",
              "discount_amount",
              "occurred_at",
              "source_file",
              "load_id",
            ],
            [...orders("L1", 20, 3), ...orders("L2", 20, 4)],
          )})`,
        // every order has items worth 100 (two lines of 50)
        "silver.order_items": `SELECT o.order_id, 'P1' AS product_id, 'Books' AS category, 1 AS quantity,
            CAST(50 AS DECIMAL(18, 2)) AS total_price, o.occurred_at, o.source_file, 'L0' AS load_id
          FROM (${valuesOf(
            ["order_id", "occurred_at", "source_file"],
            [...orders("L1", 20, 0), ...orders("L2", 20, 0)].map((o) => [o[0]!, o[11]!, o[12]!]),
          )}) AS o
          CROSS JOIN range(2)`,
        "silver.behavioral_events": NONE([
          "session_id",
          "action",
          "channel",
          "device_type",
          "page_url",
          "occurred_at",
          "source_file",
          "load_id",
        ]),
        "silver.support_interactions": NONE([
          "customer_id",
          "ticket_id",
          "interaction_type",
          "status",
          "occurred_at",
          "source_file",
          "load_id",
        ]),
        "silver.products": NONE([
          "product_name",
          "category",
          "price",
          "occurred_at",
          "source_file",
          "load_id",
        ]),
      },
      "load_id, table_name",
    );
  });

  const view = (r: Row) => ({
    load: r.load_id,
    table: r.table_name,
    completeness: r.completeness,
    accuracy: r.accuracy,
    consistency: r.consistency,
    timeliness: r.timeliness,
    validity: r.validity,
    uniqueness: r.uniqueness,
    measured: r.dimensions_measured,
    score: r.dq_score,
    below: r.below_level,
    status: r.status,
    meetsTarget: r.meets_target,
  });

  test("each level from both sides; the score is the mean of the measured dimensions", () => {
    expect(rows.map(view)).toEqual([
      {
        // 19/20 complete = 0.95, 1 − 4/(20 × 2 rules) = 0.90, 16/20 timely = 0.80: each exactly at its level
        load: "L1",
        table: "silver.customers",
        completeness: "0.950000",
        accuracy: "0.900000",
        consistency: null,
        timeliness: "0.800000",
        validity: "1.000000",
        uniqueness: "1.000000",
        measured: 5,
        score: "0.930000",
        below: "",
        status: "healthy",
        meetsTarget: false,
      },
      {
        // 17/20 consistent = 0.85 (at the level)
        load: "L1",
        table: "silver.orders",
        completeness: "1.000000",
        accuracy: null,
        consistency: "0.850000",
        timeliness: "1.000000",
        validity: "1.000000",
        uniqueness: null,
        measured: 4,
        score: "0.962500",
        below: "",
        status: "healthy",
        meetsTarget: true,
      },
      {
        // 18/20 = 0.90, 1 − 5/40 = 0.875, 15/20 = 0.75: each just under its level; 20 of 25 rows valid
        load: "L2",
        table: "silver.customers",
        completeness: "0.900000",
        accuracy: "0.875000",
        consistency: null,
        timeliness: "0.750000",
        validity: "0.800000",
        uniqueness: "1.000000",
        measured: 5,
        score: "0.865000",
        below: "completeness,accuracy,timeliness",
        status: "degraded",
        meetsTarget: false,
      },
      {
        // 16/20 = 0.80 < 0.85
        load: "L2",
        table: "silver.orders",
        completeness: "1.000000",
        accuracy: null,
        consistency: "0.800000",
        timeliness: "1.000000",
        validity: "1.000000",
        uniqueness: null,
        measured: 4,
        score: "0.950000",
        below: "consistency",
        status: "degraded",
        meetsTarget: true,
      },
    ]);
  });

  test("the model's levels are contracts/metrics.ts DQ_DIMENSION_LEVELS (one rule, one place)", () => {
    const sql = readFileSync(
      join(__dirname, "..", "..", "models", "gold", "data_quality_scores.sql"),
      "utf8",
    );
    for (const [dimension, level] of Object.entries(DQ_DIMENSION_LEVELS)) {
      const found = new RegExp(`WHEN s\\.${dimension} < ([0-9.]+) THEN '${dimension}'`).exec(sql);
      expect([dimension, Number(found?.[1])]).toEqual([dimension, level]);
    }
  });
});

describe("gold.data_quality_scores timeliness", () => {
  test("timely: the file's landing day (ingest_date=) no later than the day after the row occurred, to the microsecond; no landing day or no occurrence: not timely", async () => {
    const file = (dir: string) => `landing/pos/order/${dir}o.jsonl`;
    const given: [string, string | null, string | null][] = [
      ["O1", "2024-04-10 00:00:00+00", file("ingest_date=2024-04-11/")], // midnight of the day before: timely
      ["O2", "2024-04-09 23:59:59.999999+00", file("ingest_date=2024-04-11/")], // a microsecond earlier: late
      ["O3", "2024-04-11 23:00:00+00", file("ingest_date=2024-04-11/")], // landed the day it occurred
      ["O4", "2024-04-12 08:00:00+00", file("ingest_date=2024-04-11/")], // landed before it occurred (clock skew)
      ["O5", "2024-04-10 12:00:00+00", file("")], // no landing day in the path
      ["O6", "2024-04-10 12:00:00+00", file("ingest_date=2024-4-11/")], // not a yyyy-MM-dd day
      ["O7", "2024-04-10 12:00:00+00", null], // no source file
      ["O8", null, file("ingest_date=2024-04-11/")], // no occurrence
    ];
    const rows = await runModelOn(
      "gold.data_quality_scores",
      {
        control_model_runs: valuesOf(
          ["load_id", "layer", "model", "rows_in", "quarantined", "run_at"],
          [["L1", "silver", "silver.orders", given.length, 0, "2024-04-12 00:00:00"]],
        ),
        control_expectation_results: `SELECT * FROM (${valuesOf(
          ["load_id", "layer", "model", "rule", "code", "action", "failed", "rows_in"],
          [["L0", "silver", "silver.orders", "r", "c", "warn", 0, 0]],
        )}) WHERE false`,
        "silver.customers": `SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS email,
            CAST(NULL AS VARCHAR) AS first_name, CAST(NULL AS VARCHAR) AS last_name, CAST(NULL AS DATE) AS registration_date,
            CAST(NULL AS TIMESTAMPTZ) AS valid_from, CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS VARCHAR) AS load_id,
            CAST(NULL AS BOOLEAN) AS is_current WHERE false`,
        // typed as silver.orders is written: occurred_at TIMESTAMPTZ
        "silver.orders": `SELECT order_id, 'C1' AS customer_id, TIMESTAMPTZ '2024-04-10 09:00:00+00' AS ordered_at,
            'POS' AS channel, 'COMPLETED' AS status, 'PURCHASE' AS transaction_type, 'USD' AS currency,
            CAST(0 AS DECIMAL(18, 2)) AS total_amount, CAST(0 AS DECIMAL(18, 2)) AS tax_amount,
            CAST(0 AS DECIMAL(18, 2)) AS shipping_amount, CAST(0 AS DECIMAL(18, 2)) AS discount_amount,
            CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at, source_file, 'L1' AS load_id
          FROM (${valuesOf(["order_id", "occurred_at", "source_file"], given)})`,
        "silver.order_items": `SELECT CAST(NULL AS VARCHAR) AS order_id, CAST(NULL AS VARCHAR) AS product_id,
            CAST(NULL AS VARCHAR) AS category, CAST(NULL AS BIGINT) AS quantity, CAST(NULL AS DECIMAL(18, 2)) AS total_price,
            CAST(NULL AS TIMESTAMPTZ) AS occurred_at, CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS VARCHAR) AS load_id
          WHERE false`,
        "silver.behavioral_events": NONE([
          "session_id",
          "action",
          "channel",
          "device_type",
          "page_url",
          "occurred_at",
          "source_file",
          "load_id",
        ]),
        "silver.support_interactions": NONE([
          "customer_id",
          "ticket_id",
          "interaction_type",
          "status",
          "occurred_at",
          "source_file",
          "load_id",
        ]),
        "silver.products": NONE([
          "product_name",
          "category",
          "price",
          "occurred_at",
          "source_file",
          "load_id",
        ]),
      },
      "load_id, table_name",
    );
    // O1, O3, O4 of 8
    expect(rows.map((r) => [r.load_id, r.table_name, r.timeliness])).toEqual([
      ["L1", "silver.orders", "0.375000"],
    ]);
  });
});
