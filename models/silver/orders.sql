-- Silver orders: one row per order id, the latest version (by occurredAt, then eventId) across all loads.
-- Customer ids stay as the source sent them; gold resolves them to customer_key through silver.customer_identity.
-- @materialized incremental
-- @unique_key order_id
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @erase_by customer_id
-- @stage_cte renamed
-- @inputs silver.event_deliveries, run_context
-- generated:begin contract_rules_order (models/rules.ts; regenerate with npm run models:build)
-- @expect drop missing_required_field contract_missing_required_field: NOT array_contains(split(contract_violations, ','), 'missing_required_field')
-- @expect drop wrong_type contract_wrong_type: NOT array_contains(split(contract_violations, ','), 'wrong_type')
-- @expect drop invalid_timestamp contract_invalid_timestamp: NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')
-- @expect drop invalid_currency_code contract_invalid_currency_code: NOT array_contains(split(contract_violations, ','), 'invalid_currency_code')
-- @expect drop negative_amount contract_negative_amount: NOT array_contains(split(contract_violations, ','), 'negative_amount')
-- @expect drop out_of_range contract_out_of_range: NOT array_contains(split(contract_violations, ','), 'out_of_range')
-- @expect drop invalid_enum_value contract_invalid_enum_value: NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')
-- @expect drop invalid_format contract_invalid_format: NOT array_contains(split(contract_violations, ','), 'invalid_format')
-- @expect drop string_too_long contract_string_too_long: NOT array_contains(split(contract_violations, ','), 'string_too_long')
-- @expect drop string_too_short contract_string_too_short: NOT array_contains(split(contract_violations, ','), 'string_too_short')
-- @expect drop too_few_items contract_too_few_items: NOT array_contains(split(contract_violations, ','), 'too_few_items')
-- @expect drop too_many_items contract_too_many_items: NOT array_contains(split(contract_violations, ','), 'too_many_items')
-- @expect drop unknown_event_type contract_unknown_event_type: NOT array_contains(split(contract_violations, ','), 'unknown_event_type')
-- @expect drop unknown_source contract_unknown_source: NOT array_contains(split(contract_violations, ','), 'unknown_source')
-- @expect drop invalid_schema_version contract_invalid_schema_version: NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')
-- @expect drop unknown_schema_version contract_unknown_schema_version: NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')
-- generated:end contract_rules_order
-- @expect drop invalid_timestamp valid_ordered_at: ordered_at IS NOT NULL
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH delivered AS (
  -- This event type's first deliveries (silver.event_deliveries: window, erasure, redelivery dedup);
  -- one parse of the payload into a map of its
  -- fields as text: the values and (map_keys) the rescued fields from the same parse.
  SELECT d.*, from_json(d.payload, 'MAP<STRING, STRING>') AS pm
  FROM silver.event_deliveries AS d
  WHERE d.event_type = 'order'
),

