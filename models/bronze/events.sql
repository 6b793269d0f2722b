-- Bronze: every landing record (envelope JSONL lines and CSV/Parquet extract rows), raw record kept.
-- landing_records is provided by the engine adapter: one row per line/row of the landing files not loaded yet
-- (source_system, event_type, ingest_date from the path; record_format jsonl|csv|parquet; CSV/Parquet rows as JSON).
-- @materialized incremental
-- @unique_key source_file, line_no
-- @inputs landing_records, run_context
-- @zorder event_type
-- @expect drop unparseable_line parseable_record: is_parseable
-- @expect drop missing_required_field has_event_id: event_id IS NOT NULL
-- @expect warn unknown_event_type known_event_type: event_type IN ('customer_profile', 'order', 'behavioral_event', 'support_interaction', 'product')
-- @expect warn unknown_source known_source: source_system IN ('crm', 'ecommerce', 'pos', 'mobile_app', 'web', 'support', 'catalog')
-- @expect warn invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect warn unexpected_field no_unexpected_envelope_fields: rescued_fields = ''
WITH source AS (
  SELECT
    l.source_system AS path_source_system,
    l.event_type AS path_event_type,
    l.ingest_date,
    l.source_file,
    l.line_no,
    l.record_format,
    l.raw_line AS raw_record,
    substring(trim(l.raw_line), 1, 1) = '{' AND get_json_object(l.raw_line, '$') IS NOT NULL AS is_parseable
  FROM landing_records AS l
  WHERE trim(l.raw_line) <> ''
),

envelopes AS (
  -- Extract rows are bare records: the path names their type and source, the row itself is the payload.
  SELECT
    s.*,
    s.record_format = 'jsonl' AS is_envelope
  FROM source AS s
),

parsed AS (
  SELECT
    e.*,
    CASE
      WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.eventId')
      ELSE e.path_event_type || ':' || coalesce(
        get_json_object(e.raw_record, '$.productId'), get_json_object(e.raw_record, '$.customerId'), 'row'
      ) || ':' || e.source_file || ':' || CAST(e.line_no AS STRING)
    END AS event_id,
    CASE WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.eventType') ELSE e.path_event_type END AS event_type,
    CASE WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.schemaVersion') ELSE '1.0' END AS schema_version,
    CASE WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.source') ELSE e.path_source_system END AS source_system,
    CASE
      WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.occurredAt')
      ELSE coalesce(get_json_object(e.raw_record, '$.updatedAt'), CAST(e.ingest_date AS STRING) || 'T00:00:00Z')
    END AS occurred_at_raw,
    CASE WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.customerId') END AS customer_id,
    CASE WHEN e.is_envelope THEN get_json_object(e.raw_record, '$.payload') ELSE e.raw_record END AS payload,
    CASE
      WHEN e.is_envelope THEN coalesce(array_join(array_sort(array_except(
        json_object_keys(e.raw_record),
        split('eventId,eventType,schemaVersion,source,occurredAt,customerId,payload', ',')
      )), ','), '')
      ELSE ''
    END AS rescued_fields
  FROM envelopes AS e
),

final AS (
  SELECT
    p.event_id,
    p.event_type,
    p.schema_version,
    p.source_system,
    TRY_CAST(p.occurred_at_raw AS TIMESTAMP_LTZ) AS occurred_at,
    p.occurred_at_raw,
    p.customer_id,
    p.payload,
    p.rescued_fields,
    p.raw_record,
    p.is_parseable,
    p.record_format,
    p.path_source_system,
    p.path_event_type,
    p.ingest_date,
    p.source_file,
    p.line_no,
    rc.run_at AS ingested_at,
    rc.load_id
  FROM parsed AS p
  CROSS JOIN run_context AS rc
)

SELECT * FROM final
