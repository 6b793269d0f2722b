-- Silver behavioural events (web/app clickstream): one row per event id; anonymous events keep anonymous_id.
-- @materialized incremental
-- @unique_key event_id
-- @erase_by customer_id
-- @inputs bronze.events, run_context, control_erasure
-- @expect drop unknown_schema_version known_schema_version: schema_version = '1.0'
-- @expect drop missing_required_field has_session_id: session_id IS NOT NULL
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect drop invalid_enum_value known_action: action IN ('PAGE_VIEW', 'PRODUCT_VIEW', 'CLICK', 'SCROLL', 'SEARCH', 'CART_ADD', 'CART_REMOVE', 'CHECKOUT')
-- @expect warn invalid_enum_value known_device_type: device_type IN ('DESKTOP', 'MOBILE', 'TABLET')
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH source AS (
  SELECT b.*
  FROM bronze.events AS b
  CROSS JOIN run_context AS rc
  WHERE b.event_type = 'behavioral_event'
    AND (rc.window_start_date IS NULL OR b.ingest_date >= rc.window_start_date)
    AND (rc.window_end_date IS NULL OR b.ingest_date < rc.window_end_date)
    AND NOT EXISTS (SELECT 1 FROM control_erasure AS x WHERE x.customer_id = b.customer_id)
),

redelivered AS (
  SELECT * FROM (
    SELECT s.*, row_number() OVER (PARTITION BY s.event_id ORDER BY s.ingest_date, s.source_file, s.line_no) AS delivery_rank
    FROM source AS s
  ) AS r
  WHERE r.delivery_rank = 1
)

SELECT
  r.event_id,
  trim(r.customer_id) AS customer_id,
  trim(get_json_object(r.payload, '$.anonymousId')) AS anonymous_id,
  trim(get_json_object(r.payload, '$.sessionId')) AS session_id,
  r.source_system,
  upper(trim(get_json_object(r.payload, '$.action'))) AS action,
  upper(trim(get_json_object(r.payload, '$.channel'))) AS channel,
  upper(trim(get_json_object(r.payload, '$.deviceType'))) AS device_type,
  trim(get_json_object(r.payload, '$.pageUrl')) AS page_url,
  trim(get_json_object(r.payload, '$.productId')) AS product_id,
  initcap(trim(get_json_object(r.payload, '$.category'))) AS category,
  trim(get_json_object(r.payload, '$.searchQuery')) AS search_query,
  TRY_CAST(get_json_object(r.payload, '$.timeOnPageSec') AS BIGINT) AS time_on_page_sec,
  upper(trim(get_json_object(r.payload, '$.country'))) AS country_code,
  r.occurred_at,
  CAST(r.occurred_at AS DATE) AS event_date,
  coalesce(array_join(array_sort(array_except(
    json_object_keys(r.payload),
    split('sessionId,action,channel,deviceType,pageUrl,productId,category,searchQuery,timeOnPageSec,anonymousId,country', ',')
  )), ','), '') AS rescued_fields,
  r.schema_version,
  r.source_file,
  r.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM redelivered AS r
CROSS JOIN run_context AS rc
