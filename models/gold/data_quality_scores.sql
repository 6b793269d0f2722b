-- Data-quality score per silver table and load, seed 000 §6.1/§6.2 and §17.1: each dimension the data supports as a
-- share 0–1, and the composite DQ score = their mean (§6.2 averages the dimensions; a dimension a table cannot
-- measure is left out, not counted as 1). Rows are those the load wrote and that are still in the table.
--   completeness: rows with every field the marts rely on present (§17.1 required fields);
--   accuracy: share of field checks passed, over the table's drop and warn rules (§17.1 counts every rule on every
--     row; the contract's checks are drop rules, one per code; unexpected fields are schema drift, not wrong values,
--     and are left out);
--   consistency: orders whose total equals items + tax + shipping − discount (to the cent); order items whose
--     order exists; other tables have no cross-record rule (NULL);
--   timeliness: rows that landed (landing ingest_date) no later than the day after they occurred — the next daily
--     run sees them; landing partitions are days, so a finer SLA cannot be measured in the lake;
--   validity: rows passing every drop rule (the run record: rows in − quarantined);
--   uniqueness: customers only — distinct emails among the load's current profiles with an email (two profiles
--     with one email are duplicate records of a person).
-- Levels (§17.1 thresholds, the same numbers as DQ_DIMENSION_LEVELS in contracts/metrics.ts): completeness 0.95,
-- accuracy 0.90, consistency 0.85, timeliness 0.80; `below_level` names the dimensions under theirs and `status` is
-- degraded when any is. `meets_target`: dq_score ≥ 0.95 (§8.1 target, the level the §8.2 alert watches).
-- @materialized full
-- @unique_key load_id, table_name
-- @inputs control_model_runs, control_expectation_results, silver.customers, silver.orders, silver.order_items, silver.behavioral_events, silver.support_interactions, silver.products
-- @expect fail out_of_range score_in_range: dq_score BETWEEN 0 AND 1
WITH runs AS (
  -- one record per load and table (a Databricks rerun of a load appends its records again)
  SELECT r.load_id, r.model AS table_name, max(r.rows_in) AS rows_in, max(r.quarantined) AS quarantined
  FROM control_model_runs AS r
  WHERE r.layer = 'silver'
    AND r.model IN ('silver.customers', 'silver.orders', 'silver.order_items', 'silver.behavioral_events', 'silver.support_interactions', 'silver.products')
  GROUP BY r.load_id, r.model
),

field_rules AS (
  SELECT e.load_id, e.model AS table_name, e.rule, max(e.failed) AS failed, max(e.rows_in) AS rows_in
  FROM control_expectation_results AS e
  WHERE e.layer = 'silver' AND e.action IN ('warn', 'drop') AND e.code <> 'unexpected_field'
  GROUP BY e.load_id, e.model, e.rule
),

field_checks AS (
  SELECT w.load_id, w.table_name, count(*) AS rules, sum(w.failed) AS failed, max(w.rows_in) AS rows_in
  FROM field_rules AS w
  GROUP BY w.load_id, w.table_name
),

item_totals AS (
  SELECT i.order_id, sum(i.total_price) AS items_total FROM silver.order_items AS i GROUP BY i.order_id
),

