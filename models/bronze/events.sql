-- Bronze: every landing record (envelope JSONL lines and CSV/Parquet extract rows), raw record kept.
-- landing_records is provided by the engine adapter: one row per line/row of the landing files not loaded yet
-- (source_system, event_type, ingest_date from the path; record_format jsonl|csv|parquet; CSV/Parquet rows as JSON).
-- @materialized incremental
-- @unique_key source_file, line_no
-- @reads new_only
-- @erase_by customer_id, payload_customer_id
-- @inputs landing_records, run_context
-- @zorder event_type
-- @expect drop unparseable parseable_record: is_parseable
-- generated:begin envelope_rules (models/rules.ts; regenerate with npm run models:build)
-- @expect drop missing_required_field contract_missing_required_field: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'missing_required_field')
-- @expect drop wrong_type contract_wrong_type: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'wrong_type')
-- @expect drop invalid_timestamp contract_invalid_timestamp: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')
-- @expect drop invalid_format contract_invalid_format: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'invalid_format')
-- @expect drop string_too_long contract_string_too_long: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'string_too_long')
-- @expect drop string_too_short contract_string_too_short: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'string_too_short')
-- @expect drop unknown_event_type contract_unknown_event_type: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'unknown_event_type')
-- @expect drop unknown_source contract_unknown_source: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'unknown_source')
-- @expect drop invalid_schema_version contract_invalid_schema_version: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')
-- @expect drop unknown_schema_version contract_unknown_schema_version: event_type IN ('order', 'behavioral_event', 'support_interaction', 'customer_profile') OR NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')
-- generated:end envelope_rules
-- @expect warn unknown_source known_source: source_system IN ('crm', 'ecommerce', 'pos', 'mobile_app', 'web', 'support', 'catalog')
-- @expect warn invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect warn unexpected_field no_unexpected_envelope_fields: rescued_fields = ''
WITH parsed AS (
  -- One parse of each record into a map of its fields as text (nested values as compact JSON): the envelope's
  -- fields, an extract row's id fields and (map_keys) the rescued fields all come from it. NULL for anything but
  -- a JSON object (invalid JSON, arrays, scalars) in both engines. Extract rows are bare records: the path names
  -- their type and source, the row itself is the payload.
  SELECT
    l.source_system AS path_source_system,
    l.event_type AS path_event_type,
    l.ingest_date,
    l.source_file,
    l.line_no,
    l.record_format,
    l.raw_line AS raw_record,
    l.record_format = 'jsonl' AS is_envelope,
    -- Strict JSON in Spark too: its parser accepts single-quoted strings by default, DuckDB's never does.
    from_json(l.raw_line, 'MAP<STRING, STRING>', map('allowSingleQuotes', 'false')) AS record
  FROM landing_records AS l
  WHERE l.raw_line <> ''
),

