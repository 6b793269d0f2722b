-- Sessionization: a visitor's (customer id, else anonymous id, else source session id) events ordered by time;
-- a gap over 30 minutes starts a new session. Rebuilt from silver.behavioral_events on every run. Times are compared
-- in microseconds (unix_micros) and the duration is the whole seconds of the exact span: unix_timestamp() would
-- truncate each end to its second first (Spark), so 766.6 s between two events could count as 767.
-- Events of one visitor at the same microsecond are ordered by channel, device type and page (NULL first): the
-- session's channel, device type and landing page are those of its first event in that order. (The event id is not
-- read at all: as a sort key it was the widest column of the two window sorts and 40% of the input scan.)
-- A visitor's sessions depend only on that visitor's events (@slice: DuckDB computes tens of millions of events in
-- slices of visitors, so the window sorts stay in memory).
-- @materialized full
-- @slice events.visitor_key
-- @erase_by customer_id
-- @inputs silver.behavioral_events
-- @expect fail invalid_value positive_duration: duration_sec >= 0 AND event_count >= 1
WITH events AS (
  -- Only what the session rows need goes through the two window sorts, as narrow as it can be: the action as a small
  -- code, whether the event has a customer id (then it is the visitor key) instead of the id. Every byte per event
  -- is sorted twice; at 30M events the wider rows spilled past DuckDB's memory limit (docs/pipeline.md).
  SELECT
    e.anonymous_id,
    e.session_id,
    e.occurred_at,
    e.customer_id IS NOT NULL AS has_customer_id,
    CAST(CASE e.action
      WHEN 'PAGE_VIEW' THEN 1 WHEN 'PRODUCT_VIEW' THEN 2 WHEN 'SEARCH' THEN 3 WHEN 'CART_ADD' THEN 4 WHEN 'CHECKOUT' THEN 5
      ELSE 0
    END AS TINYINT) AS action_code,
    coalesce(e.customer_id, e.anonymous_id, e.session_id) AS visitor_key,
    unix_micros(e.occurred_at) AS event_us,
    e.channel,
    e.device_type,
    e.page_url
  FROM silver.behavioral_events AS e
),

gaps AS (
  SELECT
    v.anonymous_id, v.session_id, v.occurred_at, v.has_customer_id, v.action_code, v.visitor_key, v.event_us,
    CASE
      WHEN lag(v.event_us) OVER (PARTITION BY v.visitor_key ORDER BY v.event_us, v.channel, v.device_type, v.page_url) IS NULL THEN 1
      WHEN v.event_us - lag(v.event_us) OVER (PARTITION BY v.visitor_key ORDER BY v.event_us, v.channel, v.device_type, v.page_url) > 1800000000 THEN 1
      ELSE 0
    END AS is_session_start,
    v.channel,
    v.device_type,
    v.page_url
  FROM events AS v
),

starts AS (
  -- The session's first event is the one that started it (same visitor ordering): only its channel, device and page
  -- are kept, so the second window carries NULLs for the other events.
  SELECT
    g.anonymous_id, g.session_id, g.occurred_at, g.has_customer_id, g.action_code, g.visitor_key, g.event_us,
    g.is_session_start,
    CASE WHEN g.is_session_start = 1 THEN g.channel END AS start_channel,
    CASE WHEN g.is_session_start = 1 THEN g.device_type END AS start_device_type,
    CASE WHEN g.is_session_start = 1 THEN g.page_url END AS start_page_url
  FROM gaps AS g
),

numbered AS (
  -- Of a visitor's events at one microsecond at most one starts a session (the first in gaps' order). It comes first
  -- here, so every event at that microsecond is counted into its session whatever order the others take.
  SELECT
    s.*,
    sum(s.is_session_start) OVER (
      PARTITION BY s.visitor_key ORDER BY s.event_us, s.is_session_start DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS session_number
  FROM starts AS s
)

SELECT
  o.visitor_key || ':' || CAST(o.session_number AS STRING) AS session_key,
  o.visitor_key,
  -- an event with a customer id has it as its visitor key
  max(CASE WHEN o.has_customer_id THEN o.visitor_key END) AS customer_id,
  max(o.anonymous_id) AS anonymous_id,
  CAST(o.session_number AS BIGINT) AS session_number,
  min(o.occurred_at) AS session_start,
  max(o.occurred_at) AS session_end,
  CAST(min(o.occurred_at) AS DATE) AS session_date,
  CAST(floor((max(o.event_us) - min(o.event_us)) / 1000000) AS BIGINT) AS duration_sec,
  count(*) AS event_count,
  count(DISTINCT o.session_id) AS source_session_count,
  count(*) FILTER (WHERE o.action_code = 1) AS page_views,
  count(*) FILTER (WHERE o.action_code = 2) AS product_views,
  count(*) FILTER (WHERE o.action_code = 3) AS searches,
  count(*) FILTER (WHERE o.action_code = 4) AS cart_adds,
  count(*) FILTER (WHERE o.action_code = 5) AS checkouts,
  max(o.start_channel) AS channel,
  max(o.start_device_type) AS device_type,
  max(o.start_page_url) AS landing_page,
  count(*) = 1 AS is_bounce,
  count(*) FILTER (WHERE o.action_code = 5) > 0 AS is_converted,
  count(*) FILTER (WHERE o.action_code = 4) > 0 AND count(*) FILTER (WHERE o.action_code = 5) = 0 AS is_cart_abandoned
FROM numbered AS o
GROUP BY o.visitor_key, o.session_number
