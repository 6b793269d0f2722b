-- Customer journey (seed 000 "Journey Mapping"): registration → first touch → first order → last order, days to
-- first order, lifespan, conversion profile, first-touch and first-purchase channels, and the journey stage.
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360, silver.customer_identity, silver.sessions, silver.orders
-- @expect warn invalid_value first_order_after_registration: days_to_first_order IS NULL OR days_to_first_order >= 0
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key FROM silver.customer_identity AS i
),

first_touch AS (
  SELECT * FROM (
    SELECT
      i.customer_key,
      s.session_start,
      s.channel,
      row_number() OVER (PARTITION BY i.customer_key ORDER BY s.session_start, s.session_key) AS touch_rank
    FROM silver.sessions AS s
    INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  ) AS t
  WHERE t.touch_rank = 1
),

first_purchase AS (
  SELECT * FROM (
    SELECT
      i.customer_key,
      o.ordered_at,
      o.channel,
      row_number() OVER (PARTITION BY i.customer_key ORDER BY o.ordered_at, o.order_id) AS purchase_rank
    FROM silver.orders AS o
    INNER JOIN identity AS i ON i.source_customer_id = o.customer_id
    WHERE o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED'
  ) AS p
  WHERE p.purchase_rank = 1
),

sessions_before AS (
  SELECT i.customer_key, count(*) AS sessions_before_first_order
  FROM silver.sessions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  INNER JOIN first_purchase AS fp ON fp.customer_key = i.customer_key
  WHERE s.session_start <= fp.ordered_at
  GROUP BY i.customer_key
)

SELECT
  c.customer_key,
  c.registration_date,
  CAST(ft.session_start AS DATE) AS first_touch_date,
  ft.channel AS first_touch_channel,
  c.first_order_date,
  fp.channel AS first_purchase_channel,
  c.last_order_date,
  c.total_orders,
  c.total_spent,
  datediff(c.first_order_date, c.registration_date) AS days_to_first_order,
  datediff(c.last_order_date, c.first_order_date) AS customer_lifespan_days,
  coalesce(sb.sessions_before_first_order, 0) AS sessions_before_first_order,
  CASE
    WHEN c.first_order_date IS NULL THEN 'Non-Converter'
    WHEN datediff(c.first_order_date, c.registration_date) <= 7 THEN 'Quick Converter'
    WHEN datediff(c.first_order_date, c.registration_date) <= 30 THEN 'Regular Converter'
    WHEN datediff(c.first_order_date, c.registration_date) <= 90 THEN 'Slow Converter'
    ELSE 'Non-Converter'
  END AS conversion_profile,
  CASE
    WHEN c.total_orders = 0 AND c.total_sessions = 0 THEN 'Registered'
    WHEN c.total_orders = 0 THEN 'Browsing'
    WHEN c.days_since_last_order > 180 THEN 'Lapsed'
    WHEN c.total_orders = 1 THEN 'First Purchase'
    ELSE 'Repeat Customer'
  END AS journey_stage,
  c.as_of_date,
  c.load_id
FROM gold.customer_360 AS c
LEFT JOIN first_touch AS ft ON ft.customer_key = c.customer_key
LEFT JOIN first_purchase AS fp ON fp.customer_key = c.customer_key
LEFT JOIN sessions_before AS sb ON sb.customer_key = c.customer_key
