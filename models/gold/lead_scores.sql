-- Lead scoring, seed 002: lead_score = revenue_score × 0.30 + interaction_score × 0.20 + engagement × 0.25
-- + win_rate_score × 0.25, each on 0-100; quality hot ≥ 80, warm ≥ 60, cool ≥ 40, else cold.
-- Retail mapping: revenue = completed purchase spend (score vs the maximum customer); interactions = sessions
-- + support interactions (vs the maximum); engagement = seed 002's (positive/total × 5 + calls/total × 2
-- + recency_score × 3) / 10 with positive = converted sessions + support rated ≥ 4, calls = PHONE support contacts,
-- recency_score 10 if the last activity is under 7 days old else 5 — scaled × 10 onto 0-100 for the lead score;
-- win_rate = completed purchases / purchase attempts (completed, failed, cancelled, pending).
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- A marketing use: every customer is scored, and `has_marketing_consent` (gold.marketing_consent) flags who may be
-- contacted on it; a withdrawal clears the flag in the next gold run.
-- @inputs gold.customer_360, gold.churn_features, gold.marketing_consent, silver.customer_identity, silver.orders, silver.sessions, silver.support_interactions
-- @expect fail out_of_range score_in_range: lead_score BETWEEN 0 AND 100
WITH identity AS (
  SELECT i.source_customer_id, i.customer_key FROM silver.customer_identity AS i
),

attempts AS (
  SELECT
    i.customer_key,
    count(*) AS purchase_attempts,
    count(*) FILTER (WHERE o.status = 'COMPLETED') AS purchases_won
  FROM silver.orders AS o
  INNER JOIN identity AS i ON i.source_customer_id = o.customer_id
  WHERE o.transaction_type = 'PURCHASE'
  GROUP BY i.customer_key
),

positive_sessions AS (
  SELECT i.customer_key, count(*) FILTER (WHERE s.is_converted) AS converted_sessions
  FROM silver.sessions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key
),

support AS (
  SELECT
    i.customer_key,
    count(*) FILTER (WHERE s.satisfaction_score >= 4) AS satisfied_contacts,
    count(*) FILTER (WHERE s.interaction_type = 'PHONE') AS calls
  FROM silver.support_interactions AS s
  INNER JOIN identity AS i ON i.source_customer_id = s.customer_id
  GROUP BY i.customer_key
),

base AS (
  SELECT
    c.customer_key,
    CAST(c.total_spent AS DOUBLE) AS total_revenue,
    c.total_sessions + c.support_interactions AS total_interactions,
    coalesce(p.converted_sessions, 0) + coalesce(s.satisfied_contacts, 0) AS positive_outcomes,
    coalesce(s.calls, 0) AS calls,
    CASE WHEN f.days_since_last_activity < 7 THEN 10 ELSE 5 END AS recency_score,
    coalesce(CAST(a.purchases_won AS DOUBLE) / NULLIF(a.purchase_attempts, 0), 0) AS win_rate,
    f.days_since_last_activity,
    coalesce(mc.has_marketing_consent, false) AS has_marketing_consent,
    c.as_of_date,
    c.load_id
  FROM gold.customer_360 AS c
  LEFT JOIN gold.churn_features AS f ON f.customer_key = c.customer_key
  LEFT JOIN gold.marketing_consent AS mc ON mc.customer_key = c.customer_key
  LEFT JOIN attempts AS a ON a.customer_key = c.customer_key
  LEFT JOIN positive_sessions AS p ON p.customer_key = c.customer_key
  LEFT JOIN support AS s ON s.customer_key = c.customer_key
),

components AS (
  SELECT
    b.*,
    coalesce(b.total_revenue / NULLIF(max(b.total_revenue) OVER (), 0) * 100, 0) AS revenue_score,
    coalesce(CAST(b.total_interactions AS DOUBLE) / NULLIF(max(b.total_interactions) OVER (), 0) * 100, 0) AS interaction_score,
    (
      coalesce(CAST(b.positive_outcomes AS DOUBLE) / NULLIF(b.total_interactions, 0), 0) * 5
      + coalesce(CAST(b.calls AS DOUBLE) / NULLIF(b.total_interactions, 0), 0) * 2
      + b.recency_score * 3
    ) / 10 AS engagement_score,
    b.win_rate * 100 AS win_rate_score
  FROM base AS b
),

scored AS (
  SELECT
    c.*,
    round(CAST(
      c.revenue_score * 0.30 + c.interaction_score * 0.20 + least(c.engagement_score * 10, 100) * 0.25 + c.win_rate_score * 0.25
      AS DECIMAL(38, 10)), 2) AS lead_score_exact
  FROM components AS c
)

SELECT
  s.customer_key,
  CAST(s.total_revenue AS DECIMAL(18, 2)) AS total_revenue,
  s.total_interactions,
  s.positive_outcomes,
  s.calls,
  CAST(round(CAST(s.revenue_score AS DECIMAL(38, 10)), 2) AS DECIMAL(6, 2)) AS revenue_score,
  CAST(round(CAST(s.interaction_score AS DECIMAL(38, 10)), 2) AS DECIMAL(6, 2)) AS interaction_score,
  CAST(round(CAST(s.engagement_score AS DECIMAL(38, 10)), 2) AS DECIMAL(6, 2)) AS engagement_score,
  CAST(round(CAST(s.win_rate AS DECIMAL(38, 10)), 4) AS DECIMAL(6, 4)) AS win_rate,
  CAST(s.lead_score_exact AS DECIMAL(6, 2)) AS lead_score,
  CASE
    WHEN s.lead_score_exact >= 80 THEN 'hot'
    WHEN s.lead_score_exact >= 60 THEN 'warm'
    WHEN s.lead_score_exact >= 40 THEN 'cool'
    ELSE 'cold'
  END AS lead_quality,
  s.has_marketing_consent,
  s.as_of_date,
  s.load_id
FROM scored AS s
