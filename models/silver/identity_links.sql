-- Identity links, explained: one row per candidate link between two profiles that share an email or phone — the
-- profile and the identifier's anchor (its smallest customer id) — with the rule, the evidence (hashed: the
-- identifier itself is personal data), whether it linked or was refused and why (invalid_identifier,
-- shared_beyond_limit: silver.identity_identifiers), how many profiles share the identifier, and both profiles'
-- resolved keys with the cluster size of the profile's key. The run report counts links made, refused by
-- reason, and the largest cluster.
-- @materialized full
-- @erase_by customer_id, anchor_customer_id
-- @inputs silver.identity_identifiers, silver.customer_identity
SELECT
  i.anchor_customer_id,
  i.customer_id,
  i.rule,
  i.evidence_hash,
  CASE WHEN i.refusal_reason IS NULL THEN 'linked' ELSE 'refused' END AS link_status,
  i.refusal_reason,
  i.profiles_sharing,
  ka.customer_key AS anchor_customer_key,
  kb.customer_key,
  kb.cluster_size,
  rc.load_id
FROM (
  SELECT x.*, x.anchor_id AS anchor_customer_id FROM silver.identity_identifiers AS x WHERE x.customer_id <> x.anchor_id
) AS i
LEFT JOIN silver.customer_identity AS ka ON ka.source_customer_id = i.anchor_customer_id
LEFT JOIN silver.customer_identity AS kb ON kb.source_customer_id = i.customer_id
CROSS JOIN run_context AS rc
