-- Silver order items: one row per (order id, item id), exploded from the order versions this run wrote to silver.orders.
-- @materialized incremental
-- @unique_key order_id, item_id
-- @reads new_only
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @erase_by customer_id
-- @inputs silver.orders, run_context, control_erasure
-- @expect drop missing_required_field has_item_id: item_id IS NOT NULL AND product_id IS NOT NULL
-- @expect drop out_of_range positive_quantity: quantity >= 1
-- @expect drop negative_amount non_negative_price: unit_price >= 0 AND total_price >= 0
-- @expect warn invalid_enum_value known_category: category IN ('Apparel', 'Footwear', 'Electronics', 'Home', 'Beauty', 'Sports', 'Toys', 'Grocery', 'Books', 'Jewelry')
WITH accepted AS (
  -- The order versions this run wrote to silver.orders (inserted or updated by its MERGE, so their expectations
  -- passed and they are the latest): their items replace or add lines; untouched orders keep theirs.
  SELECT o.order_id, o.customer_id, o.items_json, o.event_id, o.occurred_at, o.source_file, o.line_no
  FROM silver.orders AS o
  CROSS JOIN run_context AS rc
  WHERE o.load_id = rc.load_id AND o.item_count > 0
),

positions AS (
  -- The items array is parsed once per order into its elements (as JSON text); each element once more below.
  SELECT l.*, from_json(l.items_json, 'ARRAY<STRING>') AS item_texts,
    explode(sequence(0, json_array_length(l.items_json) - 1)) AS item_index
  FROM accepted AS l
),

items AS (
  SELECT
    p.order_id,
    p.customer_id,
    p.item_index,
    from_json(
      element_at(p.item_texts, p.item_index + 1),
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
