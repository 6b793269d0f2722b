-- Profile traits: one row per resolved customer — the batch traits the traits sync writes to the Cosmos profiles
-- (docs/functions.md, "Batch traits"): value tier, RFM scores and segment, both CLVs, churn probability and risk, lead
-- score and tier, the top three categories by affinity, and the identifiers of the customer's cluster for the lookup
-- index: every source id resolved to the key, the ids matched through externalIds, the normalized emails and
-- phones of its current profiles; and the customer's marketing consent per channel with its time
-- (gold.marketing_consent), which gates the change events the traits sync publishes (docs/functions.md). Exported as
-- JSON lines per load (gold/_exports/profile_traits/load_id=<id>/).
-- @materialized full
-- @unique_key customer_key
-- @export jsonl
-- @inputs gold.customer_360, gold.customer_segments, gold.customer_lifetime_value, gold.churn_features, gold.lead_scores, gold.personalization_features, gold.marketing_consent, silver.customer_identity, silver.customers, run_context
-- @expect fail missing_required_field has_source_ids: customer_key IS NOT NULL AND source_ids IS NOT NULL
WITH members AS (
  SELECT
    i.customer_key,
    array_sort(collect_list(i.source_customer_id)) AS source_ids,
    array_sort(collect_list(CASE WHEN i.match_rule = 'external_id' THEN i.source_customer_id END)) AS external_ids
  FROM silver.customer_identity AS i
  GROUP BY i.customer_key
),

emails AS (
  SELECT DISTINCT i.customer_key, c.email AS email
  FROM silver.customers AS c
  INNER JOIN silver.customer_identity AS i ON i.source_customer_id = c.customer_id
  WHERE c.is_current AND c.email IS NOT NULL
),

phones AS (
  SELECT DISTINCT i.customer_key, c.phone AS phone
  FROM silver.customers AS c
  INNER JOIN silver.customer_identity AS i ON i.source_customer_id = c.customer_id
  WHERE c.is_current AND c.phone IS NOT NULL
),

email_lists AS (
  SELECT e.customer_key, array_sort(collect_list(e.email)) AS emails FROM emails AS e GROUP BY e.customer_key
),

phone_lists AS (
  SELECT p.customer_key, array_sort(collect_list(p.phone)) AS phones FROM phones AS p GROUP BY p.customer_key
),

top_categories AS (
  SELECT
    p.customer_key,
    max(CASE WHEN p.preference_rank = 1 THEN p.category END) AS top_category_1,
    max(CASE WHEN p.preference_rank = 2 THEN p.category END) AS top_category_2,
    max(CASE WHEN p.preference_rank = 3 THEN p.category END) AS top_category_3
  FROM gold.personalization_features AS p
  WHERE p.preference_rank <= 3
  GROUP BY p.customer_key
)

SELECT
  c.customer_key,
  c.value_segment AS value_tier,
  s.r_score,
  s.f_score,
  s.m_score,
  s.rfm_cell,
  s.rfm_segment,
  v.historical_clv_3y,
  v.factor_clv,
  f.churn_probability,
  f.is_churn_risk,
  l.lead_score,
  l.lead_quality AS lead_tier,
  t.top_category_1,
  t.top_category_2,
  t.top_category_3,
  m.source_ids,
  m.external_ids,
  e.emails,
  p.phones,
  coalesce(mc.consent_email, false) AS consent_email,
  coalesce(mc.consent_sms, false) AS consent_sms,
  coalesce(mc.consent_push, false) AS consent_push,
  mc.consent_updated_at,
  c.as_of_date,
  rc.run_at AS computed_at,
  c.load_id
FROM gold.customer_360 AS c
CROSS JOIN run_context AS rc
LEFT JOIN gold.customer_segments AS s ON s.customer_key = c.customer_key
LEFT JOIN gold.customer_lifetime_value AS v ON v.customer_key = c.customer_key
LEFT JOIN gold.churn_features AS f ON f.customer_key = c.customer_key
LEFT JOIN gold.lead_scores AS l ON l.customer_key = c.customer_key
LEFT JOIN top_categories AS t ON t.customer_key = c.customer_key
LEFT JOIN members AS m ON m.customer_key = c.customer_key
LEFT JOIN email_lists AS e ON e.customer_key = c.customer_key
LEFT JOIN phone_lists AS p ON p.customer_key = c.customer_key
LEFT JOIN gold.marketing_consent AS mc ON mc.customer_key = c.customer_key
