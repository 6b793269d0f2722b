-- Identity resolution: every customer id seen in any source → one customer_key, with the rule that matched.
-- Profiles linked by a shared normalized email or E.164 phone — directly or through a chain of such links — join
-- one key, but only through identifiers the guard accepts (silver.identity_identifiers: valid by the contracts'
-- rules and shared by no more profiles than the configured limit; the refused ones are listed in
-- silver.identity_links): the smallest customer id of the connected group. The groups are found by label propagation (each
-- round: a link takes the smallest label of its profiles, a profile the smallest label of its links, then takes its
-- label's label), unrolled four times because Spark SQL has no recursive CTE; that resolves any chain of up to
-- 30 linked profiles (tested), and the `converged` expectation warns on the profiles of a group that needs more. Ids listed in a profile's
-- externalIds (v1.1) map to that profile's key; ids seen only in transactions, behaviour or support keep their own
-- id as key (rule 'unmatched').
-- @materialized full
-- @inputs silver.customers, silver.identity_identifiers, silver.orders, silver.behavioral_events, silver.support_interactions
-- @expect fail missing_required_field has_customer_key: customer_key IS NOT NULL
-- @expect warn identity_not_converged converged: is_converged
WITH profiles AS (
  SELECT c.customer_id, c.source_system, c.email, c.phone, c.external_ids_json
  FROM silver.customers AS c
  WHERE c.is_current
),

accepted AS (
  SELECT a.customer_id, a.rule, a.evidence_hash
  FROM silver.identity_identifiers AS a
  WHERE a.refusal_reason IS NULL AND a.profiles_sharing > 1
),

links AS (
  SELECT a.customer_id, a.evidence_hash AS link FROM accepted AS a
),

labels_0 AS (
  SELECT p.customer_id, p.customer_id AS label FROM profiles AS p
),

link_labels_1 AS (
  SELECT k.link, min(l.label) AS label FROM links AS k INNER JOIN labels_0 AS l ON l.customer_id = k.customer_id GROUP BY k.link
),

spread_1 AS (
  SELECT l.customer_id, least(l.label, coalesce(min(x.label), l.label)) AS label
  FROM labels_0 AS l
  LEFT JOIN links AS k ON k.customer_id = l.customer_id
  LEFT JOIN link_labels_1 AS x ON x.link = k.link
  GROUP BY l.customer_id, l.label
),

labels_1 AS (
  SELECT s.customer_id, least(s.label, coalesce(j.label, s.label)) AS label
  FROM spread_1 AS s LEFT JOIN spread_1 AS j ON j.customer_id = s.label
),

link_labels_2 AS (
  SELECT k.link, min(l.label) AS label FROM links AS k INNER JOIN labels_1 AS l ON l.customer_id = k.customer_id GROUP BY k.link
),

spread_2 AS (
  SELECT l.customer_id, least(l.label, coalesce(min(x.label), l.label)) AS label
  FROM labels_1 AS l
  LEFT JOIN links AS k ON k.customer_id = l.customer_id
  LEFT JOIN link_labels_2 AS x ON x.link = k.link
  GROUP BY l.customer_id, l.label
),

labels_2 AS (
  SELECT s.customer_id, least(s.label, coalesce(j.label, s.label)) AS label
  FROM spread_2 AS s LEFT JOIN spread_2 AS j ON j.customer_id = s.label
),

link_labels_3 AS (
  SELECT k.link, min(l.label) AS label FROM links AS k INNER JOIN labels_2 AS l ON l.customer_id = k.customer_id GROUP BY k.link
),

spread_3 AS (
  SELECT l.customer_id, least(l.label, coalesce(min(x.label), l.label)) AS label
  FROM labels_2 AS l
  LEFT JOIN links AS k ON k.customer_id = l.customer_id
  LEFT JOIN link_labels_3 AS x ON x.link = k.link
  GROUP BY l.customer_id, l.label
),

labels_3 AS (
  SELECT s.customer_id, least(s.label, coalesce(j.label, s.label)) AS label
  FROM spread_3 AS s LEFT JOIN spread_3 AS j ON j.customer_id = s.label
),

link_labels_4 AS (
  SELECT k.link, min(l.label) AS label FROM links AS k INNER JOIN labels_3 AS l ON l.customer_id = k.customer_id GROUP BY k.link
),

spread_4 AS (
  SELECT l.customer_id, least(l.label, coalesce(min(x.label), l.label)) AS label
  FROM labels_3 AS l
  LEFT JOIN links AS k ON k.customer_id = l.customer_id
  LEFT JOIN link_labels_4 AS x ON x.link = k.link
  GROUP BY l.customer_id, l.label
),

labels_4 AS (
  SELECT s.customer_id, least(s.label, coalesce(j.label, s.label)) AS label
  FROM spread_4 AS s LEFT JOIN spread_4 AS j ON j.customer_id = s.label
),

final_link_labels AS (
  SELECT k.link, min(l.label) AS label, max(l.label) AS max_label
  FROM links AS k INNER JOIN labels_4 AS l ON l.customer_id = k.customer_id
  GROUP BY k.link
),

convergence AS (
  -- Converged: every profile's links carry one label, its own (one more round would change nothing).
  SELECT
    l.customer_id,
    min(CASE WHEN k.link IS NULL OR (x.label = l.label AND x.max_label = l.label) THEN 1 ELSE 0 END) = 1 AS is_converged
  FROM labels_4 AS l
  LEFT JOIN links AS k ON k.customer_id = l.customer_id
  LEFT JOIN final_link_labels AS x ON x.link = k.link
  GROUP BY l.customer_id
),

email_groups AS (
  SELECT a.customer_id, min(a.customer_id) OVER (PARTITION BY a.evidence_hash) AS anchor_id FROM accepted AS a WHERE a.rule = 'email'
),

phone_groups AS (
  SELECT a.customer_id, min(a.customer_id) OVER (PARTITION BY a.evidence_hash) AS anchor_id FROM accepted AS a WHERE a.rule = 'phone'
),

resolved_profiles AS (
  -- The rule names the profile's own link: a direct email (or phone) match, else a longer chain.
  SELECT
    p.customer_id AS source_customer_id,
    l.label AS customer_key,
    CASE
      WHEN l.label = p.customer_id THEN 'source_id'
      WHEN e.anchor_id <> p.customer_id THEN 'email'
      WHEN ph.anchor_id <> p.customer_id THEN 'phone'
      ELSE 'email_phone_chain'
    END AS match_rule,
    p.source_system AS id_system,
    1 AS priority,
    c.is_converged
  FROM profiles AS p
  INNER JOIN labels_4 AS l ON l.customer_id = p.customer_id
  INNER JOIN convergence AS c ON c.customer_id = p.customer_id
  LEFT JOIN email_groups AS e ON e.customer_id = p.customer_id
  LEFT JOIN phone_groups AS ph ON ph.customer_id = p.customer_id
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
    2 AS priority,
    r.is_converged
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
         min(t.source_system) AS id_system, 3 AS priority, true AS is_converged
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
),

resolved AS (
  SELECT r.* FROM ranked AS r WHERE r.id_rank = 1
),

clusters AS (
  -- Per resolved customer: how many source ids it holds and the rules that brought them in.
  SELECT
    r.customer_key,
    count(*) AS cluster_size,
    concat_ws(
      ',',
      max(CASE WHEN r.match_rule = 'email' THEN 'email' END),
      max(CASE WHEN r.match_rule = 'email_phone_chain' THEN 'email_phone_chain' END),
      max(CASE WHEN r.match_rule = 'external_id' THEN 'external_id' END),
      max(CASE WHEN r.match_rule = 'phone' THEN 'phone' END),
      max(CASE WHEN r.match_rule = 'source_id' THEN 'source_id' END),
      max(CASE WHEN r.match_rule = 'unmatched' THEN 'unmatched' END)
    ) AS cluster_rules
  FROM resolved AS r
  GROUP BY r.customer_key
)

SELECT
  r.source_customer_id,
  r.customer_key,
  r.match_rule,
  r.id_system,
  r.id_rank,
  r.is_converged,
  k.cluster_size,
  k.cluster_rules,
  rc.load_id
FROM resolved AS r
INNER JOIN clusters AS k ON k.customer_key = r.customer_key
CROSS JOIN run_context AS rc
