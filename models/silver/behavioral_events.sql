-- Silver behavioural events (web/app clickstream): one row per event id; anonymous events keep anonymous_id.
-- @materialized incremental
-- @unique_key event_id
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context
-- generated:begin contract_rules_behavioral_event (models/rules.ts; regenerate with npm run models:build)
-- @expect drop missing_required_field contract_missing_required_field: NOT array_contains(split(contract_violations, ','), 'missing_required_field')
-- @expect drop wrong_type contract_wrong_type: NOT array_contains(split(contract_violations, ','), 'wrong_type')
-- @expect drop invalid_timestamp contract_invalid_timestamp: NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')
-- @expect drop invalid_country_code contract_invalid_country_code: NOT array_contains(split(contract_violations, ','), 'invalid_country_code')
-- @expect drop out_of_range contract_out_of_range: NOT array_contains(split(contract_violations, ','), 'out_of_range')
-- @expect drop invalid_enum_value contract_invalid_enum_value: NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')
-- @expect drop invalid_format contract_invalid_format: NOT array_contains(split(contract_violations, ','), 'invalid_format')
-- @expect drop string_too_long contract_string_too_long: NOT array_contains(split(contract_violations, ','), 'string_too_long')
-- @expect drop string_too_short contract_string_too_short: NOT array_contains(split(contract_violations, ','), 'string_too_short')
-- @expect drop unknown_event_type contract_unknown_event_type: NOT array_contains(split(contract_violations, ','), 'unknown_event_type')
-- @expect drop unknown_source contract_unknown_source: NOT array_contains(split(contract_violations, ','), 'unknown_source')
-- @expect drop invalid_schema_version contract_invalid_schema_version: NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')
-- @expect drop unknown_schema_version contract_unknown_schema_version: NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')
-- generated:end contract_rules_behavioral_event
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
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
  -- generated:begin rescued_fields_behavioral_event (models/rules.ts; regenerate with npm run models:build)
  coalesce(array_join(array_sort(array_except(
    map_keys(r.pm),
    split('sessionId,action,channel,deviceType,pageUrl,productId,category,searchQuery,timeOnPageSec,anonymousId,country', ',')
  )), ','), '')
  -- generated:end rescued_fields_behavioral_event
  AS rescued_fields,
    -- generated:begin contract_violations_behavioral_event (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      NULLIF(r.contract_violations, ''),
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'sessionId') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'action') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'channel') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'deviceType') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND NOT array_contains(map_keys(r.pm), 'pageUrl') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'sessionId') AND r.pm['sessionId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['sessionId'] IS NOT NULL AND length(r.pm['sessionId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['sessionId'] IS NOT NULL AND length(r.pm['sessionId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['sessionId'] IS NOT NULL AND NOT regexp_like(r.pm['sessionId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'action') AND r.pm['action'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'action') AND r.pm['action'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['action'] IS NOT NULL AND r.pm['action'] NOT IN ('PAGE_VIEW', 'PRODUCT_VIEW', 'CLICK', 'SCROLL', 'SEARCH', 'CART_ADD', 'CART_REMOVE', 'CHECKOUT') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'channel') AND r.pm['channel'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'channel') AND r.pm['channel'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['channel'] IS NOT NULL AND r.pm['channel'] NOT IN ('WEB', 'APP') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'deviceType') AND r.pm['deviceType'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'deviceType') AND r.pm['deviceType'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['deviceType'] IS NOT NULL AND r.pm['deviceType'] NOT IN ('DESKTOP', 'MOBILE', 'TABLET') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'pageUrl') AND r.pm['pageUrl'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['pageUrl'] IS NOT NULL AND length(r.pm['pageUrl']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['pageUrl'] IS NOT NULL AND length(r.pm['pageUrl']) > 200 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['pageUrl'] IS NOT NULL AND NOT regexp_like(r.pm['pageUrl'], '^/') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'productId') AND r.pm['productId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['productId'] IS NOT NULL AND length(r.pm['productId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['productId'] IS NOT NULL AND length(r.pm['productId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['productId'] IS NOT NULL AND NOT regexp_like(r.pm['productId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'category') AND r.pm['category'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'category') AND r.pm['category'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['category'] IS NOT NULL AND r.pm['category'] NOT IN ('Apparel', 'Footwear', 'Electronics', 'Home', 'Beauty', 'Sports', 'Toys', 'Grocery', 'Books', 'Jewelry') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'searchQuery') AND r.pm['searchQuery'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['searchQuery'] IS NOT NULL AND length(r.pm['searchQuery']) > 100 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'timeOnPageSec') AND r.pm['timeOnPageSec'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['timeOnPageSec'] IS NOT NULL AND TRY_CAST(r.pm['timeOnPageSec'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['timeOnPageSec'] IS NOT NULL AND TRY_CAST(r.pm['timeOnPageSec'] AS DOUBLE) <> floor(TRY_CAST(r.pm['timeOnPageSec'] AS DOUBLE)) THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['timeOnPageSec'] IS NOT NULL AND TRY_CAST(r.pm['timeOnPageSec'] AS DOUBLE) < 0 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['timeOnPageSec'] IS NOT NULL AND TRY_CAST(r.pm['timeOnPageSec'] AS DOUBLE) > 86400 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'anonymousId') AND r.pm['anonymousId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['anonymousId'] IS NOT NULL AND length(r.pm['anonymousId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['anonymousId'] IS NOT NULL AND length(r.pm['anonymousId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['anonymousId'] IS NOT NULL AND NOT regexp_like(r.pm['anonymousId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'country') AND r.pm['country'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0') AND array_contains(map_keys(r.pm), 'country') AND r.pm['country'] IS NULL THEN 'invalid_country_code' END,
      CASE WHEN r.schema_version IN ('1.0') AND r.pm['country'] IS NOT NULL AND r.pm['country'] NOT IN ('AC', 'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GT', 'GU', 'GW', 'GY', 'HK', 'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TA', 'TC', 'TD', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU', 'WF', 'WS', 'XK', 'YE', 'YT', 'ZA', 'ZM', 'ZW') THEN 'invalid_country_code' END
    )
    -- generated:end contract_violations_behavioral_event
    AS contract_violations,
  r.schema_version,
  r.source_file,
  r.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM delivered AS r
CROSS JOIN run_context AS rc
