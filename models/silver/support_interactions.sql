-- Silver support interactions: one row per interaction id, latest version (ticket status moves on).
-- @materialized incremental
-- @unique_key interaction_id
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context
-- generated:begin contract_rules_support_interaction (models/rules.ts; regenerate with npm run models:build)
-- @expect drop missing_required_field contract_missing_required_field: NOT array_contains(split(contract_violations, ','), 'missing_required_field')
-- @expect drop wrong_type contract_wrong_type: NOT array_contains(split(contract_violations, ','), 'wrong_type')
-- @expect drop invalid_timestamp contract_invalid_timestamp: NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')
-- @expect drop out_of_range contract_out_of_range: NOT array_contains(split(contract_violations, ','), 'out_of_range')
-- @expect drop invalid_enum_value contract_invalid_enum_value: NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')
-- @expect drop invalid_format contract_invalid_format: NOT array_contains(split(contract_violations, ','), 'invalid_format')
-- @expect drop string_too_long contract_string_too_long: NOT array_contains(split(contract_violations, ','), 'string_too_long')
-- @expect drop string_too_short contract_string_too_short: NOT array_contains(split(contract_violations, ','), 'string_too_short')
-- @expect drop unknown_event_type contract_unknown_event_type: NOT array_contains(split(contract_violations, ','), 'unknown_event_type')
-- @expect drop unknown_source contract_unknown_source: NOT array_contains(split(contract_violations, ','), 'unknown_source')
-- @expect drop invalid_schema_version contract_invalid_schema_version: NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')
-- @expect drop unknown_schema_version contract_unknown_schema_version: NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')
-- generated:end contract_rules_support_interaction
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH delivered AS (
  -- This event type's first deliveries (silver.event_deliveries: window, erasure, redelivery dedup);
  -- one parse of the payload into a map of its
  -- fields as text: the values and (map_keys) the rescued fields from the same parse.
  SELECT d.*, from_json(d.payload, 'MAP<STRING, STRING>') AS pm
  FROM silver.event_deliveries AS d
  WHERE d.event_type = 'support_interaction'
),

