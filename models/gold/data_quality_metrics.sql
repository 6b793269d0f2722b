-- Data-quality metrics per table and run, long format (one row per load, table and metric):
-- from the run records (rows in/out, quarantined, validity = share of rows passing every drop rule, failures
-- per rule) for every recorded load, plus completeness and uniqueness of the current silver tables for this load.
-- @materialized full
-- @unique_key load_id, table_name, metric
-- @inputs control_model_runs, control_expectation_results, silver.customers, silver.orders, silver.order_items, silver.behavioral_events, silver.support_interactions, silver.products, run_context
-- @expect warn out_of_range ratio_in_range: metric_value >= 0
WITH runs AS (
  SELECT r.load_id, r.layer, r.model AS table_name, r.rows_in, r.rows_out, r.quarantined
  FROM control_model_runs AS r
),

run_metrics AS (
  SELECT r.load_id, r.layer, r.table_name, 'rows_in' AS metric, CAST(r.rows_in AS DOUBLE) AS metric_value FROM runs AS r
  UNION ALL
  SELECT r.load_id, r.layer, r.table_name, 'rows_out', CAST(r.rows_out AS DOUBLE) FROM runs AS r
  UNION ALL
  SELECT r.load_id, r.layer, r.table_name, 'quarantined', CAST(r.quarantined AS DOUBLE) FROM runs AS r
  UNION ALL
  SELECT r.load_id, r.layer, r.table_name, 'validity',
    CASE WHEN r.rows_in = 0 THEN 1.0 ELSE CAST(r.rows_in - r.quarantined AS DOUBLE) / r.rows_in END
  FROM runs AS r
),

rule_metrics AS (
  SELECT e.load_id, e.layer, e.model AS table_name, 'failed:' || e.rule AS metric, CAST(e.failed AS DOUBLE) AS metric_value
  FROM control_expectation_results AS e
),

profile AS (
  SELECT 'silver.customers' AS table_name, 'completeness:email' AS metric, CAST(count(c.email) AS DOUBLE) / NULLIF(count(*), 0) AS metric_value FROM silver.customers AS c WHERE c.is_current
  UNION ALL
  SELECT 'silver.customers', 'completeness:phone', CAST(count(c.phone) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.customers AS c WHERE c.is_current
  UNION ALL
  SELECT 'silver.customers', 'uniqueness:email', CAST(count(DISTINCT c.email) AS DOUBLE) / NULLIF(count(c.email), 0) FROM silver.customers AS c WHERE c.is_current
  UNION ALL
  SELECT 'silver.orders', 'completeness:channel', CAST(count(o.channel) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.orders AS o
  UNION ALL
  SELECT 'silver.orders', 'uniqueness:order_id', CAST(count(DISTINCT o.order_id) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.orders AS o
  UNION ALL
  SELECT 'silver.order_items', 'completeness:category', CAST(count(i.category) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.order_items AS i
  UNION ALL
  SELECT 'silver.behavioral_events', 'completeness:customer_id', CAST(count(e.customer_id) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.behavioral_events AS e
  UNION ALL
  SELECT 'silver.behavioral_events', 'uniqueness:event_id', CAST(count(DISTINCT e.event_id) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.behavioral_events AS e
  UNION ALL
  SELECT 'silver.support_interactions', 'completeness:satisfaction_score', CAST(count(s.satisfaction_score) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.support_interactions AS s
  UNION ALL
  SELECT 'silver.products', 'uniqueness:product_id', CAST(count(DISTINCT p.product_id) AS DOUBLE) / NULLIF(count(*), 0) FROM silver.products AS p
),

all_metrics AS (
  SELECT * FROM run_metrics
  UNION ALL
  SELECT * FROM rule_metrics
  UNION ALL
  SELECT rc.load_id, 'silver', p.table_name, p.metric, p.metric_value FROM profile AS p CROSS JOIN run_context AS rc
  WHERE p.metric_value IS NOT NULL
)

SELECT
  m.load_id,
  m.layer,
  m.table_name,
  m.metric,
  CAST(round(CAST(m.metric_value AS DECIMAL(38, 10)), 6) AS DECIMAL(24, 6)) AS metric_value
FROM all_metrics AS m
