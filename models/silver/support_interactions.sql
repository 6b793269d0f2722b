-- Silver support interactions: one row per interaction id, latest version (ticket status moves on).
-- @materialized incremental
-- @unique_key interaction_id
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context
-- @expect drop unknown_schema_version known_schema_version: schema_version = '1.0'
-- @expect drop missing_required_field has_required_fields: missing_required_fields = ''
-- @expect drop wrong_type required_not_null: null_required_fields = ''
-- @expect drop missing_required_field has_keys: interaction_id IS NOT NULL AND customer_id IS NOT NULL
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect drop out_of_range satisfaction_in_range: satisfaction_score IS NULL OR satisfaction_score BETWEEN 1 AND 5
-- @expect warn invalid_enum_value known_interaction_type: interaction_type IN ('EMAIL', 'PHONE', 'CHAT', 'SOCIAL', 'IN_PERSON')
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
    coalesce(array_join(array_sort(array_except(
      map_keys(r.pm), k.known_fields
    )), ','), '') AS rescued_fields,
    -- generated:begin required_support_interaction (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      CASE WHEN NOT array_contains(map_keys(r.pm), 'interactionId') THEN 'interactionId' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'ticketId') THEN 'ticketId' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'interactionType') THEN 'interactionType' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'priority') THEN 'priority' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'category') THEN 'category' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'status') THEN 'status' END
    )
    -- generated:end required_support_interaction
    AS missing_required_fields,
    -- generated:begin null_support_interaction (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      CASE WHEN array_contains(map_keys(r.pm), 'interactionId') AND r.pm['interactionId'] IS NULL THEN 'interactionId' END,
      CASE WHEN array_contains(map_keys(r.pm), 'ticketId') AND r.pm['ticketId'] IS NULL THEN 'ticketId' END,
      CASE WHEN array_contains(map_keys(r.pm), 'interactionType') AND r.pm['interactionType'] IS NULL THEN 'interactionType' END,
      CASE WHEN array_contains(map_keys(r.pm), 'priority') AND r.pm['priority'] IS NULL THEN 'priority' END,
      CASE WHEN array_contains(map_keys(r.pm), 'category') AND r.pm['category'] IS NULL THEN 'category' END,
      CASE WHEN array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'status' END
    )
    -- generated:end null_support_interaction
    AS null_required_fields,
    r.schema_version,
    r.event_id,
    r.occurred_at,
    r.source_file,
    r.line_no
  FROM delivered AS r
CROSS JOIN (SELECT split('interactionId,ticketId,interactionType,priority,category,status,subject,resolutionTimeMin,satisfactionScore,sentimentScore,agentId', ',') AS known_fields) AS k
),

latest AS (
  SELECT * FROM (
    SELECT n.*, row_number() OVER (
      PARTITION BY coalesce(n.interaction_id, n.event_id) ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
    ) AS version_rank
    FROM renamed AS n
  ) AS v
  WHERE v.version_rank = 1
)

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
  l.missing_required_fields,
  l.null_required_fields,
  l.schema_version,
  l.event_id,
  l.occurred_at,
  l.source_file,
  l.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM latest AS l
CROSS JOIN run_context AS rc
