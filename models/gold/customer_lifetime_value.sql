-- CLV: seed 000's historical projection (spend per lifespan day × 365 × 3 years, 0 for a single-day lifespan)
-- with its recency-based churn probability, and seed 001's formula total_spent × recency_factor × frequency_factor.
-- The 3-year CLV is money ÷ days in whole cents, half-up, by integer arithmetic (models/rules.ts moneyRatioSql: a
-- DOUBLE ratio rounded through DECIMAL gave 2090864.17 on Spark and .18 on DuckDB). Both CLVs value the positive
-- part of the net spend (contracts/order-metrics.ts): a customer who returned more than they bought is worth 0,
-- never less; non_negative_clv checks that the formulas keep to it.
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360
-- @expect fail negative_amount non_negative_clv: historical_clv_3y >= 0 AND factor_clv >= 0
WITH base AS (
  SELECT
    c.customer_key,
    c.total_orders,
    c.total_spent,
    greatest(c.total_spent, CAST(0 AS DECIMAL(18, 2))) AS clv_spent,
    c.avg_order_value,
    c.first_order_date,
    c.last_order_date,
    c.days_since_last_order,
    coalesce(datediff(c.last_order_date, c.first_order_date), 0) AS lifespan_days,
    c.as_of_date,
    c.load_id
  FROM gold.customer_360 AS c
),

factors AS (
  SELECT
    b.*,
    -- generated:begin recency_factor (models/rules.ts; regenerate with npm run models:build)
    CASE
      WHEN b.days_since_last_order <= 30 THEN 1.2
      WHEN b.days_since_last_order <= 90 THEN 1.0
      WHEN b.days_since_last_order <= 180 THEN 0.8
      ELSE 0.5
    END
    -- generated:end recency_factor
    AS recency_factor,
    -- generated:begin frequency_factor (models/rules.ts; regenerate with npm run models:build)
    CASE
      WHEN b.total_orders > 50 THEN 1.5
      WHEN b.total_orders > 20 THEN 1.2
      WHEN b.total_orders > 5 THEN 1.0
      ELSE 0.7
    END
    -- generated:end frequency_factor
    AS frequency_factor
  FROM base AS b
)

SELECT
  f.customer_key,
  f.total_orders,
  f.total_spent,
  f.avg_order_value,
  f.first_order_date,
  f.last_order_date,
  f.lifespan_days,
  f.days_since_last_order,
  CAST(CASE
    WHEN f.lifespan_days > 0 THEN
      -- generated:begin historical_clv (models/rules.ts; regenerate with npm run models:build)
      CAST(CAST(floor((2 * CAST((f.clv_spent * 365 * 3) * 100 AS BIGINT) + f.lifespan_days) / (2 * NULLIF(f.lifespan_days, 0))) AS BIGINT) * 0.01 AS DECIMAL(18, 2))
      -- generated:end historical_clv
    ELSE 0
  END AS DECIMAL(18, 2)) AS historical_clv_3y,
  CAST(
    -- generated:begin churn_probability_clv (models/rules.ts; regenerate with npm run models:build)
    CASE
      WHEN f.days_since_last_order > 90 THEN 0.8
      WHEN f.days_since_last_order > 60 THEN 0.5
      WHEN f.days_since_last_order > 30 THEN 0.2
      WHEN f.days_since_last_order IS NULL THEN NULL
      ELSE 0.1
    END
    -- generated:end churn_probability_clv
  AS DECIMAL(3, 2)) AS churn_probability,
  CAST(f.recency_factor AS DECIMAL(3, 2)) AS recency_factor,
  CAST(f.frequency_factor AS DECIMAL(3, 2)) AS frequency_factor,
  CAST(round(f.clv_spent * f.recency_factor * f.frequency_factor, 2) AS DECIMAL(18, 2)) AS factor_clv,
  f.as_of_date,
  f.load_id
FROM factors AS f