fields AS (
  SELECT
    p.*,
    p.record IS NOT NULL AS is_parseable,
    CASE
      WHEN p.is_envelope THEN p.record['eventId']
      ELSE p.path_event_type || ':' || coalesce(p.record['productId'], p.record['customerId'], 'row') || ':'
        || p.source_file || ':' || CAST(p.line_no AS STRING)
    END AS event_id,
    CASE WHEN p.is_envelope THEN p.record['eventType'] ELSE p.path_event_type END AS event_type,
    CASE WHEN p.is_envelope THEN p.record['schemaVersion'] ELSE '1.0' END AS schema_version,
    CASE WHEN p.is_envelope THEN p.record['source'] ELSE p.path_source_system END AS source_system,
    CASE
      WHEN p.is_envelope THEN p.record['occurredAt']
      ELSE coalesce(p.record['updatedAt'], CAST(p.ingest_date AS STRING) || 'T00:00:00Z')
    END AS occurred_at_raw,
    CASE WHEN p.is_envelope THEN p.record['customerId'] END AS customer_id,
    -- The envelope's violations as the real-time validator reports them (the contracts' envelope schema, rendered
    -- by models/contract-sql.ts): quarantined here when no silver model checks the event type, else by the silver
    -- event model with its payload's.
    CASE
      WHEN p.is_envelope THEN
        -- generated:begin envelope_violations (models/rules.ts; regenerate with npm run models:build)
        concat_ws(
          ',',
          CASE WHEN NOT array_contains(map_keys(p.record), 'eventId') THEN 'missing_required_field' END,
          CASE WHEN NOT array_contains(map_keys(p.record), 'eventType') THEN 'missing_required_field' END,
          CASE WHEN NOT array_contains(map_keys(p.record), 'schemaVersion') THEN 'missing_required_field' END,
          CASE WHEN NOT array_contains(map_keys(p.record), 'source') THEN 'missing_required_field' END,
          CASE WHEN NOT array_contains(map_keys(p.record), 'occurredAt') THEN 'missing_required_field' END,
          CASE WHEN NOT array_contains(map_keys(p.record), 'payload') THEN 'missing_required_field' END,
          CASE WHEN array_contains(map_keys(p.record), 'eventId') AND p.record['eventId'] IS NULL THEN 'wrong_type' END,
          CASE WHEN p.record['eventId'] IS NOT NULL AND length(p.record['eventId']) < 1 THEN 'string_too_short' END,
          CASE WHEN p.record['eventId'] IS NOT NULL AND length(p.record['eventId']) > 64 THEN 'string_too_long' END,
          CASE WHEN p.record['eventId'] IS NOT NULL AND NOT regexp_like(p.record['eventId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
          CASE WHEN array_contains(map_keys(p.record), 'eventType') AND p.record['eventType'] IS NULL THEN 'wrong_type' END,
          CASE WHEN array_contains(map_keys(p.record), 'eventType') AND p.record['eventType'] IS NULL THEN 'unknown_event_type' END,
          CASE WHEN p.record['eventType'] IS NOT NULL AND p.record['eventType'] NOT IN ('customer_profile', 'order', 'behavioral_event', 'support_interaction', 'product') THEN 'unknown_event_type' END,
          CASE WHEN array_contains(map_keys(p.record), 'schemaVersion') AND p.record['schemaVersion'] IS NULL THEN 'wrong_type' END,
          CASE WHEN p.record['schemaVersion'] IS NOT NULL AND NOT regexp_like(p.record['schemaVersion'] || '#', '^(?:[0-9]+[.][0-9]+)#$') THEN 'invalid_schema_version' END,
          CASE WHEN array_contains(map_keys(p.record), 'source') AND p.record['source'] IS NULL THEN 'wrong_type' END,
          CASE WHEN array_contains(map_keys(p.record), 'source') AND p.record['source'] IS NULL THEN 'unknown_source' END,
          CASE WHEN p.record['source'] IS NOT NULL AND p.record['source'] NOT IN ('crm', 'ecommerce', 'pos', 'mobile_app', 'web', 'support', 'catalog') THEN 'unknown_source' END,
          CASE WHEN array_contains(map_keys(p.record), 'occurredAt') AND p.record['occurredAt'] IS NULL THEN 'wrong_type' END,
          CASE WHEN p.record['occurredAt'] IS NOT NULL AND NOT (regexp_like(p.record['occurredAt'] || '#', '^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))#$') AND TRY_CAST(substring(p.record['occurredAt'], 1, 10) AS DATE) IS NOT NULL) THEN 'invalid_timestamp' END,
          CASE WHEN array_contains(map_keys(p.record), 'customerId') AND p.record['customerId'] IS NULL THEN 'wrong_type' END,
          CASE WHEN p.record['customerId'] IS NOT NULL AND length(p.record['customerId']) < 1 THEN 'string_too_short' END,
          CASE WHEN p.record['customerId'] IS NOT NULL AND length(p.record['customerId']) > 64 THEN 'string_too_long' END,
          CASE WHEN p.record['customerId'] IS NOT NULL AND NOT regexp_like(p.record['customerId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
          CASE WHEN array_contains(map_keys(p.record), 'payload') AND p.record['payload'] IS NULL THEN 'wrong_type' END,
          CASE WHEN p.record['payload'] IS NOT NULL AND NOT p.record['payload'] LIKE '{%' THEN 'wrong_type' END,
          CASE WHEN p.record['eventType'] IN ('customer_profile', 'order', 'behavioral_event', 'support_interaction', 'product') AND regexp_like(p.record['schemaVersion'] || '#', '^(?:[0-9]+[.][0-9]+)#$') AND p.record['eventType'] || '@' || p.record['schemaVersion'] NOT IN ('customer_profile@1.0', 'customer_profile@1.1', 'order@1.0', 'order@1.1', 'behavioral_event@1.0', 'support_interaction@1.0', 'product@1.0') THEN 'unknown_schema_version' END,
          CASE WHEN p.record['eventType'] IN ('customer_profile', 'order', 'support_interaction') AND regexp_like(p.record['schemaVersion'] || '#', '^(?:[0-9]+[.][0-9]+)#$') AND NOT array_contains(map_keys(p.record), 'customerId') THEN 'missing_required_field' END
        )
        -- generated:end envelope_violations
      ELSE ''
    END AS contract_violations,
    -- The person a profile is about, named inside its payload (the envelope's customer id may be absent): erasure
    -- matches it too. Only profiles carry one, so only their (small) payloads are parsed again.
    CASE
      WHEN p.is_envelope AND p.record['eventType'] = 'customer_profile' THEN get_json_object(p.record['payload'], '$.customerId')
    END AS payload_customer_id,
    CASE WHEN p.is_envelope THEN p.record['payload'] ELSE p.raw_record END AS payload,
    CASE
      WHEN p.is_envelope THEN coalesce(array_join(array_sort(array_except(map_keys(p.record), k.envelope_fields)), ','), '')
      ELSE ''
    END AS rescued_fields
  FROM parsed AS p
  CROSS JOIN (
    SELECT split('eventId,eventType,schemaVersion,source,occurredAt,customerId,payload', ',') AS envelope_fields
  ) AS k
)

SELECT
  f.event_id,
  f.event_type,
  f.schema_version,
  f.source_system,
  TRY_CAST(f.occurred_at_raw AS TIMESTAMP_LTZ) AS occurred_at,
  f.occurred_at_raw,
  f.customer_id,
  f.payload_customer_id,
  f.payload,
  f.rescued_fields,
  f.contract_violations,
  f.raw_record,
  f.is_parseable,
  f.record_format,
  f.path_source_system,
  f.path_event_type,
  f.ingest_date,
  f.source_file,
  f.line_no,
  rc.run_at AS ingested_at,
  rc.load_id
FROM fields AS f
CROSS JOIN run_context AS rc
