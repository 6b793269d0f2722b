-- Top 50 customers by total spent (seed 002 top_customers, Power BI ready); ties by customer_key. By pseudonymous
-- customer_key only: whoever needs to contact them joins the restricted gold.customer_contacts.
-- @materialized full
-- @unique_key customer_key
-- @inputs gold.customer_360, gold.customer_lifetime_value, gold.customer_segments
-- @expect warn invalid_value positive_spend: total_spent > 0
WITH ranked AS (
  SELECT
    c.*,
    row_number() OVER (ORDER BY c.total_spent DESC, c.customer_key) AS revenue_rank
  FROM gold.customer_360 AS c
  WHERE c.total_orders > 0
)

SELECT
  CAST(r.revenue_rank AS INT) AS revenue_rank,
  r.customer_key,
  r.total_orders,
  r.total_spent,
  r.avg_order_value,
  r.last_order_date,
  r.value_segment,
  s.rfm_segment,
  v.historical_clv_3y,
  v.factor_clv,
  r.load_id
FROM ranked AS r
LEFT JOIN gold.customer_lifetime_value AS v ON v.customer_key = r.customer_key
LEFT JOIN gold.customer_segments AS s ON s.customer_key = r.customer_key
WHERE r.revenue_rank <= 50
