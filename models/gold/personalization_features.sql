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
  SELECT p.customer_key, p.category, CAST(sum(p.quantity) AS BIGINT) AS purchased_quantity, sum(p.total_price) AS purchase_amount
  FROM purchases AS p
  GROUP BY p.customer_key, p.category
),

top_product AS (
  SELECT * FROM (
    SELECT
      p.customer_key,
      p.category,
      p.product_id,
      row_number() OVER (PARTITION BY p.customer_key, p.category ORDER BY sum(p.quantity) DESC, p.product_id) AS product_rank
    FROM purchases AS p
    GROUP BY p.customer_key, p.category, p.product_id
  ) AS t
  WHERE t.product_rank = 1
),

combined AS (
  SELECT
    coalesce(b.customer_key, v.customer_key) AS customer_key,
    coalesce(b.category, v.category) AS category,
    coalesce(b.purchased_quantity, 0) AS purchased_quantity,
    CAST(coalesce(b.purchase_amount, 0) AS DECIMAL(18, 2)) AS purchase_amount,
    coalesce(v.product_views, 0) AS product_views,
    coalesce(v.cart_adds, 0) AS cart_adds
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
  t.product_id AS top_product_id,
  rc.as_of_date,
  rc.load_id
FROM scored AS s
CROSS JOIN run_context AS rc
LEFT JOIN top_product AS t ON t.customer_key = s.customer_key AND t.category = s.category
