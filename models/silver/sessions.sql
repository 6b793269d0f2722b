-- Sessionization: a visitor's (customer id, else anonymous id, else source session id) events ordered by time;
-- a gap over 30 minutes starts a new session. Rebuilt from silver.behavioral_events on every run. Times are compared
-- in microseconds (unix_micros) and the duration is the whole seconds of the exact span: unix_timestamp() would
-- truncate each end to its second first (Spark), so 766.6 s between two events could count as 767.
-- @materialized full
-- @erase_by customer_id
-- @inputs silver.behavioral_events
-- @expect fail invalid_value positive_duration: duration_sec >= 0 AND event_count >= 1
WITH events AS (
  SELECT
    e.*,
    coalesce(e.customer_id, e.anonymous_id, e.session_id) AS visitor_key,
    unix_micros(e.occurred_at) AS event_us
  FROM silver.behavioral_events AS e
),

gaps AS (
  SELECT
    v.*,
    CASE
      WHEN lag(v.event_us) OVER (PARTITION BY v.visitor_key ORDER BY v.event_us, v.event_id) IS NULL THEN 1
      WHEN v.event_us - lag(v.event_us) OVER (PARTITION BY v.visitor_key ORDER BY v.event_us, v.event_id) > 1800000000 THEN 1
      ELSE 0
    END AS is_session_start
  FROM events AS v
),

numbered AS (
  SELECT
    g.*,
    sum(g.is_session_start) OVER (
      PARTITION BY g.visitor_key ORDER BY g.event_us, g.event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS session_number
  FROM gaps AS g
)

SELECT
  o.visitor_key || ':' || CAST(o.session_number AS STRING) AS session_key,
  o.visitor_key,
  max(o.customer_id) AS customer_id,
  max(o.anonymous_id) AS anonymous_id,
  CAST(o.session_number AS BIGINT) AS session_number,
  min(o.occurred_at) AS session_start,
  max(o.occurred_at) AS session_end,
  CAST(min(o.occurred_at) AS DATE) AS session_date,
  CAST(floor((max(o.event_us) - min(o.event_us)) / 1000000) AS BIGINT) AS duration_sec,
  count(*) AS event_count,
  count(DISTINCT o.session_id) AS source_session_count,
  count(*) FILTER (WHERE o.action = 'PAGE_VIEW') AS page_views,
  count(*) FILTER (WHERE o.action = 'PRODUCT_VIEW') AS product_views,
  count(*) FILTER (WHERE o.action = 'SEARCH') AS searches,
  count(*) FILTER (WHERE o.action = 'CART_ADD') AS cart_adds,
  count(*) FILTER (WHERE o.action = 'CHECKOUT') AS checkouts,
  -- the session's first event is the one that started it (same visitor ordering): no second window needed
  max(CASE WHEN o.is_session_start = 1 THEN o.channel END) AS channel,
  max(CASE WHEN o.is_session_start = 1 THEN o.device_type END) AS device_type,
  max(CASE WHEN o.is_session_start = 1 THEN o.page_url END) AS landing_page,
  count(*) = 1 AS is_bounce,
  count(*) FILTER (WHERE o.action = 'CHECKOUT') > 0 AS is_converted,
  count(*) FILTER (WHERE o.action = 'CART_ADD') > 0 AND count(*) FILTER (WHERE o.action = 'CHECKOUT') = 0 AS is_cart_abandoned
FROM numbered AS o
GROUP BY o.visitor_key, o.session_number
