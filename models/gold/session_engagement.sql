-- Session engagement, seed 001 ("Customer Behavioral Data Processing"), one row per session of silver.sessions:
--   session classification: BOUNCE when bounce_rate > 0.8; ENGAGED when duration > 1800 s and pages > 10;
--     ACTIVE when duration > 300 s and pages > 3; SHORT when duration > 60 s; else QUICK.
--   engagement score: min(duration / 300, 10) + min(pages / 5, 10) + min(interactions / 10, 10)
--     + conversions × 20, capped at 50, rounded to 2 places; high engagement when the score is > 30.
-- Mapping onto c360's sessions: duration = duration_sec (first to last event); pages = PAGE_VIEW + PRODUCT_VIEW
-- events (each loads a page); interactions = every event of the session; conversions = CHECKOUT events;
-- bounce_rate of one session = 1 for a single-event session (is_bounce), else 0.
-- Anonymous sessions are kept (customer_key NULL): the classification is the session's, not the customer's.
-- @materialized full
-- @unique_key session_key
-- @zorder customer_key
-- @inputs silver.sessions, silver.customer_identity, run_context
-- @expect fail out_of_range engagement_in_range: engagement_score BETWEEN 0 AND 50
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key FROM silver.customer_identity AS i
),

measured AS (
  SELECT
    s.session_key,
    i.customer_key,
    s.session_date,
    s.session_start,
    CAST(s.duration_sec AS BIGINT) AS duration_sec,
    CAST(s.page_views + s.product_views AS BIGINT) AS pages,
    CAST(s.event_count AS BIGINT) AS interactions,
    CAST(s.checkouts AS BIGINT) AS conversions,
    CASE WHEN s.is_bounce THEN 1.0 ELSE 0.0 END AS bounce_rate
  FROM silver.sessions AS s
  LEFT JOIN identity AS i ON i.source_customer_id = s.customer_id
),

scored AS (
  SELECT
    m.*,
    round(CAST(least(
      least(CAST(m.duration_sec AS DOUBLE) / 300, 10)
      + least(CAST(m.pages AS DOUBLE) / 5, 10)
      + least(CAST(m.interactions AS DOUBLE) / 10, 10)
      + m.conversions * 20,
      50
    ) AS DECIMAL(38, 10)), 2) AS engagement_exact
  FROM measured AS m
)

SELECT
  s.session_key,
  s.customer_key,
  s.session_date,
  s.session_start,
  s.duration_sec,
  s.pages,
  s.interactions,
  s.conversions,
  CAST(s.bounce_rate AS DECIMAL(3, 2)) AS bounce_rate,
  CASE
    WHEN s.bounce_rate > 0.8 THEN 'BOUNCE'
    WHEN s.duration_sec > 1800 AND s.pages > 10 THEN 'ENGAGED'
    WHEN s.duration_sec > 300 AND s.pages > 3 THEN 'ACTIVE'
    WHEN s.duration_sec > 60 THEN 'SHORT'
    ELSE 'QUICK'
  END AS session_classification,
  CAST(s.engagement_exact AS DECIMAL(5, 2)) AS engagement_score,
  s.engagement_exact > 30 AS is_high_engagement,
  rc.load_id
FROM scored AS s
CROSS JOIN run_context AS rc
