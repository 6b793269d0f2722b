-- Data-quality metrics per run window, table and metric, long format: from the run records of the window (rows
-- in/out, quarantined, validity = share of rows passing every drop rule, failures per rule), plus completeness and
-- uniqueness of the current silver tables. Keyed by the window, not the load: a rerun of a window (same or new load
-- id) replaces the window's figures with the same figures, it never adds rows. The models that read only what is
-- new (@reads new_only) add up the window's loads (bronze: each landing file is loaded once; silver.order_items: the
-- orders its load wrote), each load counted once however often it ran, so a rerun adds nothing; the others re-read the window each
-- run, so their figures are the latest run's;
-- rows_out is the table's size after the latest run. Gold's own records are written after gold runs, so they are
-- not metrics here. load_id is the load that computed the window's figures last.
-- @materialized incremental
-- @unique_key window_start_date, window_end_date, layer, table_name, metric
-- @update_when true
-- @inputs control_model_runs, control_expectation_results, silver.customers, silver.orders, silver.order_items, silver.behavioral_events, silver.support_interactions, silver.products, run_context
-- @expect warn out_of_range ratio_in_range: metric_value >= 0
WITH new_only_models AS (
  -- The models whose run reads only what its load brought (@reads new_only in their files).
  -- generated:begin new_only_models (models/rules.ts; regenerate with npm run models:build)
  SELECT 'bronze.events' AS model
  UNION ALL SELECT 'silver.order_items'
  -- generated:end new_only_models
),

window_runs AS (
  SELECT
    r.layer,
    r.model AS table_name,
    n.model IS NOT NULL AS reads_new_only,
    r.load_id,
    r.rows_in,
    r.rows_out,
    r.quarantined,
    r.run_at
  FROM control_model_runs AS r
  CROSS JOIN run_context AS rc
  LEFT JOIN new_only_models AS n ON n.model = r.model
  WHERE r.layer IN ('bronze', 'silver')
    AND r.window_start_date IS NOT DISTINCT FROM rc.window_start_date
    AND r.window_end_date IS NOT DISTINCT FROM rc.window_end_date
),

load_runs AS (
  -- One figure per load: the runs of one load read the same new input (or, rerun, none), so its largest counts.
  SELECT
    w.layer,
    w.table_name,
    w.reads_new_only,
    max(w.rows_in) AS load_rows_in,
    max(w.quarantined) AS load_quarantined,
    max_by(w.rows_in, w.run_at) AS last_rows_in,
    max_by(w.quarantined, w.run_at) AS last_quarantined,
    max_by(w.rows_out, w.run_at) AS last_rows_out,
    max(w.run_at) AS run_at
  FROM window_runs AS w
  GROUP BY w.layer, w.table_name, w.reads_new_only, w.load_id
),

runs AS (
  SELECT
    l.layer,
    l.table_name,
    CASE WHEN l.reads_new_only THEN sum(l.load_rows_in) ELSE max_by(l.last_rows_in, l.run_at) END AS rows_in,
    max_by(l.last_rows_out, l.run_at) AS rows_out,
    CASE WHEN l.reads_new_only THEN sum(l.load_quarantined) ELSE max_by(l.last_quarantined, l.run_at) END AS quarantined
  FROM load_runs AS l
  GROUP BY l.layer, l.table_name, l.reads_new_only
),

run_metrics AS (
  SELECT r.layer, r.table_name, 'rows_in' AS metric, CAST(r.rows_in AS DOUBLE) AS metric_value FROM runs AS r
  UNION ALL
  SELECT r.layer, r.table_name, 'rows_out', CAST(r.rows_out AS DOUBLE) FROM runs AS r
  UNION ALL
  SELECT r.layer, r.table_name, 'quarantined', CAST(r.quarantined AS DOUBLE) FROM runs AS r
  UNION ALL
  SELECT r.layer, r.table_name, 'validity',
    CASE WHEN r.rows_in = 0 THEN 1.0 ELSE CAST(r.rows_in - r.quarantined AS DOUBLE) / r.rows_in END
  FROM runs AS r
),

rule_load_results AS (
  SELECT
    e.layer,
    e.model AS table_name,
    e.rule,
    n.model IS NOT NULL AS reads_new_only,
    max(e.failed) AS load_failed,
    max_by(e.failed, e.run_at) AS last_failed,
    max(e.run_at) AS run_at
  FROM control_expectation_results AS e
  CROSS JOIN run_context AS rc
  LEFT JOIN new_only_models AS n ON n.model = e.model
  WHERE e.layer IN ('bronze', 'silver')
    AND e.window_start_date IS NOT DISTINCT FROM rc.window_start_date
    AND e.window_end_date IS NOT DISTINCT FROM rc.window_end_date
  GROUP BY e.layer, e.model, e.rule, e.load_id, n.model
),

rule_metrics AS (
  SELECT
    r.layer,
    r.table_name,
    'failed:' || r.rule AS metric,
    CAST(CASE WHEN r.reads_new_only THEN sum(r.load_failed) ELSE max_by(r.last_failed, r.run_at) END AS DOUBLE) AS metric_value
  FROM rule_load_results AS r
  GROUP BY r.layer, r.table_name, r.rule, r.reads_new_only
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
  SELECT 'silver', p.table_name, p.metric, p.metric_value FROM profile AS p
  WHERE p.metric_value IS NOT NULL
)

SELECT
  rc.window_start_date,
  rc.window_end_date,
  rc.load_id,
  m.layer,
  m.table_name,
  m.metric,
  CAST(round(CAST(m.metric_value AS DECIMAL(38, 10)), 6) AS DECIMAL(24, 6)) AS metric_value
FROM all_metrics AS m
CROSS JOIN run_context AS rc
