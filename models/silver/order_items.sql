-- Silver order items: one row per (order id, item id), from the latest version of each order in silver.orders' input.
-- @materialized incremental
-- @unique_key order_id, item_id
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @erase_by customer_id
-- @inputs bronze.events, silver.orders, run_context, control_erasure
-- @expect drop missing_required_field has_item_id: item_id IS NOT NULL AND product_id IS NOT NULL
-- @expect drop out_of_range positive_quantity: quantity >= 1
-- @expect drop negative_amount non_negative_price: unit_price >= 0 AND total_price >= 0
-- @expect warn invalid_enum_value known_category: category IN ('Apparel', 'Footwear', 'Electronics', 'Home', 'Beauty', 'Sports', 'Toys', 'Grocery', 'Books', 'Jewelry')
WITH source AS (
  SELECT b.*
  FROM bronze.events AS b
  CROSS JOIN run_context AS rc
  WHERE b.event_type = 'order'
    AND b.schema_version IN ('1.0', '1.1')
    AND (rc.window_start_date IS NULL OR b.ingest_date >= rc.window_start_date)
    AND (rc.window_end_date IS NULL OR b.ingest_date < rc.window_end_date)
    AND NOT EXISTS (SELECT 1 FROM control_erasure AS x WHERE x.customer_id = b.customer_id)
),

orders AS (
  SELECT
    trim(get_json_object(s.payload, '$.orderId')) AS order_id,
    trim(s.customer_id) AS customer_id,
    s.payload,
    s.event_id,
    s.occurred_at,
    s.source_file,
    s.line_no
  FROM source AS s
),

latest AS (
  -- Same version choice as silver.orders: latest occurredAt, then the highest eventId.
  SELECT * FROM (
    SELECT o.*, row_number() OVER (PARTITION BY o.order_id ORDER BY o.occurred_at DESC NULLS LAST, o.event_id DESC) AS version_rank
    FROM orders AS o
    WHERE o.order_id IS NOT NULL
  ) AS v
  WHERE v.version_rank = 1
),

accepted AS (
  -- Only the order version silver.orders accepted (its expectations passed) contributes items.
  SELECT l.*, get_json_object(l.payload, '$.items') AS items_json
  FROM latest AS l
  INNER JOIN silver.orders AS so ON so.order_id = l.order_id AND so.event_id = l.event_id
),

positions AS (
  SELECT l.*, explode(sequence(0, json_array_length(l.items_json) - 1)) AS item_index
  FROM accepted AS l
),

items AS (
  SELECT
    p.order_id,
    p.customer_id,
    p.item_index,
    from_json(
      get_json_object(p.items_json, '$[' || CAST(p.item_index AS STRING) || ']'),
      'itemId STRING, productId STRING, productName STRING, category STRING, quantity STRING, unitPrice STRING, totalPrice STRING, discountAmount STRING'
    ) AS item,
    p.event_id,
    p.occurred_at,
    p.source_file,
    p.line_no
  FROM positions AS p
)

SELECT
  i.order_id,
  trim(i.item.itemId) AS item_id,
  i.customer_id,
  i.item_index + 1 AS line_number,
  trim(i.item.productId) AS product_id,
  trim(i.item.productName) AS product_name,
  initcap(trim(i.item.category)) AS category,
  TRY_CAST(i.item.quantity AS BIGINT) AS quantity,
  TRY_CAST(i.item.unitPrice AS DECIMAL(18, 2)) AS unit_price,
  TRY_CAST(i.item.totalPrice AS DECIMAL(18, 2)) AS total_price,
  coalesce(TRY_CAST(i.item.discountAmount AS DECIMAL(18, 2)), 0) AS discount_amount,
  i.event_id,
  i.occurred_at,
  i.source_file,
  i.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM items AS i
CROSS JOIN run_context AS rc
