-- Silver orders: one row per order id, the latest version (by occurredAt, then eventId) across all loads.
-- Customer ids stay as the source sent them; gold resolves them to customer_key through silver.customer_identity.
-- @materialized incremental
-- @unique_key order_id
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context
-- @expect drop unknown_schema_version known_schema_version: schema_version IN ('1.0', '1.1')
-- @expect drop missing_required_field has_required_fields: missing_required_fields = ''
-- @expect drop wrong_type required_not_null: null_required_fields = ''
-- @expect drop missing_required_field has_order_id: order_id IS NOT NULL
-- @expect drop missing_required_field has_customer_id: customer_id IS NOT NULL
-- @expect drop invalid_timestamp valid_ordered_at: ordered_at IS NOT NULL
-- @expect drop negative_amount non_negative_total: total_amount >= 0
-- @expect drop too_few_items has_items: item_count >= 1
-- @expect warn invalid_enum_value known_channel: channel IN ('POS', 'ECOMMERCE', 'MOBILE', 'SOCIAL')
-- @expect warn invalid_enum_value known_status: status IN ('COMPLETED', 'FAILED', 'CANCELLED', 'PENDING')
-- @expect warn invalid_enum_value known_transaction_type: transaction_type IN ('PURCHASE', 'RETURN', 'REFUND', 'EXCHANGE')
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
    coalesce(array_join(array_sort(array_except(
      map_keys(r.pm), k.known_fields
    )), ','), '') AS rescued_fields,
    -- generated:begin required_order (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      CASE WHEN NOT array_contains(map_keys(r.pm), 'orderId') THEN 'orderId' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'channel') THEN 'channel' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'orderedAt') THEN 'orderedAt' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'transactionType') THEN 'transactionType' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'status') THEN 'status' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'currency') THEN 'currency' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'totalAmount') THEN 'totalAmount' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'taxAmount') THEN 'taxAmount' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'shippingAmount') THEN 'shippingAmount' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'discountAmount') THEN 'discountAmount' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'paymentMethod') THEN 'paymentMethod' END,
      CASE WHEN NOT array_contains(map_keys(r.pm), 'items') THEN 'items' END
    )
    -- generated:end required_order
    AS missing_required_fields,
    -- generated:begin null_order (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      CASE WHEN array_contains(map_keys(r.pm), 'orderId') AND r.pm['orderId'] IS NULL THEN 'orderId' END,
      CASE WHEN array_contains(map_keys(r.pm), 'channel') AND r.pm['channel'] IS NULL THEN 'channel' END,
      CASE WHEN array_contains(map_keys(r.pm), 'orderedAt') AND r.pm['orderedAt'] IS NULL THEN 'orderedAt' END,
      CASE WHEN array_contains(map_keys(r.pm), 'transactionType') AND r.pm['transactionType'] IS NULL THEN 'transactionType' END,
      CASE WHEN array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'status' END,
      CASE WHEN array_contains(map_keys(r.pm), 'currency') AND r.pm['currency'] IS NULL THEN 'currency' END,
      CASE WHEN array_contains(map_keys(r.pm), 'totalAmount') AND r.pm['totalAmount'] IS NULL THEN 'totalAmount' END,
      CASE WHEN array_contains(map_keys(r.pm), 'taxAmount') AND r.pm['taxAmount'] IS NULL THEN 'taxAmount' END,
      CASE WHEN array_contains(map_keys(r.pm), 'shippingAmount') AND r.pm['shippingAmount'] IS NULL THEN 'shippingAmount' END,
      CASE WHEN array_contains(map_keys(r.pm), 'discountAmount') AND r.pm['discountAmount'] IS NULL THEN 'discountAmount' END,
      CASE WHEN array_contains(map_keys(r.pm), 'paymentMethod') AND r.pm['paymentMethod'] IS NULL THEN 'paymentMethod' END,
      CASE WHEN array_contains(map_keys(r.pm), 'items') AND r.pm['items'] IS NULL THEN 'items' END
    )
    -- generated:end null_order
    AS null_required_fields,
    r.schema_version,
    r.event_id,
    r.occurred_at,
    r.source_file,
    r.line_no
  FROM delivered AS r
CROSS JOIN (SELECT split('orderId,channel,orderedAt,transactionType,status,currency,totalAmount,taxAmount,shippingAmount,discountAmount,paymentMethod,storeId,promotionCode,items,loyaltyPointsEarned,loyaltyPointsRedeemed', ',') AS known_fields) AS k
),

versioned_keys AS (
  -- Orders with more than one version in this batch: only these go through the ranking window (as silver.event_deliveries does for redeliveries).
  SELECT coalesce(n.order_id, n.event_id) AS version_key
  FROM renamed AS n
  WHERE coalesce(n.order_id, n.event_id) IS NOT NULL
  GROUP BY coalesce(n.order_id, n.event_id)
  HAVING count(*) > 1
),

latest AS (
  -- Natural-key dedup inside the batch: the latest version of each order (rows without a key stay apart).
  SELECT n.*, 1 AS version_rank
  FROM renamed AS n
  WHERE coalesce(n.order_id, n.event_id) IS NULL
    OR coalesce(n.order_id, n.event_id) NOT IN (SELECT k.version_key FROM versioned_keys AS k)
  UNION ALL
  SELECT * FROM (
    SELECT
      n.*,
      row_number() OVER (
        PARTITION BY coalesce(n.order_id, n.event_id) ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
      ) AS version_rank
    FROM renamed AS n
    WHERE coalesce(n.order_id, n.event_id) IN (SELECT k.version_key FROM versioned_keys AS k)
  ) AS v
  WHERE v.version_rank = 1
)

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
