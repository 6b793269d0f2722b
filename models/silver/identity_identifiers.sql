-- Identity candidates: every email and phone of a current profile, with the guard's verdict. A value links
-- profiles only when the contracts' normalization accepts it (silver.customers: normalizeEmail, normalizePhone;
-- an invalid phone is kept here by its digits, the evidence a naive matcher would link on) and when no more
-- profiles share it than IDENTITY_RULES.maxProfilesPerIdentifier (contracts/identity.ts): a store's phone, a
-- family inbox, a placeholder — and only when its holders agree on the first name (a family's shared inbox or a
-- household phone joins different people: `conflicting_holders`). refusal_reason is NULL for an identifier that
-- links. The identifier is kept only
-- as its hash (`evidence_hash`, sha-256 of rule:value): links need equality, not the personal data.
-- @materialized full
-- @erase_by customer_id
-- @inputs silver.customers, run_context
WITH
-- generated:begin identity_settings (models/rules.ts; regenerate with npm run models:build)
identity_settings AS (
  SELECT 3 AS max_profiles_per_identifier
)
-- generated:end identity_settings
,

profiles AS (
  SELECT c.customer_id, lower(c.first_name) AS first_name, c.email, c.phone, c.phone_raw
  FROM silver.customers AS c
  WHERE c.is_current
),

values_ AS (
  SELECT p.customer_id, p.first_name, 'email' AS rule, p.email AS identifier, true AS is_valid
  FROM profiles AS p WHERE p.email IS NOT NULL
  UNION ALL
  SELECT p.customer_id, p.first_name, 'phone' AS rule, p.phone AS identifier, true AS is_valid
  FROM profiles AS p WHERE p.phone IS NOT NULL
  UNION ALL
  SELECT p.customer_id, p.first_name, 'phone' AS rule, regexp_replace(p.phone_raw, '[^0-9]', '') AS identifier, false AS is_valid
  FROM profiles AS p WHERE p.phone IS NULL AND p.phone_raw IS NOT NULL
),

identifiers AS (
  SELECT v.customer_id, v.first_name, v.rule, sha2(v.rule || ':' || v.identifier, 256) AS evidence_hash, v.is_valid
  FROM values_ AS v
),

sharing AS (
  SELECT i.rule, i.evidence_hash, i.is_valid, count(DISTINCT i.customer_id) AS profiles_sharing,
    count(DISTINCT i.first_name) AS holder_names, min(i.customer_id) AS anchor_id
  FROM identifiers AS i
  GROUP BY i.rule, i.evidence_hash, i.is_valid
)

SELECT
  i.customer_id,
  i.rule,
  i.evidence_hash,
  i.is_valid,
  s.profiles_sharing,
  s.anchor_id,
  CASE
    WHEN NOT i.is_valid THEN 'invalid_identifier'
    WHEN s.profiles_sharing > st.max_profiles_per_identifier THEN 'shared_beyond_limit'
    WHEN s.holder_names > 1 THEN 'conflicting_holders'
  END AS refusal_reason,
  rc.load_id
FROM identifiers AS i
INNER JOIN sharing AS s ON s.rule = i.rule AND s.evidence_hash = i.evidence_hash AND s.is_valid = i.is_valid
CROSS JOIN identity_settings AS st
CROSS JOIN run_context AS rc