row_checks AS (
  SELECT
    'silver.customers' AS table_name,
    c.load_id,
    CASE WHEN c.customer_id IS NOT NULL AND c.email IS NOT NULL AND c.first_name <> '' AND c.last_name <> '' AND c.registration_date IS NOT NULL THEN 1 ELSE 0 END AS is_complete,
    CAST(NULL AS INT) AS is_consistent,
    c.valid_from AS occurred_at,
    c.source_file
  FROM silver.customers AS c
  UNION ALL
  SELECT
    'silver.orders',
    o.load_id,
    CASE WHEN o.customer_id IS NOT NULL AND o.ordered_at IS NOT NULL AND o.channel IS NOT NULL AND o.status IS NOT NULL AND o.transaction_type IS NOT NULL AND o.currency IS NOT NULL AND o.total_amount IS NOT NULL THEN 1 ELSE 0 END,
    CASE
      WHEN abs(o.total_amount - (coalesce(t.items_total, 0) + coalesce(o.tax_amount, 0) + coalesce(o.shipping_amount, 0) - coalesce(o.discount_amount, 0))) <= 0.01 THEN 1
      ELSE 0
    END,
    o.occurred_at,
    o.source_file
  FROM silver.orders AS o
  LEFT JOIN item_totals AS t ON t.order_id = o.order_id
  UNION ALL
  SELECT
    'silver.order_items',
    i.load_id,
    CASE WHEN i.product_id IS NOT NULL AND i.category IS NOT NULL AND i.quantity IS NOT NULL AND i.total_price IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN o.order_id IS NOT NULL THEN 1 ELSE 0 END,
    i.occurred_at,
    i.source_file
  FROM silver.order_items AS i
  -- silver.orders holds one row per order id (its MERGE key), so each item row is counted once
  LEFT JOIN silver.orders AS o ON o.order_id = i.order_id
  UNION ALL
  SELECT
    'silver.behavioral_events',
    e.load_id,
    CASE WHEN e.session_id IS NOT NULL AND e.action IS NOT NULL AND e.channel IS NOT NULL AND e.device_type IS NOT NULL AND e.page_url IS NOT NULL THEN 1 ELSE 0 END,
    CAST(NULL AS INT),
    e.occurred_at,
    e.source_file
  FROM silver.behavioral_events AS e
  UNION ALL
  SELECT
    'silver.support_interactions',
    s.load_id,
    CASE WHEN s.customer_id IS NOT NULL AND s.ticket_id IS NOT NULL AND s.interaction_type IS NOT NULL AND s.status IS NOT NULL THEN 1 ELSE 0 END,
    CAST(NULL AS INT),
    s.occurred_at,
    s.source_file
  FROM silver.support_interactions AS s
  UNION ALL
  SELECT
    'silver.products',
    p.load_id,
    CASE WHEN p.product_name IS NOT NULL AND p.category IS NOT NULL AND p.price IS NOT NULL THEN 1 ELSE 0 END,
    CAST(NULL AS INT),
    p.occurred_at,
    p.source_file
  FROM silver.products AS p
),

landing_files AS (
  -- Each source file's landing day (its ingest_date= partition), worked out once per file: a few hundred files
  -- against tens of millions of rows (per row, the date parse and the occurrence's day cost 6.4 s per 30M rows at 10M
  -- orders). timely_from is midnight of the day before the landing day: a row landed no later than the day after it
  -- occurred exactly when it occurred at or after that instant. A file without a parsable landing day gets NULL, and
  -- its rows are not timely.
  SELECT
    f.source_file,
    CAST(date_add(TRY_CAST(regexp_replace(f.source_file, '^.*ingest_date=([0-9]{4}-[0-9]{2}-[0-9]{2}).*$', '$1') AS DATE), -1) AS TIMESTAMP_LTZ) AS timely_from
  FROM (
    SELECT c.source_file FROM silver.customers AS c
    UNION
    SELECT o.source_file FROM silver.orders AS o
    UNION
    SELECT i.source_file FROM silver.order_items AS i
    UNION
    SELECT e.source_file FROM silver.behavioral_events AS e
    UNION
    SELECT s.source_file FROM silver.support_interactions AS s
    UNION
    SELECT p.source_file FROM silver.products AS p
  ) AS f
),

row_dimensions AS (
  SELECT
    r.table_name,
    r.load_id,
    avg(CAST(r.is_complete AS DOUBLE)) AS completeness,
    avg(CAST(r.is_consistent AS DOUBLE)) AS consistency,
    -- a DOUBLE average like the others: avg of a DECIMAL is DECIMAL(p + 4, s + 4) in Spark (0.98612 for 1.0/0.0
    -- flags) and DOUBLE in DuckDB (0.986125…)
    avg(CAST(CASE WHEN CAST(r.occurred_at AS TIMESTAMP_LTZ) >= f.timely_from THEN 1 ELSE 0 END AS DOUBLE)) AS timeliness
  FROM row_checks AS r
  LEFT JOIN landing_files AS f ON f.source_file = r.source_file
  GROUP BY r.table_name, r.load_id
),

