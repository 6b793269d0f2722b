-- Identity resolution: every customer id seen in any source → one customer_key, with the rule that matched.
-- Profiles sharing a normalized email or E.164 phone join one key (the smallest customer id of the group,
-- followed for two hops); ids listed in a profile's externalIds (v1.1) map to that profile's key; ids seen only
-- in transactions, behaviour or support keep their own id as key (rule 'unmatched').
-- @materialized full
-- @inputs silver.customers, silver.orders, silver.behavioral_events, silver.support_interactions
-- @expect fail missing_required_field has_customer_key: customer_key IS NOT NULL
WITH profiles AS (
  SELECT c.customer_id, c.source_system, c.email, c.phone, c.external_ids_json
  FROM silver.customers AS c
  WHERE c.is_current
),

email_groups AS (
  SELECT p.email, min(p.customer_id) AS anchor_id FROM profiles AS p WHERE p.email IS NOT NULL GROUP BY p.email
),

phone_groups AS (
  SELECT p.phone, min(p.customer_id) AS anchor_id FROM profiles AS p WHERE p.phone IS NOT NULL GROUP BY p.phone
),

first_hop AS (
  SELECT
    p.customer_id,
    p.source_system,
    e.anchor_id AS email_anchor_id,
    ph.anchor_id AS phone_anchor_id,
    least(p.customer_id, coalesce(e.anchor_id, p.customer_id), coalesce(ph.anchor_id, p.customer_id)) AS hop_key
  FROM profiles AS p
  LEFT JOIN email_groups AS e ON e.email = p.email
  LEFT JOIN phone_groups AS ph ON ph.phone = p.phone
),

resolved_profiles AS (
  -- Second hop: A~B by email and B~C by phone puts C on A's key too.
  SELECT
    f.customer_id AS source_customer_id,
    least(f.hop_key, coalesce(k.hop_key, f.hop_key)) AS customer_key,
    CASE
      WHEN least(f.hop_key, coalesce(k.hop_key, f.hop_key)) = f.customer_id THEN 'source_id'
      WHEN f.email_anchor_id <> f.customer_id THEN 'email'
      WHEN f.phone_anchor_id <> f.customer_id THEN 'phone'
      ELSE 'email_phone_chain'
    END AS match_rule,
    f.source_system AS id_system,
    1 AS priority
  FROM first_hop AS f
  LEFT JOIN first_hop AS k ON k.customer_id = f.hop_key
),

external_keys AS (
  SELECT p.customer_id, p.external_ids_json, explode(json_object_keys(p.external_ids_json)) AS system_name
  FROM profiles AS p
  WHERE p.external_ids_json IS NOT NULL
),

resolved_external AS (
  SELECT
    trim(get_json_object(x.external_ids_json, '$.' || x.system_name)) AS source_customer_id,
    r.customer_key,
    'external_id' AS match_rule,
    x.system_name AS id_system,
    2 AS priority
  FROM external_keys AS x
  INNER JOIN resolved_profiles AS r ON r.source_customer_id = x.customer_id
),

transactional_ids AS (
  SELECT o.customer_id, o.source_system FROM silver.orders AS o
  UNION ALL
  SELECT e.customer_id, e.source_system FROM silver.behavioral_events AS e WHERE e.customer_id IS NOT NULL
  UNION ALL
  SELECT s.customer_id, s.source_system FROM silver.support_interactions AS s
),

unmatched AS (
  SELECT t.customer_id AS source_customer_id, t.customer_id AS customer_key, 'unmatched' AS match_rule,
         min(t.source_system) AS id_system, 3 AS priority
  FROM transactional_ids AS t
  GROUP BY t.customer_id
),

candidates AS (
  SELECT * FROM resolved_profiles
  UNION ALL
  SELECT * FROM resolved_external WHERE source_customer_id IS NOT NULL
  UNION ALL
  SELECT * FROM unmatched
),

ranked AS (
  SELECT
    c.*,
    row_number() OVER (PARTITION BY c.source_customer_id ORDER BY c.priority, c.customer_key, c.id_system) AS id_rank
  FROM candidates AS c
)

SELECT
  r.source_customer_id,
  r.customer_key,
  r.match_rule,
  r.id_system,
  r.id_rank,
  rc.load_id
FROM ranked AS r
CROSS JOIN run_context AS rc
WHERE r.id_rank = 1
