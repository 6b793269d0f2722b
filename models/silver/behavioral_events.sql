-- Silver behavioural events (web/app clickstream): one row per event id; anonymous events keep anonymous_id.
-- @materialized incremental
-- @unique_key event_id
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context
-- @expect drop unknown_schema_version known_schema_version: schema_version = '1.0'
-- @expect drop missing_required_field has_required_fields: missing_required_fields = ''
-- @expect drop wrong_type required_not_null: null_required_fields = ''
-- @expect drop missing_required_field has_session_id: session_id IS NOT NULL
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect drop invalid_enum_value known_action: action IN ('PAGE_VIEW', 'PRODUCT_VIEW', 'CLICK', 'SCROLL', 'SEARCH', 'CART_ADD', 'CART_REMOVE', 'CHECKOUT')
-- @expect warn invalid_enum_value known_device_type: device_type IN ('DESKTOP', 'MOBILE', 'TABLET')
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH delivered AS (
  -- This event type's first deliveries (silver.event_deliveries: window, erasure, redelivery dedup);
  -- one parse of the payload into a map of its
  -- fields as text: the values and (map_keys) the rescued fields from the same parse.
  SELECT d.*, from_json(d.payload, 'MAP<STRING, STRING>') AS pm
  FROM silver.event_deliveries AS d
  WHERE d.event_type = 'behavioral_event'
)

SELECT
  r.event_id,
  trim(r.customer_id) AS customer_id,
  trim(r.pm['anonymousId']) AS anonymous_id,
  trim(r.pm['sessionId']) AS session_id,
  r.source_system,
  upper(trim(r.pm['action'])) AS action,
  upper(trim(r.pm['channel'])) AS channel,
  upper(trim(r.pm['deviceType'])) AS device_type,
  trim(r.pm['pageUrl']) AS page_url,
  trim(r.pm['productId']) AS product_id,
  initcap(trim(r.pm['category'])) AS category,
  trim(r.pm['searchQuery']) AS search_query,
  TRY_CAST(r.pm['timeOnPageSec'] AS BIGINT) AS time_on_page_sec,
  upper(trim(r.pm['country'])) AS country_code,
  r.occurred_at,
  CAST(r.occurred_at AS DATE) AS event_date,
  coalesce(array_join(array_sort(array_except(
    map_keys(r.pm), k.known_fields
  )), ','), '') AS rescued_fields,
    -- generated:begin required_behavioral_event (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      CASE WHEN NOT array_contains(map_keys(r.pm), 'sessionId') THEN 'sessionId' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'action') THEN 'action' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'channel') THEN 'channel' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'deviceType') THEN 'deviceType' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'pageUrl') THEN 'pageUrl' END
    )
    -- generated:end required_behavioral_event
    AS missing_required_fields,
    -- generated:begin null_behavioral_event (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      CASE WHEN array_contains(map_keys(r.pm), 'sessionId') AND r.pm['sessionId'] IS NULL THEN 'sessionId' END,
      CASE WHEN array_contains(map_keys(r.pm), 'action') AND r.pm['action'] IS NULL THEN 'action' END,
      CASE WHEN array_contains(map_keys(r.pm), 'channel') AND r.pm['channel'] IS NULL THEN 'channel' END,
      CASE WHEN array_contains(map_keys(r.pm), 'deviceType') AND r.pm['deviceType'] IS NULL THEN 'deviceType' END,
      CASE WHEN array_contains(map_keys(r.pm), 'pageUrl') AND r.pm['pageUrl'] IS NULL THEN 'pageUrl' END
    )
    -- generated:end null_behavioral_event
    AS null_required_fields,
  r.schema_version,
  r.source_file,
  r.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM delivered AS r
CROSS JOIN (SELECT split('sessionId,action,channel,deviceType,pageUrl,productId,category,searchQuery,timeOnPageSec,anonymousId,country', ',') AS known_fields) AS k
CROSS JOIN run_context AS rc
