-- Daily sales (seed 002 sales_summary): per order date — completed purchases, buyers, revenue, average order
-- value, items sold, returns/refunds and failed or cancelled orders.
-- @materialized full
-- @unique_key order_date
-- @zorder order_date
-- @inputs silver.orders, silver.order_items, run_context
-- @expect fail negative_amount non_negative_revenue: revenue >= 0
WITH items AS (
  SELECT it.order_id, sum(it.quantity) AS quantity FROM silver.order_items AS it GROUP BY it.order_id
),

orders AS (
  SELECT
    o.*,
    o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' AS is_sale,
    coalesce(i.quantity, 0) AS quantity
  FROM silver.orders AS o
  LEFT JOIN items AS i ON i.order_id = o.order_id
)

SELECT
  o.order_date,
  count(*) FILTER (WHERE o.is_sale) AS orders,
  count(DISTINCT CASE WHEN o.is_sale THEN o.customer_id END) AS customers,
  CAST(coalesce(sum(CASE WHEN o.is_sale THEN o.total_amount END), 0) AS DECIMAL(18, 2)) AS revenue,
  -- generated:begin daily_average_order_value (models/rules.ts; regenerate with npm run models:build)
  CAST(CAST(floor((2 * CAST((sum(CASE WHEN o.is_sale THEN o.total_amount END)) * 100 AS BIGINT) + count(*) FILTER (WHERE o.is_sale)) / (2 * NULLIF(count(*) FILTER (WHERE o.is_sale), 0))) AS BIGINT) * 0.01 AS DECIMAL(18, 2))
  -- generated:end daily_average_order_value
  AS avg_order_value,
  CAST(coalesce(sum(CASE WHEN o.is_sale THEN o.quantity END), 0) AS BIGINT) AS items_sold,
  CAST(coalesce(sum(CASE WHEN o.is_sale THEN o.discount_amount END), 0) AS DECIMAL(18, 2)) AS discounts,
  count(*) FILTER (WHERE o.transaction_type IN ('RETURN', 'REFUND')) AS returns,
  CAST(coalesce(sum(CASE WHEN o.transaction_type IN ('RETURN', 'REFUND') THEN o.total_amount END), 0) AS DECIMAL(18, 2)) AS returned_amount,
  count(*) FILTER (WHERE o.status IN ('FAILED', 'CANCELLED')) AS failed_or_cancelled,
  max(rc.load_id) AS load_id
FROM orders AS o
CROSS JOIN run_context AS rc
WHERE o.order_date IS NOT NULL
GROUP BY o.order_date
