-- Channel performance: sales channels (orders, buyers, revenue, AOV, revenue share, failure rate) and digital
-- channels (sessions, conversion rate = sessions with a checkout, bounce rate), one row per channel.
-- @materialized full
-- @unique_key channel_type, channel
-- @inputs silver.orders, silver.sessions, run_context
-- @expect fail out_of_range rates_in_range: coalesce(conversion_rate, 0) BETWEEN 0 AND 1 AND coalesce(revenue_share, 0) BETWEEN 0 AND 1
WITH sales AS (
  SELECT
    o.channel,
    count(*) FILTER (WHERE o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED') AS orders,
    count(DISTINCT CASE WHEN o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' THEN o.customer_id END) AS customers,
    coalesce(sum(CASE WHEN o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' THEN o.total_amount END), 0) AS revenue,
    count(*) FILTER (WHERE o.status IN ('FAILED', 'CANCELLED')) AS failed_orders,
    count(*) AS all_orders
  FROM silver.orders AS o
  GROUP BY o.channel
),

digital AS (
  SELECT
    s.channel,
    count(*) AS sessions,
    count(*) FILTER (WHERE s.is_converted) AS converted_sessions,
    count(*) FILTER (WHERE s.is_bounce) AS bounced_sessions
  FROM silver.sessions AS s
  GROUP BY s.channel
)

SELECT
  'sales' AS channel_type,
  s.channel,
  s.orders,
  s.customers,
  CAST(s.revenue AS DECIMAL(18, 2)) AS revenue,
  -- generated:begin channel_average_order_value (models/rules.ts; regenerate with npm run models:build)
  CAST(CAST(floor((2 * CAST(s.revenue * 100 AS BIGINT) + s.orders) / (2 * NULLIF(s.orders, 0))) AS BIGINT) * 0.01 AS DECIMAL(18, 2))
  -- generated:end channel_average_order_value
  AS avg_order_value,
  CAST(round(CAST(CAST(s.revenue AS DOUBLE) / NULLIF(sum(CAST(s.revenue AS DOUBLE)) OVER (), 0) AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS revenue_share,
  CAST(round(CAST(CAST(s.failed_orders AS DOUBLE) / NULLIF(s.all_orders, 0) AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS failure_rate,
  CAST(NULL AS BIGINT) AS sessions,
  CAST(NULL AS BIGINT) AS converted_sessions,
  CAST(NULL AS DECIMAL(10, 4)) AS conversion_rate,
  CAST(NULL AS DECIMAL(10, 4)) AS bounce_rate,
  rc.load_id
FROM sales AS s
CROSS JOIN run_context AS rc
UNION ALL
SELECT
  'digital',
  d.channel,
  CAST(NULL AS BIGINT),
  CAST(NULL AS BIGINT),
  CAST(NULL AS DECIMAL(18, 2)),
  CAST(NULL AS DECIMAL(18, 2)),
  CAST(NULL AS DECIMAL(10, 4)),
  CAST(NULL AS DECIMAL(10, 4)),
  d.sessions,
  d.converted_sessions,
  CAST(round(CAST(CAST(d.converted_sessions AS DOUBLE) / NULLIF(d.sessions, 0) AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)),
  CAST(round(CAST(CAST(d.bounced_sessions AS DOUBLE) / NULLIF(d.sessions, 0) AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)),
  rc.load_id
FROM digital AS d
CROSS JOIN run_context AS rc