renamed AS (
  SELECT
    trim(r.pm['orderId']) AS order_id,
    trim(r.customer_id) AS customer_id,
    r.source_system,
    upper(trim(r.pm['channel'])) AS channel,
    TRY_CAST(r.pm['orderedAt'] AS TIMESTAMP_LTZ) AS ordered_at,
    upper(trim(r.pm['transactionType'])) AS transaction_type,
    upper(trim(r.pm['status'])) AS status,
    upper(trim(r.pm['currency'])) AS currency,
    TRY_CAST(r.pm['totalAmount'] AS DECIMAL(18, 2)) AS total_amount,
    coalesce(TRY_CAST(r.pm['taxAmount'] AS DECIMAL(18, 2)), 0) AS tax_amount,
    coalesce(TRY_CAST(r.pm['shippingAmount'] AS DECIMAL(18, 2)), 0) AS shipping_amount,
    coalesce(TRY_CAST(r.pm['discountAmount'] AS DECIMAL(18, 2)), 0) AS discount_amount,
    upper(trim(r.pm['paymentMethod'])) AS payment_method,
    r.pm['storeId'] AS store_id,
    r.pm['promotionCode'] AS promotion_code,
    coalesce(TRY_CAST(r.pm['loyaltyPointsEarned'] AS BIGINT), 0) AS loyalty_points_earned,
    coalesce(TRY_CAST(r.pm['loyaltyPointsRedeemed'] AS BIGINT), 0) AS loyalty_points_redeemed,
    coalesce(json_array_length(r.pm['items']), 0) AS item_count,
    r.pm['items'] AS items_json,
    -- generated:begin rescued_fields_order (models/rules.ts; regenerate with npm run models:build)
    coalesce(array_join(array_sort(array_except(
      map_keys(r.pm),
      split('orderId,channel,orderedAt,transactionType,status,currency,totalAmount,taxAmount,shippingAmount,discountAmount,paymentMethod,storeId,promotionCode,items,loyaltyPointsEarned,loyaltyPointsRedeemed', ',')
    )), ','), '')
    -- generated:end rescued_fields_order
    AS rescued_fields,
    -- generated:begin contract_violations_order (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      NULLIF(r.contract_violations, ''),
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'orderId') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'channel') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'orderedAt') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'transactionType') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'status') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'currency') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'totalAmount') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'taxAmount') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'shippingAmount') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'discountAmount') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'paymentMethod') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'items') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'orderId') AND r.pm['orderId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['orderId'] IS NOT NULL AND length(r.pm['orderId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['orderId'] IS NOT NULL AND length(r.pm['orderId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['orderId'] IS NOT NULL AND NOT regexp_like(r.pm['orderId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'channel') AND r.pm['channel'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'channel') AND r.pm['channel'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['channel'] IS NOT NULL AND r.pm['channel'] NOT IN ('POS', 'ECOMMERCE', 'MOBILE', 'SOCIAL') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'orderedAt') AND r.pm['orderedAt'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['orderedAt'] IS NOT NULL AND NOT (regexp_like(r.pm['orderedAt'] || '#', '^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))#$') AND TRY_CAST(substring(r.pm['orderedAt'], 1, 10) AS DATE) IS NOT NULL) THEN 'invalid_timestamp' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'transactionType') AND r.pm['transactionType'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'transactionType') AND r.pm['transactionType'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['transactionType'] IS NOT NULL AND r.pm['transactionType'] NOT IN ('PURCHASE', 'RETURN', 'REFUND', 'EXCHANGE') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['status'] IS NOT NULL AND r.pm['status'] NOT IN ('COMPLETED', 'FAILED', 'CANCELLED', 'PENDING') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'currency') AND r.pm['currency'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'currency') AND r.pm['currency'] IS NULL THEN 'invalid_currency_code' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['currency'] IS NOT NULL AND r.pm['currency'] NOT IN ('AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HRK', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SLL', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XDR', 'XOF', 'XPF', 'XSU', 'YER', 'ZAR', 'ZMW', 'ZWG', 'ZWL') THEN 'invalid_currency_code' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'totalAmount') AND r.pm['totalAmount'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['totalAmount'] IS NOT NULL AND TRY_CAST(r.pm['totalAmount'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['totalAmount'] IS NOT NULL AND TRY_CAST(r.pm['totalAmount'] AS DOUBLE) < 0 THEN 'negative_amount' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['totalAmount'] IS NOT NULL AND TRY_CAST(r.pm['totalAmount'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'taxAmount') AND r.pm['taxAmount'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['taxAmount'] IS NOT NULL AND TRY_CAST(r.pm['taxAmount'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['taxAmount'] IS NOT NULL AND TRY_CAST(r.pm['taxAmount'] AS DOUBLE) < 0 THEN 'negative_amount' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['taxAmount'] IS NOT NULL AND TRY_CAST(r.pm['taxAmount'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'shippingAmount') AND r.pm['shippingAmount'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['shippingAmount'] IS NOT NULL AND TRY_CAST(r.pm['shippingAmount'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['shippingAmount'] IS NOT NULL AND TRY_CAST(r.pm['shippingAmount'] AS DOUBLE) < 0 THEN 'negative_amount' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['shippingAmount'] IS NOT NULL AND TRY_CAST(r.pm['shippingAmount'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'discountAmount') AND r.pm['discountAmount'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['discountAmount'] IS NOT NULL AND TRY_CAST(r.pm['discountAmount'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['discountAmount'] IS NOT NULL AND TRY_CAST(r.pm['discountAmount'] AS DOUBLE) < 0 THEN 'negative_amount' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['discountAmount'] IS NOT NULL AND TRY_CAST(r.pm['discountAmount'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'paymentMethod') AND r.pm['paymentMethod'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'paymentMethod') AND r.pm['paymentMethod'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['paymentMethod'] IS NOT NULL AND r.pm['paymentMethod'] NOT IN ('CASH', 'CARD', 'MOBILE', 'CRYPTO', 'WALLET') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'storeId') AND r.pm['storeId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['storeId'] IS NOT NULL AND length(r.pm['storeId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['storeId'] IS NOT NULL AND length(r.pm['storeId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['storeId'] IS NOT NULL AND NOT regexp_like(r.pm['storeId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'promotionCode') AND r.pm['promotionCode'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['promotionCode'] IS NOT NULL AND length(r.pm['promotionCode']) > 20 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'items') AND r.pm['items'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['items'] IS NOT NULL AND NOT r.pm['items'] LIKE '[%' THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['items'] IS NOT NULL AND r.pm['items'] LIKE '[%' AND json_array_length(r.pm['items']) < 1 THEN 'too_few_items' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['items'] IS NOT NULL AND r.pm['items'] LIKE '[%' AND json_array_length(r.pm['items']) > 200 THEN 'too_many_items' END,
      CASE WHEN r.schema_version IN ('1.1') AND array_contains(map_keys(r.pm), 'loyaltyPointsEarned') AND r.pm['loyaltyPointsEarned'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsEarned'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsEarned'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsEarned'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsEarned'] AS DOUBLE) <> floor(TRY_CAST(r.pm['loyaltyPointsEarned'] AS DOUBLE)) THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsEarned'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsEarned'] AS DOUBLE) < 0 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsEarned'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsEarned'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.1') AND array_contains(map_keys(r.pm), 'loyaltyPointsRedeemed') AND r.pm['loyaltyPointsRedeemed'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsRedeemed'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsRedeemed'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsRedeemed'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsRedeemed'] AS DOUBLE) <> floor(TRY_CAST(r.pm['loyaltyPointsRedeemed'] AS DOUBLE)) THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsRedeemed'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsRedeemed'] AS DOUBLE) < 0 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['loyaltyPointsRedeemed'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPointsRedeemed'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END
    )
    -- generated:end contract_violations_order
    AS contract_violations,
    r.schema_version,
    r.event_id,
    r.occurred_at,
    r.source_file,
    r.line_no
  FROM delivered AS r
),

-- generated:begin latest_version_order (models/rules.ts; regenerate with npm run models:build)
versioned_keys AS (
  -- Keys with more than one version in this input: only these go through the ranking window.
  SELECT coalesce(n.order_id, n.event_id) AS version_key
  FROM renamed AS n
  WHERE coalesce(n.order_id, n.event_id) IS NOT NULL
  GROUP BY coalesce(n.order_id, n.event_id)
  HAVING count(*) > 1
),

latest AS (
  -- The latest valid version of each key (rows without a key stay apart; invalid versions stay for the quarantine).
  SELECT n.*, 1 AS version_rank
  FROM renamed AS n
  WHERE coalesce(n.order_id, n.event_id) IS NULL
    OR coalesce(n.order_id, n.event_id) NOT IN (SELECT k.version_key FROM versioned_keys AS k)
  UNION ALL
  SELECT * FROM (
    SELECT
      n.*,
      CASE WHEN (coalesce((NOT array_contains(split(contract_violations, ','), 'missing_required_field')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'wrong_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_currency_code')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'negative_amount')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'out_of_range')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_format')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_long')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_short')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'too_few_items')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'too_many_items')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_event_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_source')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')), false) AND coalesce((ordered_at IS NOT NULL), false)) THEN row_number() OVER (
        PARTITION BY coalesce(n.order_id, n.event_id), (coalesce((NOT array_contains(split(contract_violations, ','), 'missing_required_field')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'wrong_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_currency_code')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'negative_amount')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'out_of_range')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_format')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_long')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'string_too_short')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'too_few_items')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'too_many_items')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_event_type')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_source')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')), false) AND coalesce((NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')), false) AND coalesce((ordered_at IS NOT NULL), false)) ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
      ) ELSE 1 END AS version_rank
    FROM renamed AS n
    WHERE coalesce(n.order_id, n.event_id) IN (SELECT k.version_key FROM versioned_keys AS k)
  ) AS v
  WHERE v.version_rank = 1
)
-- generated:end latest_version_order

SELECT
  l.order_id,
  l.customer_id,
  l.source_system,
  l.channel,
  l.ordered_at,
  CAST(l.ordered_at AS DATE) AS order_date,
  l.transaction_type,
  l.status,
  l.currency,
  l.total_amount,
  l.tax_amount,
  l.shipping_amount,
  l.discount_amount,
  l.payment_method,
  l.store_id,
  l.promotion_code,
  l.loyalty_points_earned,
  l.loyalty_points_redeemed,
  l.item_count,
  l.items_json,
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
