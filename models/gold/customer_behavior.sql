-- Daily customer behaviour: per customer and day — events, sessions, views, cart adds, checkouts, orders,
-- revenue (completed purchases) and support interactions.
-- @materialized full
-- @unique_key customer_key, activity_date
-- @zorder customer_key
-- @inputs silver.customer_identity, silver.behavioral_events, silver.sessions, silver.orders, silver.support_interactions, run_context
-- @expect fail missing_required_field has_keys: customer_key IS NOT NULL AND activity_date IS NOT NULL
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key FROM silver.customer_identity AS i
),

daily AS (
  SELECT
    i.customer_key,
    e.event_date AS activity_date,
    count(*) AS events,
    0 AS sessions,
    count(*) FILTER (WHERE e.action = 'PAGE_VIEW') AS page_views,
    count(*) FILTER (WHERE e.action = 'PRODUCT_VIEW') AS product_views,
    count(*) FILTER (WHERE e.action = 'CART_ADD') AS cart_adds,
    count(*) FILTER (WHERE e.action = 'CHECKOUT') AS checkouts,
    0 AS orders,
    CAST(0 AS DECIMAL(18, 2)) AS revenue,
    0 AS support_interactions
  FROM silver.behavioral_events AS e
  INNER JOIN identity AS i ON i.source_customer_id = e.customer_id
  GROUP BY i.customer_key, e.event_date
  UNION ALL
  SELECT i.customer_key, s.session_date, 0, count(*), 0, 0, 0, 0, 0, CAST(0 AS DECIMAL(18, 2)), 0
  FROM silver.sessions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key, s.session_date
  UNION ALL
  SELECT
    i.customer_key, o.order_date, 0, 0, 0, 0, 0, 0,
    count(*) FILTER (WHERE o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED'),
    CAST(coalesce(sum(CASE WHEN o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' THEN o.total_amount END), 0) AS DECIMAL(18, 2)),
    0
  FROM silver.orders AS o
  INNER JOIN identity AS i ON i.source_customer_id = o.customer_id
  GROUP BY i.customer_key, o.order_date
  UNION ALL
  SELECT i.customer_key, s.interaction_date, 0, 0, 0, 0, 0, 0, 0, CAST(0 AS DECIMAL(18, 2)), count(*)
  FROM silver.support_interactions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key, s.interaction_date
)

SELECT
  d.customer_key,
  d.activity_date,
  CAST(sum(d.events) AS BIGINT) AS events,
  CAST(sum(d.sessions) AS BIGINT) AS sessions,
  CAST(sum(d.page_views) AS BIGINT) AS page_views,
  CAST(sum(d.product_views) AS BIGINT) AS product_views,
  CAST(sum(d.cart_adds) AS BIGINT) AS cart_adds,
  CAST(sum(d.checkouts) AS BIGINT) AS checkouts,
  CAST(sum(d.orders) AS BIGINT) AS orders,
  CAST(sum(d.revenue) AS DECIMAL(18, 2)) AS revenue,
  CAST(sum(d.support_interactions) AS BIGINT) AS support_interactions,
  max(rc.load_id) AS load_id
FROM daily AS d
CROSS JOIN run_context AS rc
GROUP BY d.customer_key, d.activity_date
