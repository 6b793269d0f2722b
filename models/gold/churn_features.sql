-- Churn features per customer: recency of purchase and of any activity, 30/90-day activity, activity rate
-- (active days in the last 90; seed 003's ActivityRate is gold.customer_engagement.activity_rate), support
-- contacts per completed purchase (seed 003's InteractionToPurchaseRatio is in gold.customer_engagement), cart abandonment, satisfaction, seed 000's churn
-- probability and a churn-risk flag (no purchase for more than 90 days).
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360, silver.customer_identity, silver.orders, silver.sessions, silver.support_interactions, run_context
-- @expect fail out_of_range activity_rate_in_range: activity_rate_90d BETWEEN 0 AND 1
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key FROM silver.customer_identity AS i
),

activity AS (
  SELECT i.customer_key, o.order_date AS activity_date, 'order' AS kind
  FROM silver.orders AS o INNER JOIN identity AS i ON i.source_customer_id = o.customer_id
  UNION ALL
  SELECT i.customer_key, s.session_date, 'session'
  FROM silver.sessions AS s INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  UNION ALL
  SELECT i.customer_key, s.interaction_date, 'support'
  FROM silver.support_interactions AS s INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
),

activity_days AS (
  -- One row per customer and day of activity, with the day's orders and sessions: the active days are then counted
  -- as rows (a count(DISTINCT) of the dates held every customer-day in a second hash table: 1 s more at 10M orders).
  SELECT
    a.customer_key,
    a.activity_date,
    count(CASE WHEN a.kind = 'order' THEN 1 END) AS orders,
    count(CASE WHEN a.kind = 'session' THEN 1 END) AS sessions
  FROM activity AS a
  GROUP BY a.customer_key, a.activity_date
),

recent AS (
  SELECT
    d.customer_key,
    max(d.activity_date) AS last_activity_date,
    count(CASE WHEN d.activity_date > date_add(rc.as_of_date, -90) AND d.activity_date <= rc.as_of_date THEN 1 END) AS active_days_90d,
    CAST(sum(CASE WHEN d.activity_date > date_add(rc.as_of_date, -90) AND d.activity_date <= rc.as_of_date THEN d.orders ELSE 0 END) AS BIGINT) AS orders_90d,
    CAST(sum(CASE WHEN d.activity_date > date_add(rc.as_of_date, -30) AND d.activity_date <= rc.as_of_date THEN d.sessions ELSE 0 END) AS BIGINT) AS sessions_30d
  FROM activity_days AS d
  CROSS JOIN run_context AS rc
  GROUP BY d.customer_key
),

carts AS (
  SELECT
    i.customer_key,
    count(*) FILTER (WHERE s.cart_adds > 0) AS cart_sessions,
    count(*) FILTER (WHERE s.is_cart_abandoned) AS abandoned_sessions
  FROM silver.sessions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key
)

SELECT
  c.customer_key,
  c.days_since_last_order AS days_since_last_purchase,
  datediff(c.as_of_date, r.last_activity_date) AS days_since_last_activity,
  datediff(c.as_of_date, c.registration_date) AS tenure_days,
  c.total_orders,
  coalesce(r.orders_90d, 0) AS orders_90d,
  coalesce(r.sessions_30d, 0) AS sessions_30d,
  coalesce(r.active_days_90d, 0) AS active_days_90d,
  CAST(round(CAST(CAST(coalesce(r.active_days_90d, 0) AS DOUBLE) / 90 AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS activity_rate_90d,
  CAST(round(CAST(CAST(c.support_interactions AS DOUBLE) / NULLIF(c.total_orders, 0) AS DECIMAL(38, 10)), 4) AS DECIMAL(18, 4)) AS support_contacts_per_purchase,
  CAST(round(CAST(CAST(k.abandoned_sessions AS DOUBLE) / NULLIF(k.cart_sessions, 0) AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS cart_abandonment_rate,
  c.return_count,
  c.open_tickets,
  c.avg_satisfaction,
  CAST(
    -- generated:begin churn_probability_features (models/rules.ts; regenerate with npm run models:build)
    CASE
      WHEN c.days_since_last_order > 90 THEN 0.8
      WHEN c.days_since_last_order > 60 THEN 0.5
      WHEN c.days_since_last_order > 30 THEN 0.2
      WHEN c.days_since_last_order IS NULL THEN NULL
      ELSE 0.1
    END
    -- generated:end churn_probability_features
  AS DECIMAL(3, 2)) AS churn_probability,
  -- generated:begin churn_risk (models/rules.ts; regenerate with npm run models:build)
  coalesce(c.days_since_last_order > 90, false)
  -- generated:end churn_risk
  AS is_churn_risk,
  c.as_of_date,
  c.load_id
FROM gold.customer_360 AS c
LEFT JOIN recent AS r ON r.customer_key = c.customer_key
LEFT JOIN carts AS k ON k.customer_key = c.customer_key
