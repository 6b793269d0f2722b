-- Bronze: every landing record (envelope JSONL lines and CSV/Parquet extract rows), raw record kept.
-- landing_records is provided by the engine adapter: one row per line/row of the landing files not loaded yet
-- (source_system, event_type, ingest_date from the path; record_format jsonl|csv|parquet; CSV/Parquet rows as JSON).
-- @materialized incremental
-- @unique_key source_file, line_no
-- @erase_by customer_id, payload_customer_id
-- @inputs landing_records, run_context
-- @zorder event_type
-- @expect drop unparseable parseable_record: is_parseable
-- @expect drop missing_required_field has_event_id: event_id IS NOT NULL
-- @expect warn unknown_event_type known_event_type: event_type IN ('customer_profile', 'order', 'behavioral_event', 'support_interaction', 'product')
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
