-- Customer engagement: the seeds' own feature definitions, one row per customer_key of gold.customer_360.
--   seed 003 ActivityRate = interactions ÷ time since registration (interactions per day; NULL when no day has
--     passed since registration or the registration date is unknown);
--   seed 003 InteractionToPurchaseRatio = interactions ÷ completed purchases (NULL without a purchase);
--     interactions are seed 003's Interaction entity: behavioural events (views, clicks, cart adds, …);
--   seed 000 §2.1 avg_session_duration and pages_per_session: averages over the customer's sessions
--     (gold.session_engagement: duration in seconds, pages = page and product views);
--   seed 001 average engagement (AVERAGE_ENGAGEMENT): mean session engagement score, and its high-engagement
--     sessions (score > 30);
--   seed 001 customer segment (derive_customer_segment): VIP when spent > 10000 and purchases > 50, GOLD > 5000
--     and > 25, SILVER > 2000 and > 10, BRONZE when spent > 500, else NEW — beside seed 000's value tier.
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360, gold.session_engagement, silver.customer_identity, silver.behavioral_events
-- @expect fail out_of_range rates_non_negative: (activity_rate IS NULL OR activity_rate >= 0) AND (interaction_to_purchase_ratio IS NULL OR interaction_to_purchase_ratio >= 0)
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key FROM silver.customer_identity AS i
),

interactions AS (
  SELECT i.customer_key, count(*) AS total_interactions
  FROM silver.behavioral_events AS e
  INNER JOIN identity AS i ON i.source_customer_id = e.customer_id
  GROUP BY i.customer_key
),

sessions AS (
  SELECT
    s.customer_key,
    count(*) AS total_sessions,
    avg(CAST(s.duration_sec AS DOUBLE)) AS avg_session_duration,
    avg(CAST(s.pages AS DOUBLE)) AS pages_per_session,
    avg(CAST(s.engagement_score AS DOUBLE)) AS average_engagement,
    count(*) FILTER (WHERE s.is_high_engagement) AS high_engagement_sessions
  FROM gold.session_engagement AS s
  WHERE s.customer_key IS NOT NULL
  GROUP BY s.customer_key
),

base AS (
  SELECT
    c.customer_key,
    c.registration_date,
    datediff(c.as_of_date, c.registration_date) AS days_since_registration,
    coalesce(n.total_interactions, 0) AS total_interactions,
    c.total_orders AS completed_purchases,
    c.total_spent,
    c.value_segment,
    s.total_sessions,
    s.avg_session_duration,
    s.pages_per_session,
    s.average_engagement,
    s.high_engagement_sessions,
    c.as_of_date,
    c.load_id
  FROM gold.customer_360 AS c
  LEFT JOIN interactions AS n ON n.customer_key = c.customer_key
  LEFT JOIN sessions AS s ON s.customer_key = c.customer_key
)

SELECT
  b.customer_key,
  b.registration_date,
  b.days_since_registration,
  b.total_interactions,
  b.completed_purchases,
  CAST(round(CAST(
    CAST(b.total_interactions AS DOUBLE) / CASE WHEN b.days_since_registration > 0 THEN b.days_since_registration END
    AS DECIMAL(38, 10)), 4) AS DECIMAL(18, 4)) AS activity_rate,
  CAST(round(CAST(
    CAST(b.total_interactions AS DOUBLE) / NULLIF(b.completed_purchases, 0)
    AS DECIMAL(38, 10)), 4) AS DECIMAL(18, 4)) AS interaction_to_purchase_ratio,
  coalesce(b.total_sessions, 0) AS total_sessions,
  CAST(round(CAST(b.avg_session_duration AS DECIMAL(38, 10)), 2) AS DECIMAL(18, 2)) AS avg_session_duration_sec,
  CAST(round(CAST(b.pages_per_session AS DECIMAL(38, 10)), 2) AS DECIMAL(18, 2)) AS pages_per_session,
  CAST(round(CAST(b.average_engagement AS DECIMAL(38, 10)), 2) AS DECIMAL(5, 2)) AS average_engagement_score,
  coalesce(b.high_engagement_sessions, 0) AS high_engagement_sessions,
  CASE
    WHEN b.total_spent > 10000 AND b.completed_purchases > 50 THEN 'VIP'
    WHEN b.total_spent > 5000 AND b.completed_purchases > 25 THEN 'GOLD'
    WHEN b.total_spent > 2000 AND b.completed_purchases > 10 THEN 'SILVER'
    WHEN b.total_spent > 500 THEN 'BRONZE'
    ELSE 'NEW'
  END AS spend_segment,
  b.value_segment,
  b.as_of_date,
  b.load_id
FROM base AS b
