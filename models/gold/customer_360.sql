-- Customer 360: one row per resolved customer_key — golden profile, purchase, behaviour and support summary,
-- and seed 000's value tier (rendered from VALUE_TIER_RULES in contracts/vocabulary.ts, the rule valueSegment() runs).
-- Orders, net spend (completed purchases and exchanges minus completed returns and refunds), returns and the
-- average order value follow ORDER_METRICS (contracts/order-metrics.ts), the real-time profile's definition; the
-- spend can be negative (documented there). as_of_date (the run's window end) is "today" for recency.
-- An analytics mart: the pseudonymous customer_key (and the golden profile's source id), never names, emails or
-- phones; contact data is only in the restricted gold.customer_contacts.
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs silver.customer_identity, silver.customers, silver.orders, silver.sessions, silver.support_interactions, run_context
-- @expect fail missing_required_field has_customer_key: customer_key IS NOT NULL
-- @expect warn missing_required_field has_profile: profile_id IS NOT NULL
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key, i.match_rule FROM silver.customer_identity AS i
),

keys AS (
  SELECT
    i.customer_key,
    count(*) AS source_id_count,
    count(*) FILTER (WHERE i.match_rule = 'email') AS email_matched_ids,
    count(*) FILTER (WHERE i.match_rule = 'phone') AS phone_matched_ids,
    count(*) FILTER (WHERE i.match_rule = 'external_id') AS external_matched_ids
  FROM identity AS i
  GROUP BY i.customer_key
),

golden AS (
  -- The profile whose own id is the key wins, else the most recently updated one.
  SELECT * FROM (
    SELECT
      i.customer_key,
      c.*,
      row_number() OVER (
        PARTITION BY i.customer_key
        ORDER BY CASE WHEN c.customer_id = i.customer_key THEN 0 ELSE 1 END, c.valid_from DESC, c.customer_id
      ) AS profile_rank
    FROM silver.customers AS c
    INNER JOIN identity AS i ON i.source_customer_id = c.customer_id
    WHERE c.is_current
  ) AS g
  WHERE g.profile_rank = 1
),

orders AS (
  SELECT
    i.customer_key,
    -- generated:begin order_metrics (models/rules.ts; regenerate with npm run models:build)
    count(*) FILTER (WHERE o.transaction_type IN ('PURCHASE') AND o.status = 'COMPLETED') AS total_orders,
    coalesce(sum(CASE WHEN o.transaction_type IN ('PURCHASE', 'EXCHANGE') AND o.status = 'COMPLETED' THEN o.total_amount WHEN o.transaction_type IN ('RETURN', 'REFUND') AND o.status = 'COMPLETED' THEN -o.total_amount END), 0) AS total_spent,
    min(CASE WHEN o.transaction_type IN ('PURCHASE') AND o.status = 'COMPLETED' THEN o.order_date END) AS first_order_date,
    max(CASE WHEN o.transaction_type IN ('PURCHASE') AND o.status = 'COMPLETED' THEN o.order_date END) AS last_order_date,
    count(*) FILTER (WHERE o.transaction_type IN ('RETURN', 'REFUND') AND o.status = 'COMPLETED') AS return_count
    -- generated:end order_metrics
  FROM silver.orders AS o
  INNER JOIN identity AS i ON i.source_customer_id = o.customer_id
  GROUP BY i.customer_key
),

behaviour AS (
  SELECT
    i.customer_key,
    count(*) AS total_sessions,
    CAST(sum(s.event_count) AS BIGINT) AS total_events,
    CAST(max(s.session_end) AS DATE) AS last_seen_date
  FROM silver.sessions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key
),

support AS (
  SELECT
    i.customer_key,
    count(*) AS support_interactions,
    count(DISTINCT s.ticket_id) AS support_tickets,
    count(DISTINCT CASE WHEN s.status IN ('OPEN', 'IN_PROGRESS') THEN s.ticket_id END) AS open_tickets,
    avg(CAST(s.satisfaction_score AS DOUBLE)) AS avg_satisfaction
  FROM silver.support_interactions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key
),

joined AS (
  SELECT
    k.customer_key,
    g.customer_id AS profile_id,
    g.city,
    g.country_code,
    g.customer_segment,
    g.loyalty_tier,
    g.loyalty_points,
    g.registration_date,
    g.status,
    g.preferred_channel,
    g.consent_email,
    g.consent_sms,
    k.source_id_count,
    k.email_matched_ids,
    k.phone_matched_ids,
    k.external_matched_ids,
    coalesce(o.total_orders, 0) AS total_orders,
    CAST(coalesce(o.total_spent, 0) AS DECIMAL(18, 2)) AS total_spent,
    -- generated:begin average_order_value (models/rules.ts; regenerate with npm run models:build)
    CAST(CAST(floor((2 * CAST(o.total_spent * 100 AS BIGINT) + o.total_orders) / (2 * NULLIF(o.total_orders, 0))) AS BIGINT) * 0.01 AS DECIMAL(18, 2))
    -- generated:end average_order_value
    AS avg_order_value,
    o.first_order_date,
    o.last_order_date,
    datediff(rc.as_of_date, o.last_order_date) AS days_since_last_order,
    coalesce(o.return_count, 0) AS return_count,
    coalesce(b.total_sessions, 0) AS total_sessions,
    coalesce(b.total_events, 0) AS total_events,
    b.last_seen_date,
    coalesce(s.support_interactions, 0) AS support_interactions,
    coalesce(s.support_tickets, 0) AS support_tickets,
    coalesce(s.open_tickets, 0) AS open_tickets,
    CAST(round(CAST(s.avg_satisfaction AS DECIMAL(38, 10)), 2) AS DECIMAL(5, 2)) AS avg_satisfaction,
    rc.as_of_date,
    rc.load_id
  FROM keys AS k
  CROSS JOIN run_context AS rc
  LEFT JOIN golden AS g ON g.customer_key = k.customer_key
  LEFT JOIN orders AS o ON o.customer_key = k.customer_key
  LEFT JOIN behaviour AS b ON b.customer_key = k.customer_key
  LEFT JOIN support AS s ON s.customer_key = k.customer_key
)

SELECT
  j.*,
  -- generated:begin value_tier (models/rules.ts; regenerate with npm run models:build)
  CASE
    WHEN j.total_spent > 5000 AND j.total_orders > 20 THEN 'VIP'
    WHEN j.total_spent > 2000 AND j.total_orders > 10 THEN 'Premium'
    WHEN j.total_spent > 500 AND j.total_orders > 5 THEN 'Regular'
    ELSE 'New'
  END
  -- generated:end value_tier
  AS value_segment
FROM joined AS j