renamed AS (
  SELECT
    trim(r.pm['interactionId']) AS interaction_id,
    trim(r.pm['ticketId']) AS ticket_id,
    trim(r.customer_id) AS customer_id,
    r.source_system,
    upper(trim(r.pm['interactionType'])) AS interaction_type,
    upper(trim(r.pm['priority'])) AS priority,
    upper(trim(r.pm['category'])) AS category,
    upper(trim(r.pm['status'])) AS status,
    trim(r.pm['subject']) AS subject,
    TRY_CAST(r.pm['resolutionTimeMin'] AS BIGINT) AS resolution_time_min,
    TRY_CAST(r.pm['satisfactionScore'] AS BIGINT) AS satisfaction_score,
    TRY_CAST(r.pm['sentimentScore'] AS DOUBLE) AS sentiment_score,
    trim(r.pm['agentId']) AS agent_id,
    -- generated:begin rescued_fields_support_interaction (models/rules.ts; regenerate with npm run models:build)
    coalesce(array_join(array_sort(array_except(
      map_keys(r.pm),
      split('interactionId,ticketId,interactionType,priority,category,status,subject,resolutionTimeMin,satisfactionScore,sentimentScore,agentId', ',')
    )), ','), '')
    -- generated:end rescued_fields_support_interaction
    AS rescued_fields,
    -- generated:begin contract_violations_support_interaction (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      NULLIF(r.contract_violations, ''),
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'interactionId') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'ticketId') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'interactionType') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'priority') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'category') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'status') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'interactionId') AND r.pm['interactionId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['interactionId'] IS NOT NULL AND length(r.pm['interactionId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['interactionId'] IS NOT NULL AND length(r.pm['interactionId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['interactionId'] IS NOT NULL AND NOT regexp_like(r.pm['interactionId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'ticketId') AND r.pm['ticketId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['ticketId'] IS NOT NULL AND length(r.pm['ticketId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['ticketId'] IS NOT NULL AND length(r.pm['ticketId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['ticketId'] IS NOT NULL AND NOT regexp_like(r.pm['ticketId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'interactionType') AND r.pm['interactionType'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'interactionType') AND r.pm['interactionType'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['interactionType'] IS NOT NULL AND r.pm['interactionType'] NOT IN ('EMAIL', 'PHONE', 'CHAT', 'SOCIAL', 'IN_PERSON') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'priority') AND r.pm['priority'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'priority') AND r.pm['priority'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['priority'] IS NOT NULL AND r.pm['priority'] NOT IN ('LOW', 'MEDIUM', 'HIGH', 'URGENT') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'category') AND r.pm['category'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'category') AND r.pm['category'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['category'] IS NOT NULL AND r.pm['category'] NOT IN ('BILLING', 'TECHNICAL', 'PRODUCT', 'GENERAL') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['status'] IS NOT NULL AND r.pm['status'] NOT IN ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'subject') AND r.pm['subject'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['subject'] IS NOT NULL AND length(r.pm['subject']) > 200 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'resolutionTimeMin') AND r.pm['resolutionTimeMin'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['resolutionTimeMin'] IS NOT NULL AND TRY_CAST(r.pm['resolutionTimeMin'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['resolutionTimeMin'] IS NOT NULL AND TRY_CAST(r.pm['resolutionTimeMin'] AS DOUBLE) <> floor(TRY_CAST(r.pm['resolutionTimeMin'] AS DOUBLE)) THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['resolutionTimeMin'] IS NOT NULL AND TRY_CAST(r.pm['resolutionTimeMin'] AS DOUBLE) < 0 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['resolutionTimeMin'] IS NOT NULL AND TRY_CAST(r.pm['resolutionTimeMin'] AS DOUBLE) > 525600 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'satisfactionScore') AND r.pm['satisfactionScore'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['satisfactionScore'] IS NOT NULL AND TRY_CAST(r.pm['satisfactionScore'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['satisfactionScore'] IS NOT NULL AND TRY_CAST(r.pm['satisfactionScore'] AS DOUBLE) <> floor(TRY_CAST(r.pm['satisfactionScore'] AS DOUBLE)) THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['satisfactionScore'] IS NOT NULL AND TRY_CAST(r.pm['satisfactionScore'] AS DOUBLE) < 1 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['satisfactionScore'] IS NOT NULL AND TRY_CAST(r.pm['satisfactionScore'] AS DOUBLE) > 5 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'sentimentScore') AND r.pm['sentimentScore'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['sentimentScore'] IS NOT NULL AND TRY_CAST(r.pm['sentimentScore'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['sentimentScore'] IS NOT NULL AND TRY_CAST(r.pm['sentimentScore'] AS DOUBLE) < -1 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['sentimentScore'] IS NOT NULL AND TRY_CAST(r.pm['sentimentScore'] AS DOUBLE) > 1 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'agentId') AND r.pm['agentId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['agentId'] IS NOT NULL AND length(r.pm['agentId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['agentId'] IS NOT NULL AND length(r.pm['agentId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['agentId'] IS NOT NULL AND NOT regexp_like(r.pm['agentId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END
    )
    -- generated:end contract_violations_support_interaction
    AS contract_violations,
    r.schema_version,
    r.event_id,
    r.occurred_at,
    r.source_file,
    r.line_no
  FROM delivered AS r
),

-- generated:begin latest_version_support_interaction (models/rules.ts; regenerate with npm run models:build)
versioned_keys AS (
  -- Keys with more than one version in this input: only these go through the ranking window.
  SELECT coalesce(n.interaction_id, n.event_id) AS version_key
  FROM renamed AS n
  WHERE coalesce(n.interaction_id, n.event_id) IS NOT NULL
  GROUP BY coalesce(n.interaction_id, n.event_id)
  HAVING count(*) > 1
),

latest AS (
  -- The latest valid version of each key (rows without a key stay apart; invalid versions stay for the quarantine).
  SELECT n.*, 1 AS version_rank
  FROM renamed AS n
  WHERE coalesce(n.interaction_id, n.event_id) IS NULL
    OR coalesce(n.interaction_id, n.event_id) NOT IN (SELECT k.version_key FROM versioned_keys AS k)
  UNION ALL
  SELECT * FROM (
    SELECT
      n.*,
      CASE WHEN (coalesce((NOT array_contains(split(contract_violations, ','), 'missing_required_field')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'wrong_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'out_of_range')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_format')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_long')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_short')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_event_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_source')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')), false) AND coalesce((occurred_at IS NOT NULL), false)) THEN row_number() OVER (
        PARTITION BY coalesce(n.interaction_id, n.event_id), (coalesce((NOT array_contains(split(contract_violations, ','), 'missing_required_field')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'wrong_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'out_of_range')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_format')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_long')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_short')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_event_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_source')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')), false) AND coalesce((occurred_at IS NOT NULL), false)) ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
      ) ELSE 1 END AS version_rank
    FROM renamed AS n
    WHERE coalesce(n.interaction_id, n.event_id) IN (SELECT k.version_key FROM versioned_keys AS k)
  ) AS v
  WHERE v.version_rank = 1
)
-- generated:end latest_version_support_interaction

SELECT
  l.interaction_id,
  l.ticket_id,
  l.customer_id,
  l.source_system,
  l.interaction_type,
  l.priority,
  l.category,
  l.status,
  l.subject,
  l.resolution_time_min,
  l.satisfaction_score,
  l.sentiment_score,
  l.agent_id,
  CAST(l.occurred_at AS DATE) AS interaction_date,
  l.rescued_fields,
  l.contract_violations,
  l.schema_version,
  l.event_id,
  l.occurred_at,
  l.source_file,
  l.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM latest AS l
CROSS JOIN run_context AS rc