email_uniqueness AS (
  SELECT 'silver.customers' AS table_name, c.load_id, CAST(count(DISTINCT c.email) AS DOUBLE) / NULLIF(count(c.email), 0) AS uniqueness
  FROM silver.customers AS c
  WHERE c.is_current
  GROUP BY c.load_id
),

dimensions AS (
  SELECT
    u.load_id,
    u.table_name,
    u.rows_in,
    d.completeness,
    CASE WHEN w.rules > 0 AND w.rows_in > 0 THEN greatest(1 - CAST(w.failed AS DOUBLE) / (w.rows_in * w.rules), 0) END AS accuracy,
    d.consistency,
    d.timeliness,
    CASE WHEN u.rows_in > 0 THEN CAST(u.rows_in - u.quarantined AS DOUBLE) / u.rows_in END AS validity,
    q.uniqueness
  FROM runs AS u
  LEFT JOIN row_dimensions AS d ON d.table_name = u.table_name AND d.load_id = u.load_id
  LEFT JOIN field_checks AS w ON w.table_name = u.table_name AND w.load_id = u.load_id
  LEFT JOIN email_uniqueness AS q ON q.table_name = u.table_name AND q.load_id = u.load_id
),

scored AS (
  SELECT
    d.*,
    (CASE WHEN d.completeness IS NULL THEN 0 ELSE 1 END + CASE WHEN d.accuracy IS NULL THEN 0 ELSE 1 END
      + CASE WHEN d.consistency IS NULL THEN 0 ELSE 1 END + CASE WHEN d.timeliness IS NULL THEN 0 ELSE 1 END
      + CASE WHEN d.validity IS NULL THEN 0 ELSE 1 END + CASE WHEN d.uniqueness IS NULL THEN 0 ELSE 1 END) AS dimensions_measured,
    coalesce(d.completeness, 0) + coalesce(d.accuracy, 0) + coalesce(d.consistency, 0) + coalesce(d.timeliness, 0)
      + coalesce(d.validity, 0) + coalesce(d.uniqueness, 0) AS dimension_sum
  FROM dimensions AS d
),

final AS (
  SELECT
    s.*,
    CAST(round(CAST(s.dimension_sum / NULLIF(s.dimensions_measured, 0) AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS score,
    concat_ws(
      ',',
      CASE WHEN s.completeness < 0.95 THEN 'completeness' END,
      CASE WHEN s.accuracy < 0.90 THEN 'accuracy' END,
      CASE WHEN s.consistency < 0.85 THEN 'consistency' END,
      CASE WHEN s.timeliness < 0.80 THEN 'timeliness' END
    ) AS below_level
  FROM scored AS s
  WHERE s.dimensions_measured > 0
)

SELECT
  f.load_id,
  f.table_name,
  f.rows_in,
  CAST(round(CAST(f.completeness AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS completeness,
  CAST(round(CAST(f.accuracy AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS accuracy,
  CAST(round(CAST(f.consistency AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS consistency,
  CAST(round(CAST(f.timeliness AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS timeliness,
  CAST(round(CAST(f.validity AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS validity,
  CAST(round(CAST(f.uniqueness AS DECIMAL(38, 10)), 6) AS DECIMAL(7, 6)) AS uniqueness,
  CAST(f.dimensions_measured AS INT) AS dimensions_measured,
  f.score AS dq_score,
  f.below_level,
  CASE WHEN f.below_level = '' THEN 'healthy' ELSE 'degraded' END AS status,
  f.score >= 0.95 AS meets_target
FROM final AS f
