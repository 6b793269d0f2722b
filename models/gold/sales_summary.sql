-- Daily sales (seed 002 sales_summary): per order date — completed purchases, buyers, revenue, average order
-- value, items sold, returns/refunds and failed or cancelled orders.
-- @materialized full
-- @unique_key order_date
-- @zorder order_date
-- @inputs silver.orders, silver.order_items, run_context
-- @expect fail negative_amount non_negative_revenue: revenue >= 0
WITH orders AS (
  SELECT o.*, o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' AS is_sale
  FROM silver.orders AS o
  WHERE o.order_date IS NOT NULL
),

-- Units sold per day: the items of the day's completed purchases.
items_sold AS (
  SELECT o.order_date, sum(it.quantity) AS quantity
  FROM silver.order_items AS it
  INNER JOIN silver.orders AS o ON o.order_id = it.order_id
  WHERE o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' AND o.order_date IS NOT NULL
  GROUP BY o.order_date
),

daily AS (
  SELECT
    o.order_date,
    count(*) FILTER (WHERE o.is_sale) AS orders,
    count(DISTINCT CASE WHEN o.is_sale THEN o.customer_id END) AS customers,
    CAST(coalesce(sum(CASE WHEN o.is_sale THEN o.total_amount END), 0) AS DECIMAL(18, 2)) AS revenue,
    -- generated:begin daily_average_order_value (models/rules.ts; regenerate with npm run models:build)
    CAST(CAST(floor((2 * CAST((sum(CASE WHEN o.is_sale THEN o.total_amount END)) * 100 AS BIGINT) + count(*) FILTER (WHERE o.is_sale)) / (2 * NULLIF(count(*) FILTER (WHERE o.is_sale), 0))) AS BIGINT) * 0.01 AS DECIMAL(18, 2))
    -- generated:end daily_average_order_value
    AS avg_order_value,
    CAST(coalesce(sum(CASE WHEN o.is_sale THEN o.discount_amount END), 0) AS DECIMAL(18, 2)) AS discounts,
    count(*) FILTER (WHERE o.transaction_type IN ('RETURN', 'REFUND')) AS returns,
    CAST(coalesce(sum(CASE WHEN o.transaction_type IN ('RETURN', 'REFUND') THEN o.total_amount END), 0) AS DECIMAL(18, 2)) AS returned_amount,
    count(*) FILTER (WHERE o.status IN ('FAILED', 'CANCELLED')) AS failed_or_cancelled
  FROM orders AS o
  GROUP BY o.order_date
)

SELECT
  d.order_date,
  d.orders,
  d.customers,
  d.revenue,
  d.avg_order_value,
  CAST(coalesce(s.quantity, 0) AS BIGINT) AS items_sold,
  d.discounts,
  d.returns,
  d.returned_amount,
  d.failed_or_cancelled,
  rc.load_id
FROM daily AS d
LEFT JOIN items_sold AS s ON s.order_date = d.order_date
CROSS JOIN run_context AS rc
