-- Personalization: per customer and product category — purchases, views and cart adds, the category's share
-- of the customer's spend and views, an affinity score (0.7 × spend share + 0.3 × view share), its rank, and the
-- customer's most bought product in the category. A marketing use: only customers with marketing consent
-- (gold.marketing_consent); a withdrawal removes the customer's rows in the next gold run.
-- @materialized full
-- @unique_key customer_key, category
-- @zorder customer_key
-- @inputs silver.customer_identity, silver.orders, silver.order_items, silver.behavioral_events, gold.marketing_consent, run_context
-- @expect fail out_of_range affinity_in_range: affinity_score BETWEEN 0 AND 1
WITH identity AS (
  -- Only customers with marketing consent, from the start: every later step computes their rows alone.
  SELECT i.source_customer_id, i.customer_key
  FROM silver.customer_identity AS i
  INNER JOIN gold.marketing_consent AS mc ON mc.customer_key = i.customer_key AND mc.has_marketing_consent
),

purchases AS (
  SELECT i.customer_key, it.category, it.product_id, it.quantity, it.total_price
  FROM silver.order_items AS it
  INNER JOIN silver.orders AS o ON o.order_id = it.order_id
  INNER JOIN identity AS i ON i.source_customer_id = o.customer_id
  WHERE o.transaction_type = 'PURCHASE' AND o.status = 'COMPLETED' AND it.category IS NOT NULL
),

views AS (
  SELECT
    i.customer_key,
    e.category,
    count(*) FILTER (WHERE e.action = 'PRODUCT_VIEW') AS product_views,
    count(*) FILTER (WHERE e.action = 'CART_ADD') AS cart_adds
  FROM silver.behavioral_events AS e
  INNER JOIN identity AS i ON i.source_customer_id = e.customer_id
  WHERE e.category IS NOT NULL
  GROUP BY i.customer_key, e.category
),

bought AS (
  -- Per customer, category and product first; then per customer and category, with the most bought product (ties:
  -- the smallest product id) as the least of "quantity descending, then product id" written as one string (19-digit
  -- complement of the quantity, then the id): one more aggregation instead of a window over every product row and a
  -- join back. Silver's order items always have a product id (a drop rule).
  SELECT
    pp.customer_key,
    pp.category,
    CAST(sum(pp.quantity) AS BIGINT) AS purchased_quantity,
    sum(pp.amount) AS purchase_amount,
    substring(min(lpad(CAST(9223372036854775807 - pp.quantity AS STRING), 19, '0') || pp.product_id), 20) AS top_product_id
  FROM (
    SELECT p.customer_key, p.category, p.product_id, sum(p.quantity) AS quantity, sum(p.total_price) AS amount
    FROM purchases AS p
    GROUP BY p.customer_key, p.category, p.product_id
  ) AS pp
  GROUP BY pp.customer_key, pp.category
),

combined AS (
  SELECT
    coalesce(b.customer_key, v.customer_key) AS customer_key,
    coalesce(b.category, v.category) AS category,
    coalesce(b.purchased_quantity, 0) AS purchased_quantity,
    CAST(coalesce(b.purchase_amount, 0) AS DECIMAL(18, 2)) AS purchase_amount,
    coalesce(v.product_views, 0) AS product_views,
    coalesce(v.cart_adds, 0) AS cart_adds,
    b.top_product_id
  FROM bought AS b
  FULL OUTER JOIN views AS v ON v.customer_key = b.customer_key AND v.category = b.category
),

shares AS (
  SELECT
    c.*,
    coalesce(CAST(c.purchase_amount AS DOUBLE) / NULLIF(sum(CAST(c.purchase_amount AS DOUBLE)) OVER (PARTITION BY c.customer_key), 0), 0) AS spend_share,
    coalesce(CAST(c.product_views AS DOUBLE) / NULLIF(sum(c.product_views) OVER (PARTITION BY c.customer_key), 0), 0) AS view_share
  FROM combined AS c
),

scored AS (
  SELECT
    s.*,
    CAST(round(CAST(0.7 * s.spend_share + 0.3 * s.view_share AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS affinity_score
  FROM shares AS s
)

SELECT
  s.customer_key,
  s.category,
  s.purchased_quantity,
  s.purchase_amount,
  s.product_views,
  s.cart_adds,
  CAST(round(CAST(s.spend_share AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS spend_share,
  CAST(round(CAST(s.view_share AS DECIMAL(38, 10)), 4) AS DECIMAL(10, 4)) AS view_share,
  s.affinity_score,
  CAST(row_number() OVER (PARTITION BY s.customer_key ORDER BY s.affinity_score DESC, s.category) AS INT) AS preference_rank,
  s.top_product_id,
  rc.as_of_date,
  rc.load_id
FROM scored AS s
CROSS JOIN run_context AS rc
