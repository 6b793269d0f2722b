-- Silver behavioural events (web/app clickstream): one row per event id; anonymous events keep anonymous_id.
-- @materialized incremental
-- @unique_key event_id
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context
-- @expect drop unknown_schema_version known_schema_version: schema_version = '1.0'
-- @expect drop missing_required_field has_session_id: session_id IS NOT NULL
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect drop invalid_enum_value known_action: action IN ('PAGE_VIEW', 'PRODUCT_VIEW', 'CLICK', 'SCROLL', 'SEARCH', 'CART_ADD', 'CART_REMOVE', 'CHECKOUT')
-- @expect warn invalid_enum_value known_device_type: device_type IN ('DESKTOP', 'MOBILE', 'TABLET')
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH delivered AS (
  -- This event type's first deliveries (silver.event_deliveries: window, erasure, redelivery dedup);
  -- one parse of the payload into a struct of strings.
  SELECT d.*, from_json(d.payload, 'sessionId STRING, action STRING, channel STRING, deviceType STRING, pageUrl STRING, productId STRING, category STRING, searchQuery STRING, timeOnPageSec STRING, anonymousId STRING, country STRING') AS pj
  FROM silver.event_deliveries AS d
  WHERE d.event_type = 'behavioral_event'
)

SELECT
  r.event_id,
  trim(r.customer_id) AS customer_id,
  trim(r.pj.anonymousId) AS anonymous_id,
  trim(r.pj.sessionId) AS session_id,
  r.source_system,
  upper(trim(r.pj.action)) AS action,
  upper(trim(r.pj.channel)) AS channel,
  upper(trim(r.pj.deviceType)) AS device_type,
  trim(r.pj.pageUrl) AS page_url,
  trim(r.pj.productId) AS product_id,
  initcap(trim(r.pj.category)) AS category,
  trim(r.pj.searchQuery) AS search_query,
  TRY_CAST(r.pj.timeOnPageSec AS BIGINT) AS time_on_page_sec,
  upper(trim(r.pj.country)) AS country_code,
  r.occurred_at,
  CAST(r.occurred_at AS DATE) AS event_date,
  coalesce(array_join(array_sort(array_except(
    json_object_keys(r.payload), k.known_fields
  )), ','), '') AS rescued_fields,
  r.schema_version,
  r.source_file,
  r.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM delivered AS r
CROSS JOIN (SELECT split('sessionId,action,channel,deviceType,pageUrl,productId,category,searchQuery,timeOnPageSec,anonymousId,country', ',') AS known_fields) AS k
CROSS JOIN run_context AS rc
