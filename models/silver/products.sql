-- Silver products: the catalog, from envelope JSONL and CSV/Parquet extracts alike; latest version per product.
-- @materialized incremental
-- @unique_key product_id
-- @update_when s.occurred_at > t.occurred_at OR (s.occurred_at = t.occurred_at AND s.event_id > t.event_id)
-- @inputs bronze.events, run_context
-- @expect drop missing_required_field has_product_id: product_id IS NOT NULL AND product_name IS NOT NULL
-- @expect drop negative_amount non_negative_price: price >= 0
-- @expect drop invalid_timestamp valid_occurred_at: occurred_at IS NOT NULL
-- @expect warn invalid_enum_value known_category: category IN ('Apparel', 'Footwear', 'Electronics', 'Home', 'Beauty', 'Sports', 'Toys', 'Grocery', 'Books', 'Jewelry')
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH source AS (
  SELECT b.*, from_json(b.payload, 'MAP<STRING, STRING>') AS pm
  FROM bronze.events AS b
  CROSS JOIN run_context AS rc
  WHERE b.event_type = 'product'
    AND (rc.window_start_date IS NULL OR b.ingest_date >= rc.window_start_date)
    AND (rc.window_end_date IS NULL OR b.ingest_date < rc.window_end_date)
),

renamed AS (
  SELECT
    trim(s.pm['productId']) AS product_id,
    trim(s.pm['sku']) AS sku,
    trim(s.pm['name']) AS product_name,
    initcap(trim(s.pm['category'])) AS category,
    trim(s.pm['subcategory']) AS subcategory,
    trim(s.pm['brand']) AS brand,
    TRY_CAST(s.pm['price'] AS DECIMAL(18, 2)) AS price,
    upper(trim(s.pm['currency'])) AS currency,
    TRY_CAST(s.pm['stockQuantity'] AS BIGINT) AS stock_quantity,
    -- generated:begin rescued_fields_product (models/rules.ts; regenerate with npm run models:build)
    coalesce(array_join(array_sort(array_except(
      map_keys(s.pm),
      split('productId,sku,name,category,subcategory,brand,price,currency,stockQuantity,updatedAt', ',')
    )), ','), '')
    -- generated:end rescued_fields_product
    AS rescued_fields,
    s.record_format,
    s.event_id,
    s.occurred_at,
    s.source_file,
    s.line_no
  FROM source AS s
),

-- generated:begin latest_version_product (models/rules.ts; regenerate with npm run models:build)
versioned_keys AS (
  -- Keys with more than one version in this input: only these go through the ranking window.
  SELECT coalesce(n.product_id, n.event_id) AS version_key
  FROM renamed AS n
  WHERE coalesce(n.product_id, n.event_id) IS NOT NULL
  GROUP BY coalesce(n.product_id, n.event_id)
  HAVING count(*) > 1
),

latest AS (
  -- The latest valid version of each key (rows without a key stay apart; invalid versions stay for the quarantine).
  SELECT n.*, 1 AS version_rank
  FROM renamed AS n
  WHERE coalesce(n.product_id, n.event_id) IS NULL
    OR coalesce(n.product_id, n.event_id) NOT IN (SELECT k.version_key FROM versioned_keys AS k)
  UNION ALL
  SELECT * FROM (
    SELECT
      n.*,
      CASE WHEN (coalesce((product_id IS NOT NULL AND product_name IS NOT NULL), false) AND coalesce((price >= 0), false) AND coalesce((occurred_at IS NOT NULL), false)) THEN row_number() OVER (
        PARTITION BY coalesce(n.product_id, n.event_id), (coalesce((product_id IS NOT NULL AND product_name IS NOT NULL), false) AND coalesce((price >= 0), false) AND coalesce((occurred_at IS NOT NULL), false)) ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
      ) ELSE 1 END AS version_rank
    FROM renamed AS n
    WHERE coalesce(n.product_id, n.event_id) IN (SELECT k.version_key FROM versioned_keys AS k)
  ) AS v
  WHERE v.version_rank = 1
)
-- generated:end latest_version_product

SELECT
  l.product_id,
  l.sku,
  l.product_name,
  l.category,
  l.subcategory,
  l.brand,
  l.price,
  l.currency,
  l.stock_quantity,
  l.rescued_fields,
  l.record_format,
  l.event_id,
  l.occurred_at,
  l.source_file,
  l.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM latest AS l
CROSS JOIN run_context AS rc
